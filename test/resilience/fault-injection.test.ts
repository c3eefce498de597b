import { Bot, GrammyError, HttpError } from 'grammy';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeBotApi, type FakeBotApiServer, type FaultPlan } from '../helpers/fake-bot-api-server.js';
import { FakeTelegram } from '../helpers/fake-telegram.js';

/*
 * The fault injection of the fake Bot API server itself: what each fault
 * looks like to a grammY client (no auto-retry here, so every fault shows),
 * that faults are reproducible from the seed, and that getUpdates is spared
 * unless asked for.
 */

const CHAT = 4242;
const servers: FakeBotApiServer[] = [];

afterEach(async () => {
  while (servers.length > 0) await servers.pop()!.close();
});

async function setUp(plan?: FaultPlan) {
  const telegram = new FakeTelegram();
  telegram.addChat(CHAT);
  const server = await startFakeBotApi(telegram, plan ? { faults: plan } : {});
  servers.push(server);
  const bot = new Bot(telegram.token, { botInfo: telegram.botInfo, client: { apiRoot: server.apiRoot } });
  const send = (text: string) =>
    bot.api.sendMessage(CHAT, text).then(
      () => 'ok',
      (error: unknown) =>
        error instanceof GrammyError
          ? `${error.error_code}${error.parameters.retry_after !== undefined ? ` retry_after=${error.parameters.retry_after}` : ''}`
          : error instanceof HttpError
            ? 'network error'
            : `other: ${String(error)}`,
    );
  const sent = (text: string) => telegram.messages(CHAT).filter((m) => m.text === text).length;
  return { telegram, server, bot, send, sent };
}

describe('fault injection in the fake Bot API server', () => {
  it('injects 429 with retry_after, 500, and connections dropped before or after applying the call', async () => {
    const { server, send, sent } = await setUp();
    server.failNext('sendMessage', '429', { retryAfter: 7 });
    expect(await send('a')).toBe('429 retry_after=7');
    server.failNext('sendMessage', '500');
    expect(await send('b')).toBe('500');
    server.failNext('sendMessage', 'drop-before');
    expect(await send('c')).toBe('network error');
    server.failNext('sendMessage', 'drop-after');
    expect(await send('d')).toBe('network error');
    expect(await send('e')).toBe('ok');
    // Only the call whose response was lost (and the good one) reached the chat.
    expect(['a', 'b', 'c', 'd', 'e'].map(sent)).toEqual([0, 0, 0, 1, 1]);
    expect(server.faultCounts()).toEqual({ '429': 1, '500': 1, 'drop-before': 1, 'drop-after': 1 });
    expect(server.injected.find((f) => f.kind === 'drop-after')?.callIndex).toBeTypeOf('number');
  });

  it('failNext can target one chat and leaves the others alone', async () => {
    const { telegram, server, bot, send } = await setUp();
    telegram.addChat(CHAT + 1);
    server.failNext('sendMessage', '500', { chatId: CHAT + 1, times: 2 });
    expect(await send('here')).toBe('ok');
    await expect(bot.api.sendMessage(CHAT + 1, 'there')).rejects.toThrow(/Internal Server Error/);
    server.clearFaults();
    await expect(bot.api.sendMessage(CHAT + 1, 'there')).resolves.toBeDefined();
  });

  it('is reproducible: the same seed injects the same faults into the same calls, another seed others', async () => {
    const plan = (seed: number): FaultPlan => ({ seed, rates: { '429': 0.2, '500': 0.2, 'drop-before': 0.1, 'drop-after': 0.1 } });
    const run = async (seed: number) => {
      const { send } = await setUp(plan(seed));
      const outcomes: string[] = [];
      for (let i = 0; i < 40; i++) outcomes.push(await send(`m${i}`));
      return outcomes.join(',');
    };
    const first = await run(1);
    expect(await run(1)).toBe(first);
    expect(await run(2)).not.toBe(first);
    expect(first).toMatch(/ok/);
    expect(first).toMatch(/429|500|network error/);
  });

  it('spares getUpdates unless includeGetUpdates is set', async () => {
    const spared = await setUp({ rates: { '500': 1 } });
    await expect(spared.bot.api.getUpdates({ timeout: 0 })).resolves.toEqual([]);
    expect(await spared.send('x')).toBe('500');
    const hit = await setUp({ rates: { '500': 1 }, includeGetUpdates: true });
    await expect(hit.bot.api.getUpdates({ timeout: 0 })).rejects.toThrow(/Internal Server Error/);
  });

  it('storms hit only the calls whose number falls in their range; max bounds the faults of a kind', async () => {
    const { server, send } = await setUp({ storms: [{ from: 3, to: 4, rates: { '500': 1 } }] });
    const outcomes: string[] = [];
    for (let i = 0; i < 6; i++) outcomes.push(await send(`s${i}`));
    expect(outcomes).toEqual(['ok', 'ok', '500', '500', 'ok', 'ok']);
    server.faults({ rates: { '429': 1 }, max: { '429': 2 } });
    const bounded: string[] = [];
    for (let i = 0; i < 4; i++) bounded.push(await send(`b${i}`));
    expect(bounded).toEqual(['429 retry_after=1', '429 retry_after=1', 'ok', 'ok']);
  });

  it('adds latency to every affected call', async () => {
    const { send } = await setUp({ latencyMs: 120 });
    const started = Date.now();
    expect(await send('slow')).toBe('ok');
    expect(Date.now() - started).toBeGreaterThanOrEqual(110);
  });

  it('counts updates handed to the bot more than once (unconfirmed, fetched again)', async () => {
    const { telegram, server, bot } = await setUp();
    const user = telegram.user(CHAT);
    const confirmed = user.send('hello');
    const first = await bot.api.getUpdates({ timeout: 0 });
    const again = await bot.api.getUpdates({ timeout: 0 });
    expect(again.map((u) => u.update_id)).toEqual(first.map((u) => u.update_id));
    await bot.api.getUpdates({ offset: first.at(-1)!.update_id + 1, timeout: 0 });
    await confirmed;
    expect(server.deliveries()).toEqual({ delivered: 1, redelivered: 1 });
  });
});
