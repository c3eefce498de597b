import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createMessageWatch } from '../../src/transport/receive/message-watch.js';
import { createBackgroundTasks } from '../../src/transport/send/background.js';
import { createBot } from '../../src/bot/create-bot.js';
import { createFloodGuard } from '../../src/bot/prompt/flood.js';
import { loadConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/client.js';
import { loadQuestionnaireFile } from '../../src/questionnaire/validate.js';
import { startFakeBotApi, type FakeBotApiServer } from '../helpers/fake-bot-api-server.js';
import { FakeTelegram } from '../helpers/fake-telegram.js';
import { createFiguresThread } from '../../src/off-thread/figures-thread.js';

/*
 * How the bot's API client (createBot: throttler + auto-retry) rides out
 * Telegram's failures, over HTTP against the fault-injecting fake, with a fake
 * clock so back-offs of minutes take milliseconds: 429 waits retry_after,
 * 5xx and network errors are retried 0.5, 1 and 2 s apart (create-bot.ts),
 * then the error reaches the handler.
 */

let telegram: FakeTelegram;
let server: FakeBotApiServer;
const CHAT = 777;

beforeAll(async () => {
  telegram = new FakeTelegram();
  server = await startFakeBotApi(telegram);
  telegram.addChat(CHAT);
});

afterAll(async () => {
  await server.close();
});

afterEach(() => {
  server.clearFaults();
  vi.useRealTimers();
});

function botOverHttp() {
  const config = loadConfig({ BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: server.apiRoot, TELEGRAM_RATE_LIMITS: 'off' });
  const db = openDatabase(':memory:');
  const logger = pino({ level: 'silent' });
  return createBot({
    config,
    db,
    logger,
    clock: () => new Date(),
    pseudonymSecret: 'f'.repeat(64),
    loadQuestionnaire: () => loadQuestionnaireFile(config.questionnairePath),
    background: createBackgroundTasks(logger),
    messageWatch: createMessageWatch({ logger }),
    flood: createFloodGuard(),
    figures: createFiguresThread({ db, logger }),
    botInfo: telegram.botInfo,
  });
}

/**
 * Sends one message under a fake clock, advancing it a second at a time
 * (letting the real loopback round trips happen in between) for at most
 * `seconds`; returns how it ended and how many attempts reached Telegram.
 */
async function sendUnderFakeClock(text: string, seconds: number) {
  const bot = botOverHttp();
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  const before = server.injected.length + telegram.calls.length;
  let outcome: { ok: true } | { ok: false; error: unknown } | undefined;
  const sending = bot.api.sendMessage(CHAT, text).then(
    () => (outcome = { ok: true }),
    (error: unknown) => (outcome = { ok: false, error }),
  );
  let elapsed = 0;
  for (; elapsed < seconds && outcome === undefined; elapsed++) {
    // A little real time for the HTTP round trip of an attempt under way. A slow round trip only
    // makes the clock run ahead of it, which changes no count: no timer is due while a call is out.
    const settleBy = performance.now() + 5;
    while (performance.now() < settleBy && outcome === undefined) await new Promise((resolve) => setImmediate(resolve));
    await vi.advanceTimersByTimeAsync(1_000);
  }
  vi.useRealTimers();
  if (outcome === undefined) void sending; // still retrying: left behind
  const delivered = telegram.messages(CHAT).filter((m) => m.text === text).length;
  return { outcome, attempts: server.injected.length + telegram.calls.length - before, seconds: elapsed, delivered };
}

describe("the bot's API client against Telegram's failures", () => {
  it('a 429 is waited out for retry_after seconds and retried', async () => {
    server.failNext('sendMessage', '429', { times: 2, retryAfter: 5 });
    const result = await sendUnderFakeClock('after two 429s', 60);
    expect(result.outcome).toEqual({ ok: true });
    expect(result.attempts).toBe(3);
    expect(result.seconds).toBeGreaterThanOrEqual(10);
    expect(result.delivered).toBe(1);
  }, 30_000);

  it('a 500 is retried within a second or two, three times at most, then the error reaches the caller', async () => {
    server.failNext('sendMessage', '500', { times: 1_000 });
    const result = await sendUnderFakeClock('never through a 500', 300);
    expect(result.outcome?.ok).toBe(false);
    expect(result.attempts).toBe(4);
    // Back-off between attempts: 0.5 + 1 + 2 s, not auto-retry's 3 + 6 + 12 s.
    expect(result.seconds).toBeGreaterThanOrEqual(3);
    expect(result.seconds).toBeLessThanOrEqual(6);
  }, 30_000);

  it('a 500 that passes is retried and the message goes out once', async () => {
    server.failNext('sendMessage', '500', { times: 2 });
    const result = await sendUnderFakeClock('after two 500s', 60);
    expect(result.outcome).toEqual({ ok: true });
    expect(result.attempts).toBe(3);
    expect(result.delivered).toBe(1);
    expect(result.seconds).toBeLessThanOrEqual(3);
  }, 30_000);

  it('a connection dropped once is retried and the message goes out once', async () => {
    server.failNext('sendMessage', 'drop-before');
    const result = await sendUnderFakeClock('after a dropped connection', 60);
    expect(result.outcome).toEqual({ ok: true });
    expect(result.attempts).toBe(2);
    expect(result.delivered).toBe(1);
  }, 30_000);

  it('a response lost after Telegram applied the call: the retry sends the message a second time (at least once, not exactly once)', async () => {
    server.failNext('sendMessage', 'drop-after');
    const result = await sendUnderFakeClock('after a lost response', 60);
    expect(result.outcome).toEqual({ ok: true });
    expect(result.delivered).toBe(2);
  }, 30_000);

  it('a connection that keeps dropping is retried a bounded number of times, then the error reaches the caller', async () => {
    server.failNext('sendMessage', 'drop-before', { times: 1_000 });
    // Back-off 3, 6, 12, 24, 48 … s: five minutes is far beyond three retries.
    const result = await sendUnderFakeClock('never through a dead network', 300);
    expect(result.outcome?.ok, `still retrying after ${result.attempts} attempts in ${result.seconds} s`).toBe(false);
    expect(result.attempts).toBeLessThanOrEqual(4);
  }, 30_000);
});
