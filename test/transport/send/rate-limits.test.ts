import { Api } from 'grammy';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { apiClientOptions, useApiTransformers } from '../../../src/transport/send/api.js';
import { startFakeBotApi, type FakeBotApiServer } from '../../helpers/fake-bot-api-server.js';
import { FakeTelegram } from '../../helpers/fake-telegram.js';
import { until } from '../../helpers/until.js';

/*
 * The README's promise on outgoing calls ("Outgoing calls", TELEGRAM_RATE_LIMITS):
 * the calls go through the transformers the bot installs (useApiTransformers,
 * rate limits on as shipped) over loopback HTTP to the fake Bot API server, and
 * are timed as they leave for the wire, below every transformer: that is what
 * the bot controls, while the server (in this same process) would add its own
 * scheduling jitter to what it notes. Bounds on the limit side are the promise,
 * so they are strict; bounds on the fast side (it does not take absurdly long)
 * are generous, for a busy machine.
 */

let telegram: FakeTelegram;
let server: FakeBotApiServer;

beforeEach(async () => {
  telegram = new FakeTelegram();
  server = await startFakeBotApi(telegram);
});

afterEach(async () => {
  vi.useRealTimers();
  await server.close();
});

interface WireCall {
  method: string;
  chatId: number | undefined;
  /** When it left for the server (Date.now(), so the fake clock where one is installed). */
  at: number;
}

/** The Api the bot would build, against the fake server, with a log of every call as it left for the wire. */
function botApi() {
  const api = new Api(telegram.token, apiClientOptions({ telegramApiRoot: server.apiRoot }));
  const wire = { calls: [] as WireCall[], inFlight: 0 };
  // Installed first, so it sits below every transformer useApiTransformers adds: right above the HTTP call.
  api.config.use(async (prev, method, payload, signal) => {
    const chatId = payload && 'chat_id' in payload ? Number(payload.chat_id) : undefined;
    wire.calls.push({ method, chatId, at: Date.now() });
    wire.inFlight++;
    try {
      return await prev(method, payload, signal);
    } finally {
      wire.inFlight--;
    }
  });
  useApiTransformers(api, { telegramRateLimits: true });
  const times = (chatId?: number, method = 'sendMessage') =>
    wire.calls.filter((call) => call.method === method && (chatId === undefined || call.chatId === chatId)).map((call) => call.at);
  return { api, wire, times };
}

/** The most of `times` (ms) that fall within any window of `windowMs` (a start, and everything less than windowMs after it). */
function busiestWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let first = 0, end = 0; first < sorted.length; first++) {
    while (end < sorted.length && sorted[end]! - sorted[first]! < windowMs) end++;
    most = Math.max(most, end - first);
  }
  return most;
}

const gaps = (times: readonly number[]) => times.slice(1).map((time, i) => time - times[i]!);

/** Holds the event loop, as the bot's own work does (a report built, a long query). */
function busyFor(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // busy
  }
}

/** Residents the bot may write to. */
function residents(from: number, count: number): number[] {
  const ids = Array.from({ length: count }, (_, i) => from + i);
  for (const id of ids) telegram.addChat(id);
  return ids;
}

describe('outgoing calls overall', () => {
  it('a hundred messages to a hundred residents at once: never more than 30 in any second, all out in a few seconds', async () => {
    const { api, times } = botApi();
    const fired = Date.now();
    await Promise.all(residents(5_000, 100).map((id) => api.sendMessage(id, 'A new round is open')));
    expect(telegram.callsTo('sendMessage').filter((call) => call.result.ok)).toHaveLength(100);
    expect(busiestWindow(times(), 1_000)).toBeLessThanOrEqual(30);
    // Evenly spaced at about 30 a second: ideally 3.4 s from first to last.
    expect(Math.max(...times()) - fired).toBeLessThan(10_000);
  }, 15_000);

  it('the calls a busy moment held up do not then leave together', async () => {
    const { api, wire, times } = botApi();
    const sending = Promise.all(residents(5_000, 100).map((id) => api.sendMessage(id, 'A new round is open')));
    await until(() => wire.calls.length >= 20, 'the first twenty calls', 10_000);
    busyFor(300);
    await sending;
    expect(busiestWindow(times(), 1_000)).toBeLessThanOrEqual(30);
  }, 15_000);
});

describe('a private chat', () => {
  it('gets a burst of five at once, one at a time, then one a second; another chat is not held up by it', async () => {
    const { api, times } = botApi();
    const [busy, other] = residents(6_001, 2) as [number, number];
    // Each call takes 100 ms at the server, so calls that overlapped would leave together.
    server.faults({ latencyMs: 100, methods: ['sendMessage'] });
    const fired = Date.now();
    const sending = Array.from({ length: 8 }, (_, i) => api.sendMessage(busy, `message ${i + 1}`));
    sending.push(api.sendMessage(other, 'meanwhile'));
    await Promise.all(sending);

    const busyTimes = times(busy);
    expect(telegram.messages(busy).map((m) => m.text)).toEqual(Array.from({ length: 8 }, (_, i) => `message ${i + 1}`));
    const burst = busyTimes.slice(0, 5);
    // One at a time: each waited for the server's answer to the one before (100 ms, give or take a timer's millisecond).
    for (const gap of gaps(burst)) expect(gap).toBeGreaterThanOrEqual(95);
    // At once: nothing else held them.
    expect(burst[4]! - fired).toBeLessThan(1_500);
    // Then one a second (Telegram's own "about one a second"; a tenth of it for the event loop's jitter).
    expect(busyTimes[5]! - busyTimes[0]!).toBeGreaterThanOrEqual(900);
    for (const gap of gaps(busyTimes.slice(5))) expect(gap).toBeGreaterThanOrEqual(900);
    for (const gap of gaps(busyTimes.slice(4))) expect(gap).toBeLessThan(2_500);

    const [otherTime] = times(other);
    expect(otherTime).toBeLessThan(busyTimes[1]!);
  }, 15_000);
});

