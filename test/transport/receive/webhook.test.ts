import { mkdtempSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import { Api } from 'grammy';
import { pino } from 'pino';
import type { Update } from 'grammy/types';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../src/db/client.js';
import { createInbox, type Inbox, type UpdateHandler } from '../../../src/transport/receive/inbox.js';
import { createMessageWatch } from '../../../src/transport/receive/message-watch.js';
import { startWebhookServer, type WebhookOptions, type WebhookServer } from '../../../src/transport/receive/webhook.js';
import { startFakeBotApi } from '../../helpers/fake-bot-api-server.js';
import { FakeTelegram } from '../../helpers/fake-telegram.js';
import { until } from '../../helpers/until.js';
import { gate } from '../../helpers/gate.js';

/*
 * The webhook server faces the internet: slow clients, many connections and
 * floods of forged requests must neither hold it up nor fill the log.
 */

const SECRET = 'only-telegram-knows';
const PATH = '/telegram/hook';

let server: WebhookServer | undefined;
const sockets: Socket[] = [];
/** What a test opened besides the server (an inbox, databases, a fake Telegram), closed after it in this order. */
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await server?.close();
  server = undefined;
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function logLines() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, destination), lines };
}

async function start(options: Partial<WebhookOptions> = {}) {
  const stored: Update[] = [];
  const { logger, lines } = logLines();
  const inbox = { add: (updates: Update[]) => stored.push(...updates), backlog: () => 0, watch: createMessageWatch({ logger }) } as unknown as Inbox;
  server = await startWebhookServer({ inbox, logger, port: 0, host: '127.0.0.1', path: PATH, secret: SECRET, ...options });
  return { stored, lines, port: server.port };
}

/** A raw connection, and a promise that settles when the server closes it. */
async function open(port: number) {
  const socket = connect(port, '127.0.0.1');
  sockets.push(socket);
  // Read what the server says (a 408, say): a paused socket never sees the end that closes it.
  socket.resume();
  const closed = new Promise<number>((resolve) => {
    const opened = Date.now();
    socket.on('close', () => resolve(Date.now() - opened));
    socket.on('error', () => undefined);
  });
  // Connected, or already closed (a busy machine may take longer to say which than the server takes to cut).
  await Promise.race([new Promise<void>((resolve) => socket.once('connect', resolve)), closed]);
  return { socket, closed };
}

const post = (port: number, secret: string, update: Update = { update_id: 1 }) =>
  fetch(`http://127.0.0.1:${port}${PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret },
    body: JSON.stringify(update),
  });

/** A real inbox on `db` whose handler is `handle`; stopped after the test. */
function realInbox(db: Db, handle: UpdateHandler): Inbox {
  const inbox = createInbox({ db, logger: pino({ level: 'silent' }), clock: () => new Date(), handle });
  inbox.start();
  cleanups.push(() => inbox.stop());
  return inbox;
}

/** A fake Telegram that posts its updates to a webhook in front of `inbox`, as setWebhook asks it to. */
async function telegramPostingTo(inbox: Inbox, options: Partial<WebhookOptions> = {}) {
  const telegram = new FakeTelegram();
  const fakeApi = await startFakeBotApi(telegram);
  cleanups.push(() => fakeApi.close());
  const { port, lines } = await start({ inbox, ...options });
  await new Api(telegram.token, { apiRoot: fakeApi.apiRoot }).setWebhook(`http://127.0.0.1:${port}${PATH}`, { secret_token: SECRET });
  /** The HTTP status of each post of an update, in order. */
  const postsOf = (updateId: number) => fakeApi.webhookPosts.filter((p) => p.updateId === updateId).map((p) => p.status);
  return { telegram, port, lines, postsOf };
}

const storedIds = (db: Db) =>
  (db.$client.prepare('SELECT update_id FROM inbox_updates ORDER BY seq').all() as { update_id: number }[]).map((row) => row.update_id);

