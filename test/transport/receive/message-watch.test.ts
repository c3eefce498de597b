import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Update } from 'grammy/types';
import { closeDatabase, openDatabase, type Db } from '../../../src/db/client.js';
import { pendingLostCopies } from '../../../src/db/lost-copies.js';
import { createMessageWatch } from '../../../src/transport/receive/message-watch.js';

const logger = pino({ level: 'silent' });

const residentSays = (updateId: number, chatId: number, messageId: number): Update =>
  ({
    update_id: updateId,
    message: { message_id: messageId, date: 0, chat: { id: chatId, type: 'private' }, from: { id: chatId, is_bot: false, first_name: '' }, text: '/start' },
  }) as Update;

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('which messages are the resident’s', () => {
  it('knows the messages residents sent, per chat, and nothing of presses or groups', () => {
    const watch = createMessageWatch({ logger });
    watch.note([
      residentSays(1, 42, 7),
      { update_id: 2, callback_query: { id: 'q', from: { id: 42, is_bot: false, first_name: '' }, chat_instance: '', data: 'x', message: { message_id: 6, date: 0, chat: { id: 42, type: 'private' } } } } as Update,
      { update_id: 3, message: { message_id: 9, date: 0, chat: { id: -100, type: 'group', title: 'g' }, text: 'hi' } } as Update,
    ]);
    expect(watch.sentByResident(42, 7)).toBe(true);
    expect(watch.sentByResident(42, 6)).toBe(false); // the pressed message is the bot's
    expect(watch.sentByResident(43, 7)).toBe(false);
    expect(watch.sentByResident(-100, 9)).toBe(false);
  });

  it('keeps a bounded memory: the most recent chats and messages', () => {
    const watch = createMessageWatch({ logger });
    for (let chat = 1; chat <= 1_001; chat++) watch.note([residentSays(chat, chat, 1)]);
    expect(watch.sentByResident(1, 1)).toBe(false);
    expect(watch.sentByResident(1_001, 1)).toBe(true);
    for (let id = 1; id <= 65; id++) watch.note([residentSays(5_000 + id, 7, id)]);
    expect(watch.sentByResident(7, 1)).toBe(false);
    expect(watch.sentByResident(7, 65)).toBe(true);
  });
});

describe('a repair waits until every update Telegram held is fetched', () => {
  it('runs after a getUpdates that answered a second or more after it was asked for', async () => {
    const watch = createMessageWatch({ logger });
    const task = vi.fn(async () => undefined);
    watch.pollStarted();
    watch.afterFetch(task);
    watch.pollStored(3, 100); // answered at once: made before the task, maybe not all of it
    expect(task).not.toHaveBeenCalled();
    watch.pollStarted();
    await vi.advanceTimersByTimeAsync(1_200);
    watch.pollStored(1, 100);
    expect(task).toHaveBeenCalledTimes(1);
  });

  it('does not count a full batch (Telegram may hold more) or a failed poll', async () => {
    const watch = createMessageWatch({ logger });
    const task = vi.fn(async () => undefined);
    watch.afterFetch(task);
    watch.pollStarted();
    await vi.advanceTimersByTimeAsync(1_500);
    watch.pollStored(100, 100);
    watch.pollStarted();
    await vi.advanceTimersByTimeAsync(2_000);
    watch.pollFailed();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(task).not.toHaveBeenCalled();
  });

  it('runs while a long poll has waited five seconds with nothing to give', async () => {
    const watch = createMessageWatch({ logger });
    const task = vi.fn(async () => undefined);
    watch.pollStarted();
    watch.afterFetch(task);
    await vi.advanceTimersByTimeAsync(4_000);
    expect(task).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(2_000);
    expect(task).toHaveBeenCalledTimes(1);
  });

  it('waits ten seconds by webhook, and drops what waits when the process stops', async () => {
    const watch = createMessageWatch({ logger });
    watch.useWebhook();
    const early = vi.fn(async () => undefined);
    watch.afterFetch(early);
    await vi.advanceTimersByTimeAsync(9_000);
    expect(early).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(2_000);
    expect(early).toHaveBeenCalledTimes(1);
    const late = vi.fn(async () => undefined);
    watch.afterFetch(late);
    watch.stop();
    await vi.advanceTimersByTimeAsync(20_000);
    expect(late).not.toHaveBeenCalled();
  });

  it('logs a repair that fails instead of throwing in a timer', async () => {
    const warn = vi.fn();
    const watch = createMessageWatch({ logger: { ...logger, warn } as unknown as typeof logger });
    watch.useWebhook();
    watch.afterFetch(async () => {
      throw new Error('Telegram said no');
    });
    await vi.advanceTimersByTimeAsync(11_000);
    expect(warn).toHaveBeenCalledTimes(1);
  });
});

describe('a lost copy goes on record until it is retired', () => {
  const chat = 42;

  function watchOn(db: Db, retired: number[]) {
    const watch = createMessageWatch({ logger, db, retire: async (_chat, id) => void retired.push(id) });
    watch.useWebhook();
    return watch;
  }

  it('retires the first ids above the floor that are not the resident’s, then forgets the record', async () => {
    const db = openDatabase(':memory:');
    const retired: number[] = [];
    const watch = watchOn(db, retired);
    watch.note([residentSays(1, chat, 12)]);
    watch.retireLostCopies(chat, 10, 16);
    watch.note([residentSays(2, chat, 14)]); // fetched later: the resident's too
    expect(pendingLostCopies(db)).toEqual([{ chatId: chat, ranges: [{ above: 10, below: 16 }], resident: [12, 14] }]);
    await vi.advanceTimersByTimeAsync(11_000);
    expect(retired).toEqual([11, 13, 15]);
    expect(pendingLostCopies(db)).toEqual([]);
    closeDatabase(db);
  });

  it('survives a second crash: the next run retires it, still sparing the resident’s messages', async () => {
    const db = openDatabase(':memory:');
    const retired: number[] = [];
    const first = watchOn(db, retired);
    first.retireLostCopies(chat, 10, 14);
    first.note([residentSays(1, chat, 11)]);
    first.stop(); // killed before the fetch
    expect(retired).toEqual([]);

    const second = watchOn(db, retired);
    second.resume();
    await vi.advanceTimersByTimeAsync(11_000);
    expect(retired).toEqual([12, 13]);
    expect(pendingLostCopies(db)).toEqual([]);
    closeDatabase(db);
  });
});

describe('two repairs in one chat before either is swept', () => {
  it('retires the copy of each, not only the first few ids of both together', async () => {
    const db = openDatabase(':memory:');
    const retired: number[] = [];
    const first = createMessageWatch({ logger, db, retire: async (_chat, id) => void retired.push(id) });
    first.useWebhook();
    first.retireLostCopies(7, 4, 6);
    first.stop();
    const second = createMessageWatch({ logger, db, retire: async (_chat, id) => void retired.push(id) });
    second.useWebhook();
    second.resume();
    second.retireLostCopies(7, 14, 16);
    await vi.advanceTimersByTimeAsync(11_000);
    expect(retired).toEqual([5, 15]);
    closeDatabase(db);
  });
});