/*
 * A minute is too long to wait for in real time, so these run a fake clock
 * (timers and Date) with real HTTP: the clock moves in small steps, and never
 * while a call is on the wire, which the server answers in real time. (Small
 * steps rather than timer to timer: the timer a call's answer makes the
 * throttler set may come a moment after the clock already jumped past it.)
 */
describe('a group chat', () => {
  const GROUP = -1_001_234_567;
  const CLOCK_STEP_MS = 50;

  function clockedBotApi() {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    telegram.group(GROUP);
    const bot = botApi();
    /** Runs the fake clock until `done()`, for at most `maxMs` of it. */
    const runClock = async (done: () => boolean, maxMs: number) => {
      const deadline = Date.now() + maxMs;
      for (;;) {
        while (bot.wire.inFlight > 0) await new Promise((resolve) => setImmediate(resolve));
        if (done()) return;
        if (Date.now() > deadline) throw new Error(`not done after ${maxMs} ms of the fake clock`);
        await vi.advanceTimersByTimeAsync(CLOCK_STEP_MS);
      }
    };
    /** Sends these texts to the group at once; the clock runs until every one was sent. */
    const sendAll = async (texts: readonly string[]) => {
      let sent = false;
      const sending = Promise.all(texts.map((text) => bot.api.sendMessage(GROUP, text))).then(() => void (sent = true));
      await runClock(() => sent, 5 * 60_000);
      await sending;
    };
    return { ...bot, runClock, sendAll };
  }

  const parts = (count: number) => Array.from({ length: count }, (_, i) => `report part ${i + 1}`);

  it('gets at most 20 messages in a minute, and the rest a little later', async () => {
    const { times, sendAll } = clockedBotApi();
    await sendAll(parts(25));
    const groupTimes = times(GROUP);
    expect(telegram.messages(GROUP)).toHaveLength(25);
    expect(busiestWindow(groupTimes, 60_000)).toBeLessThanOrEqual(20);
    // Evenly spaced, one every three seconds or so, not twenty at once and then a minute's wait.
    for (const gap of gaps(groupTimes)) expect(gap).toBeGreaterThanOrEqual(2_900);
    expect(groupTimes[24]! - groupTimes[0]!).toBeLessThan(2 * 60_000);
  }, 15_000);

  it('gets at most 20 in any minute, whenever the messages come', async () => {
    const { times, runClock, sendAll } = clockedBotApi();
    const start = Date.now();
    await sendAll(['digest']);
    await runClock(() => Date.now() >= start + 40_000, 60_000);
    await sendAll(parts(30));
    expect(telegram.messages(GROUP)).toHaveLength(31);
    expect(busiestWindow(times(GROUP), 60_000)).toBeLessThanOrEqual(20);
  }, 15_000);
});

describe("a press's answer (answerCallbackQuery)", () => {
  it('is not held back behind a busy chat or the queue of calls overall', async () => {
    const [presser] = residents(7_001, 1) as [number];
    await new Api(telegram.token, { apiRoot: server.apiRoot }).sendMessage(presser, 'Satisfied?', {
      reply_markup: { inline_keyboard: [[{ text: 'Yes', callback_data: 'yes' }]] },
    });
    let queryId: string | undefined;
    telegram.setDelivery(async (update) => void (queryId = update.callback_query?.id));
    await telegram.user(presser).press('Yes');
    expect(queryId).toBeDefined();

    const { api, times } = botApi();
    const fired = Date.now();
    const busy = [
      ...residents(8_000, 100).map((id) => api.sendMessage(id, 'A new round is open')),
      ...Array.from({ length: 8 }, (_, i) => api.sendMessage(presser, `question ${i + 1}`)),
    ];
    const answering = api.answerCallbackQuery(queryId!);
    // A message fired with it waits its turn behind the hundred and more.
    const [latecomer] = residents(9_000, 1) as [number];
    busy.push(api.sendMessage(latecomer, 'welcome'));
    await answering;
    const answeredAt = Date.now();
    await Promise.all(busy);

    expect(telegram.callbackQueries()[0]).toMatchObject({ answered: true });
    expect(times(undefined, 'answerCallbackQuery')[0]! - fired).toBeLessThan(1_000);
    expect(answeredAt - fired).toBeLessThan(1_000);
    expect(times(latecomer)[0]! - fired).toBeGreaterThanOrEqual(3_000);
  }, 15_000);
});