describe('the webhook server', () => {
  it('cuts off a client that sends its headers slowly', async () => {
    const { port } = await start({ requestTimeoutMs: 500 });
    const { socket, closed } = await open(port);
    socket.write(`POST ${PATH} HTTP/1.1\r\nHost: bot\r\n`);
    const trickle = setInterval(() => socket.write('X-Slow: 1\r\n'), 100);
    try {
      // Cut within the timeout and Node's 1 s check, not after Node's default minute.
      expect(await closed).toBeLessThan(10_000);
    } finally {
      clearInterval(trickle);
    }
  }, 20_000);

  it('cuts off a client that connects and says nothing', async () => {
    const { port } = await start({ requestTimeoutMs: 500 });
    const { closed } = await open(port);
    // Well within Node's default of minutes, with room for a busy machine.
    expect(await closed).toBeLessThan(10_000);
  }, 20_000);

  it('closes connections past its cap at once, and still serves Telegram when one is free', async () => {
    const { port, stored } = await start({ maxConnections: 2 });
    const first = await open(port);
    await open(port);
    const third = await open(port);
    expect(await third.closed).toBeLessThan(2_000);
    first.socket.destroy();
    await first.closed;
    expect((await post(port, SECRET)).status).toBe(200);
    expect(stored.map((u) => u.update_id)).toContain(1);
  });

  it('logs many requests with a wrong secret as one line, then one with their count a minute later', async () => {
    // Long enough for fifty requests on a busy machine to fall inside one interval.
    const { port, lines, stored } = await start({ refusalLogIntervalMs: 3_000 });
    for (let i = 0; i < 50; i++) expect((await post(port, `guess-${i}`)).status).toBe(401);
    const refusals = () => lines.filter((line) => String(line['msg']).startsWith('webhook refused'));
    expect(refusals()).toHaveLength(1);
    expect(refusals()[0]).toMatchObject({ count: 1, refused: { 'wrong secret token': 1 } });
    await until(() => refusals().length === 2, 'the counted line');
    expect(refusals()[1]).toMatchObject({ count: 49, refused: { 'wrong secret token': 49 } });
    expect(stored).toEqual([]);
  });
});

describe('the webhook in front of the durable inbox', () => {
  it('answers 500 to an update it cannot store (a locked database), so Telegram keeps it and posts it again; once the lock is gone it is stored and handled once', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'manyi-webhook-')), 'bot.sqlite');
    const db = openDatabase(path);
    // Another process holding the database (a backup tool, an operator's sqlite3) longer than the bot waits for it.
    const other = new Database(path);
    const handled: number[] = [];
    const inbox = realInbox(db, async (update) => {
      handled.push(update.update_id);
      return 'handled';
    });
    cleanups.push(() => {
      other.close();
      db.$client.close();
    });
    const { telegram, port, lines, postsOf } = await telegramPostingTo(inbox);

    other.exec('BEGIN IMMEDIATE');
    const sent = telegram.user(42).send('Satisfied');
    const update = telegram.updates.at(-1)!;
    await until(() => postsOf(update.update_id).length > 0, 'the first post', 10_000);
    expect(postsOf(update.update_id)).toEqual([500]);
    expect(storedIds(db)).toEqual([]);
    expect(lines.find((line) => line['msg'] === 'webhook update could not be stored')).toMatchObject({
      err: { code: expect.stringMatching(/^SQLITE_BUSY/) },
    });
    other.exec('COMMIT');

    // Telegram's next post is answered 200, and the update handled.
    await sent;
    await inbox.whenFinished(update.update_id);
    expect(postsOf(update.update_id).at(-1)).toBe(200);
    // Posted once more, as after a 200 lost on its way: the inbox already has it.
    expect((await post(port, SECRET, update)).status).toBe(200);
    expect(storedIds(db)).toEqual([update.update_id]);
    expect(handled).toEqual([update.update_id]);
  }, 20_000);

  it("answers 503 while the inbox is full, one chat counted at most 21, and stores Telegram's next try once it drains", async () => {
    const db = openDatabase(':memory:');
    const { opened: held, release } = gate();
    const handled: number[] = [];
    const inbox = realInbox(db, async (update) => {
      await held;
      handled.push(update.update_id);
      return 'handled';
    });
    // 10,000 as shipped; small here, so a test fills it in a moment.
    const { telegram, lines, postsOf } = await telegramPostingTo(inbox, { maxPending: 50 });

    // A stuck client's sixty texts count 21; twenty-nine other residents' answers bring the backlog to 50.
    const sent = Array.from({ length: 60 }, (_, i) => telegram.user(10).send(`text ${i}`));
    for (let i = 0; i < 29; i++) sent.push(telegram.user(100 + i).send(`answer ${i}`));
    // Each answered 200 (the fake Telegram posts them one at a time, and settles a send on its 2xx).
    await Promise.all(sent);
    expect(inbox.backlog()).toBe(50);

    const late = telegram.user(200).send('late');
    const lateId = telegram.updates.at(-1)!.update_id;
    await until(() => postsOf(lateId).length >= 2, 'Telegram to post the late update again', 10_000);
    expect(postsOf(lateId).every((status) => status === 503)).toBe(true);
    expect(storedIds(db)).not.toContain(lateId);

    release();
    // Telegram's next try, once the inbox drained, is answered 200.
    await late;
    await Promise.all(telegram.updates.map((u) => inbox.whenFinished(u.update_id)));
    expect(postsOf(lateId).at(-1)).toBe(200);
    expect(handled.sort((a, b) => a - b)).toEqual(telegram.updates.map((u) => u.update_id));
    const refusals = lines.filter((line) => String(line['msg']).startsWith('webhook refused'));
    expect(refusals[0]).toMatchObject({ refused: { 'the inbox is full': 1 } });
  }, 30_000);
});
