import pino, { type Logger } from 'pino';
import { Api } from 'grammy';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/db/client.js';
import { createInbox, type Inbox, type UpdateHandler } from '../../../src/transport/receive/inbox.js';
import { startPolling } from '../../../src/transport/receive/polling.js';
import { startFakeBotApi } from '../../helpers/fake-bot-api-server.js';
import { FakeTelegram } from '../../helpers/fake-telegram.js';

const silent = pino({ level: 'silent' });

/** A fake Telegram, an inbox on a fresh database, and polling from one into the other. */
async function setUp(handle: UpdateHandler = async () => 'handled') {
  const telegram = new FakeTelegram();
  const server = await startFakeBotApi(telegram);
  const db = openDatabase(':memory:');
  const inbox = createInbox({ db, logger: silent, clock: () => new Date(), handle });
  inbox.start();
  const api = new Api(telegram.token, { apiRoot: server.apiRoot });
  const poll = ({ into = inbox, logger = silent, timeoutSeconds = 1 }: { into?: Inbox; logger?: Logger; timeoutSeconds?: number } = {}) =>
    startPolling({ api, inbox: into, allowedUpdates: ['message'], logger, apiRoot: server.apiRoot, timeoutSeconds });
  const close = async () => {
    await inbox.stop();
    await server.close();
  };
  return { telegram, server, db, inbox, poll, close };
}

describe('long polling into the inbox', () => {
  it('confirms each batch as soon as it is stored, without waiting for it to be handled', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const handled: string[] = [];
    const { telegram, server, inbox, poll, close } = await setUp(async (update) => {
      await gate;
      handled.push(update.message?.text ?? '');
      return 'handled';
    });
    const polling = poll();
    // Both resolve once the bot confirmed them: while no handler has finished.
    await Promise.all([telegram.user(42).send('one'), telegram.user(43).send('two')]);
    expect(handled).toEqual([]);
    expect(server.pending()).toBe(0);
    expect(inbox.pending()).toBe(2);
    release();
    await Promise.all(telegram.updates.map((u) => inbox.whenFinished(u.update_id)));
    expect(handled.sort()).toEqual(['one', 'two']);
    await polling.stop();
    await close();
  });

  it('stops without a getUpdates that would overlap the aborted long poll (no 409 Conflict)', async () => {
    const { telegram, server, poll, close } = await setUp();
    const polling = poll({ timeoutSeconds: 5 });
    await telegram.user(42).send('hello');
    // Let the next long poll open, then stop in the middle of it.
    await new Promise((resolve) => setTimeout(resolve, 100));
    await polling.stop();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(server.overlappingPolls()).toBe(0);
    await close();
  });

  it('after a network failure says where it could not reach and tries again', async () => {
    const { telegram, server, poll, close } = await setUp();
    const lines: string[] = [];
    const recording = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    server.failNext('getUpdates', 'drop-before', { times: 1 });
    const polling = poll({ logger: recording });
    await telegram.user(42).send('after the outage');
    await polling.stop();
    await close();
    expect(lines.join('')).toContain(`cannot fetch updates from Telegram at ${server.apiRoot}`);
    expect(lines.join('')).toContain('trying again in 1 s');
    expect(lines.join('')).toContain('reached Telegram again');
  });

  it('when an update cannot be stored, it is not confirmed: the same batch is fetched and stored again', async () => {
    const { telegram, server, db, inbox, poll, close } = await setUp();
    let refusals = 1;
    const flaky: Inbox = {
      ...inbox,
      add: (updates) => {
        if (refusals-- > 0) throw new Error('disk full');
        return inbox.add(updates);
      },
    };
    const polling = poll({ into: flaky });
    await telegram.user(42).send('kept');
    await polling.stop();
    expect(server.deliveries()).toEqual({ delivered: 1, redelivered: 1 });
    expect(db.$client.prepare('SELECT update_id FROM inbox_updates').all()).toEqual([{ update_id: telegram.updates[0]!.update_id }]);
    await close();
  });
});
