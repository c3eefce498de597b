import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { startBotProcess, temporaryDatabasePath, type BotProcess } from '../helpers/bot-process.js';
import { startFakeBotApi, type FakeBotApiServer } from '../helpers/fake-bot-api-server.js';
import { FakeTelegram } from '../helpers/fake-telegram.js';
import { answerUntilSummary } from '../helpers/survey-driver.js';

/*
 * Webhook mode, end to end: the real bot process (as `npm start` runs it,
 * with WEBHOOK_URL set) and a fake Bot API server that posts updates to it
 * over HTTP, with the secret token the bot gave setWebhook, as Telegram does.
 */

const ADMIN = 5001;

let telegram: FakeTelegram;
let server: FakeBotApiServer;
let bot: BotProcess | undefined;
let databasePath: string;
let port: number;
let hookUrl: string;

/** A port nobody listens on (the bot's webhook server takes it). */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port: free } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return free;
}

function environment(extra: Record<string, string> = {}): Record<string, string> {
  return {
    BOT_TOKEN: telegram.token,
    TELEGRAM_API_ROOT: server.apiRoot,
    DATABASE_PATH: databasePath,
    ADMIN_CHAT_IDS: String(ADMIN),
    WEBHOOK_URL: hookUrl,
    WEBHOOK_HOST: '127.0.0.1',
    PORT: String(port),
    ...extra,
  };
}

function countRows(table: string): number {
  const db = new Database(databasePath, { readonly: true });
  try {
    return (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

const post = (body: string, headers: Record<string, string> = {}, path = '/telegram/hook', method = 'POST') =>
  fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    ...(method === 'POST' ? { body } : {}),
  });

beforeAll(async () => {
  telegram = new FakeTelegram();
  server = await startFakeBotApi(telegram);
  databasePath = temporaryDatabasePath();
  port = await freePort();
  hookUrl = `http://127.0.0.1:${port}/telegram/hook`;
  telegram.user(ADMIN, { first_name: 'Admin', language_code: 'en' });
  bot = await startBotProcess(environment(), { server });
}, 60_000);

afterAll(async () => {
  await bot?.stop();
  await server?.close();
});

describe('webhook mode', () => {
  it('sets the webhook with a generated secret and the updates it wants, and never polls', () => {
    const webhook = server.webhook();
    expect(webhook?.url).toBe(hookUrl);
    expect(webhook?.secret).toMatch(/^[0-9a-f]{64}$/);
    expect(bot!.output()).toContain(`webhook ready: Telegram posts to ${hookUrl}`);
    expect(server.overlappingPolls()).toBe(0);
  });

  it('serves residents and admins with updates Telegram posts to it', async () => {
    await telegram.user(ADMIN).send('/open_round By webhook');
    expect(telegram.user(ADMIN).lastText()).toMatch(/^Round 1 “By webhook” is open/);
    const resident = telegram.user(6100, { language_code: 'en' });
    await resident.send('/start hook_tag');
    await answerUntilSummary(resident, 'en');
    await resident.press('✅ Submit');
    expect(resident.lastText()).toBe('Thank you for taking part! Your answers have been recorded anonymously.');
    expect(server.webhookPosts.length).toBeGreaterThan(10);
    expect(server.webhookPosts.every((p) => p.status === 200)).toBe(true);
    const db = new Database(databasePath, { readonly: true });
    try {
      expect(db.prepare("SELECT status, source FROM responses").all()).toEqual([{ status: 'completed', source: 'hook_tag' }]);
    } finally {
      db.close();
    }
  }, 60_000);

  it('refuses requests without the right secret (401), other methods and paths, and what is not an update', async () => {
    const secret = server.webhook()!.secret!;
    const update = JSON.stringify({
      update_id: 999_001,
      message: { message_id: 1, date: 0, chat: { id: 6200, type: 'private', first_name: 'F' }, from: { id: 6200, is_bot: false, first_name: 'F' }, text: '/start' },
    });
    const inboxBefore = countRows('inbox_updates');
    expect((await post(update)).status).toBe(401);
    expect((await post(update, { 'x-telegram-bot-api-secret-token': 'guess' })).status).toBe(401);
    expect((await post(update, { 'x-telegram-bot-api-secret-token': `${secret}x` })).status).toBe(401);
    expect((await post(update, { 'x-telegram-bot-api-secret-token': secret }, '/other')).status).toBe(404);
    expect((await post(update, { 'x-telegram-bot-api-secret-token': secret }, '/telegram/hook', 'GET')).status).toBe(405);
    expect((await post('{not json', { 'x-telegram-bot-api-secret-token': secret })).status).toBe(400);
    expect((await post('{"message":{}}', { 'x-telegram-bot-api-secret-token': secret })).status).toBe(400);
    expect((await post('x'.repeat(2_000_000), { 'x-telegram-bot-api-secret-token': secret })).status).toBe(413);
    expect(countRows('inbox_updates')).toBe(inboxBefore);
    // Eight refusals, one line: nobody can fill the log by knocking.
    const lines = bot!.output().split('\n').filter((line) => line.includes('webhook refused'));
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 40, count: 1, refused: { 'wrong secret token': 1 } });
  });

  it('keeps its secret across a restart, and takes WEBHOOK_SECRET when it is set', async () => {
    const first = server.webhook()!.secret;
    await bot!.stop();
    bot = await startBotProcess(environment(), { server });
    expect(server.webhook()!.secret).toBe(first);
    await bot.stop();
    bot = await startBotProcess(environment({ WEBHOOK_SECRET: 'chosen_by-the_operator' }), { server });
    expect(server.webhook()!.secret).toBe('chosen_by-the_operator');
    const resident = telegram.user(6300, { language_code: 'en' });
    await resident.send('/start');
    expect(resident.lastText()).toMatch(/^1 \/ 16\n/);
  }, 60_000);

  it('without WEBHOOK_URL deletes the webhook and polls, losing nothing that came meanwhile', async () => {
    await bot!.stop();
    // Sent while the bot is down: Telegram keeps it.
    const resident = telegram.user(6400, { language_code: 'en' });
    const waiting = resident.send('/start');
    const { WEBHOOK_URL: _url, WEBHOOK_HOST: _host, PORT: _port, ...polling } = environment();
    bot = await startBotProcess(polling, { server });
    await waiting;
    expect(server.webhook()).toBeUndefined();
    expect(resident.lastText()).toMatch(/^1 \/ 16\n/);
  }, 60_000);
});
