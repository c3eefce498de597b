import pino, { type Logger } from 'pino';
import { Api } from 'grammy';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/db/client.js';
import { createInbox, type Inbox, type UpdateHandler } from '../../../src/transport/receive/inbox.js';
import { startPolling } from '../../../src/transport/receive/polling.js';
import { startFakeBotApi } from '../../helpers/fake-bot-api-server.js';
import { FakeTelegram } from '../../helpers/fake-telegram.js';
import { until } from '../../helpers/until.js';
import { gate } from '../../helpers/gate.js';

const silent = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A logger that keeps the messages of its warnings. */
function recordingWarnings() {
  const warnings: string[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(String(JSON.parse(line).msg)) });
  return { logger, warnings };
}

/** A fake Telegram, an inbox on a fresh database, and polling from one into the other. */
async function setUp(handle: UpdateHandler = async () => 'handled') {
  const telegram = new FakeTelegram();
  const server = await startFakeBotApi(telegram);
  const db = openDatabase(':memory:');
  const inbox = createInbox({ db, logger: silent, clock: () => new Date(), handle });
  inbox.start();
  const api = new Api(telegram.token, { apiRoot: server.apiRoot });
  let getUpdatesCalls = 0;
  api.config.use((prev, method, payload, signal) => {
    if (method === 'getUpdates') getUpdatesCalls++;
    return prev(method, payload, signal);
  });
  const poll = ({
    into = inbox,
    logger = silent,
    timeoutSeconds = 1,
    maxPending,
  }: { into?: Inbox; logger?: Logger; timeoutSeconds?: number; maxPending?: number } = {}) =>
    startPolling({
      api,
      inbox: into,
      allowedUpdates: ['message', 'callback_query'],
      logger,
      apiRoot: server.apiRoot,
      timeoutSeconds,
      ...(maxPending !== undefined ? { maxPending } : {}),
    });
  const close = async () => {
    await inbox.stop();
    await server.close();
  };
  return { telegram, server, db, inbox, poll, getUpdatesCalls: () => getUpdatesCalls, close };
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

describe('fetching pauses while the inbox is full', () => {
  // 10,000 as shipped; small here, so a test fills it in a moment.
  const MAX_PENDING = 50;
  const PAUSE_WARNING = 'the inbox is full; fetching pauses until it drains';

  it('sends no getUpdates while the backlog is at the threshold, warns once, and once it drains handles every update exactly once', async () => {
    const held = gate();
    const handled: number[] = [];
    const { telegram, server, inbox, poll, getUpdatesCalls, close } = await setUp(async (update) => {
      await held.opened;
      handled.push(update.update_id);
      return 'handled';
    });
    const { logger, warnings } = recordingWarnings();
    // Sixty residents answer at once; their handlers are held, so sixty updates wait.
    const first = Array.from({ length: 60 }, (_, i) => telegram.user(1_000 + i).send(`answer ${i}`));
    const polling = poll({ logger, maxPending: MAX_PENDING });
    await until(() => warnings.includes(PAUSE_WARNING), 'fetching to pause', 10_000);
    expect(inbox.backlog()).toBe(60);
    const callsAtPause = getUpdatesCalls();

    // Ten more residents write while fetching is paused: Telegram keeps their updates.
    const later = Array.from({ length: 10 }, (_, i) => telegram.user(2_000 + i).send(`later ${i}`));
    // Four rounds of the pause's check.
    await sleep(1_000);
    expect(getUpdatesCalls()).toBe(callsAtPause);
    expect(server.deliveries().delivered).toBe(60);
    expect(warnings.filter((w) => w === PAUSE_WARNING)).toHaveLength(1);

    held.release();
    // Each one confirmed to Telegram: fetching resumed.
    await Promise.all([...first, ...later]);
    await Promise.all(telegram.updates.map((u) => inbox.whenFinished(u.update_id)));
    expect(handled.sort((a, b) => a - b)).toEqual(telegram.updates.map((u) => u.update_id));
    expect(server.deliveries()).toEqual({ delivered: 70, redelivered: 0 });
    await polling.stop();
    await close();
  }, 30_000);

  it("one chat's hundreds of queued texts and presses do not pause fetching for the other chats", async () => {
    const FLOODER = 10;
    const held = gate();
    const handled: { chat: number; updateId: number }[] = [];
    const { telegram, server, inbox, poll, close } = await setUp(async (update) => {
      const chat = update.message?.chat.id ?? update.callback_query?.message?.chat.id ?? 0;
      if (chat === FLOODER) await held.opened;
      handled.push({ chat, updateId: update.update_id });
      return 'handled';
    });
    const { logger, warnings } = recordingWarnings();
    // A stuck client: three hundred texts and presses, which may be answers, so none is dropped.
    const flooder = telegram.user(FLOODER);
    const flood = [flooder.send('first')];
    telegram.call('sendMessage', {
      chat_id: FLOODER,
      text: 'How satisfied are you?',
      reply_markup: { inline_keyboard: [[{ text: 'Satisfied', callback_data: 'satisfied' }]] },
    });
    for (let i = 0; i < 150; i++) flood.push(flooder.send(`text ${i}`), flooder.pressData('satisfied'));
    const polling = poll({ logger, maxPending: MAX_PENDING });
    await until(() => server.pending() === 0 && inbox.pending() === flood.length, 'the whole flood fetched and confirmed', 10_000);

    // Twenty-five other residents answer at once while the flood waits (counted 21 of the 50): fetched and handled.
    const others = Array.from({ length: 25 }, (_, i) => telegram.user(3_000 + i).send(`answer ${i}`));
    const otherIds = telegram.updates.slice(-others.length).map((u) => u.update_id);
    await until(() => handled.length === others.length, 'the other residents handled', 10_000);
    expect(handled.map((h) => h.updateId).sort((a, b) => a - b)).toEqual(otherIds);
    expect(inbox.pending()).toBe(flood.length);
    expect(warnings).not.toContain(PAUSE_WARNING);

    held.release();
    await Promise.all([...flood, ...others]);
    await Promise.all(telegram.updates.map((u) => inbox.whenFinished(u.update_id)));
    const flooderIds = telegram.updates.slice(0, flood.length).map((u) => u.update_id);
    // Every update of the flood handled, once each, in order.
    expect(handled.filter((h) => h.chat === FLOODER).map((h) => h.updateId)).toEqual(flooderIds);
    expect(server.deliveries()).toEqual({ delivered: flood.length + others.length, redelivered: 0 });
    await polling.stop();
    await close();
  }, 30_000);
});
