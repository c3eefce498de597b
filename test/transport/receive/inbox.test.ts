import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Update } from 'grammy/types';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../src/db/client.js';
import { createInbox, MAX_QUEUED_PER_CHAT, type HandleResult, type Inbox, type InboxOptions } from '../../../src/transport/receive/inbox.js';
import { until } from '../../helpers/until.js';
import { gate } from '../../helpers/gate.js';

const logger = pino({ level: 'silent' });

const text = (update_id: number, chat: number, body: string): Update => ({
  update_id,
  message: {
    message_id: update_id,
    date: 0,
    chat: { id: chat, type: 'private', first_name: 'x' },
    from: { id: chat, is_bot: false, first_name: 'x' },
    text: body,
  },
});

const sticker = (update_id: number, chat: number): Update => {
  const update = text(update_id, chat, '');
  const { text: _none, ...message } = update.message!;
  return { update_id, message: { ...message, sticker: { file_id: 's' } } as never };
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const bodyOf = (update: Update) => `${update.message?.chat.id}:${update.message?.text}`;

function rows(db: Db) {
  return db.$client
    .prepare('SELECT update_id, payload IS NOT NULL AS has_payload, done_at IS NOT NULL AS done, outcome, attempts FROM inbox_updates ORDER BY seq')
    .all() as { update_id: number; has_payload: number; done: number; outcome: string | null; attempts: number }[];
}

function inboxWith(db: Db, handle: InboxOptions['handle'], extra: Partial<InboxOptions> = {}): Inbox {
  const inbox = createInbox({ db, logger, clock: () => new Date(), handle, ...extra });
  inbox.start();
  return inbox;
}

async function allFinished(inbox: Inbox, updates: readonly Update[]) {
  await Promise.all(updates.map((u) => inbox.whenFinished(u.update_id)));
}

describe('the durable inbox', () => {
  it('handles different chats at once and each chat in order, one update at a time', async () => {
    const db = openDatabase(':memory:');
    const events: string[] = [];
    const inbox = inboxWith(db, async (update) => {
      events.push(`start ${bodyOf(update)}`);
      await sleep(update.message?.text === 'slow' ? 60 : 5);
      events.push(`end ${bodyOf(update)}`);
      return 'handled';
    });
    const updates = [text(1, 10, 'slow'), text(2, 20, 'a'), text(3, 10, 'after'), text(4, 20, 'b')];
    expect(inbox.add(updates)).toBe(4);
    await allFinished(inbox, updates);
    // Chat 20 finished both while chat 10 was still on its slow first update…
    expect(events.indexOf('end 20:b')).toBeLessThan(events.indexOf('end 10:slow'));
    // …and chat 10's second update started only after its first ended.
    expect(events.indexOf('start 10:after')).toBeGreaterThan(events.indexOf('end 10:slow'));
    await inbox.stop();
  });

  it('writes updates before handling them, skips one delivered twice, and keeps no payload once handled', async () => {
    const db = openDatabase(':memory:');
    const { opened, release } = gate();
    const handled: string[] = [];
    const inbox = inboxWith(db, async (update) => {
      await opened;
      handled.push(bodyOf(update));
      return 'handled';
    });
    inbox.add([text(7, 1, 'hello')]);
    // Stored (with what it said) while its handler has not even run.
    expect(rows(db)).toEqual([{ update_id: 7, has_payload: 1, done: 0, outcome: null, attempts: 0 }]);
    expect(inbox.add([text(7, 1, 'hello')])).toBe(0);
    release();
    await inbox.whenFinished(7);
    await inbox.stop();
    expect(handled).toEqual(['1:hello']);
    expect(rows(db)).toEqual([{ update_id: 7, has_payload: 0, done: 1, outcome: 'handled', attempts: 0 }]);
    // Delivered again after it was handled (Telegram redelivers what was not confirmed): skipped.
    const again = inboxWith(db, async (update) => {
      handled.push(bodyOf(update));
      return 'handled';
    });
    expect(again.add([text(7, 1, 'hello')])).toBe(0);
    await again.stop();
    expect(handled).toEqual(['1:hello']);
  });

  it('at start-up handles what the last run left unfinished before anything new of that chat', async () => {
    const db = openDatabase(':memory:');
    // The first run dies with three updates taken but not handled.
    const dying = inboxWith(db, () => new Promise<HandleResult>(() => undefined));
    dying.add([text(1, 5, 'first'), text(2, 5, 'second'), text(3, 6, 'other')]);
    await dying.stop(10);
    expect(rows(db).map((r) => r.done)).toEqual([0, 0, 0]);

    const handled: string[] = [];
    const next = createInbox({ db, logger, clock: () => new Date(), handle: async (update) => {
      handled.push(bodyOf(update));
      return 'handled';
    } });
    expect(next.start()).toBe(3);
    next.add([text(4, 5, 'new')]);
    await allFinished(next, [text(1, 5, ''), text(2, 5, ''), text(3, 6, ''), text(4, 5, '')]);
    await next.stop();
    expect(handled.filter((h) => h.startsWith('5:'))).toEqual(['5:first', '5:second', '5:new']);
    expect(handled).toContain('6:other');
  });

  it('handles an update again a little later when its reply failed for a passing reason; the chat waits, others do not', async () => {
    const db = openDatabase(':memory:');
    const events: string[] = [];
    let tries = 0;
    const inbox = inboxWith(
      db,
      async (update) => {
        events.push(bodyOf(update));
        if (update.message?.text === 'flaky' && ++tries < 3) return 'retry';
        return 'handled';
      },
      { retryDelayMs: () => 30 },
    );
    const updates = [text(1, 1, 'flaky'), text(2, 1, 'later'), text(3, 2, 'elsewhere')];
    inbox.add(updates);
    await allFinished(inbox, updates);
    await inbox.stop();
    expect(events.filter((e) => e.startsWith('1:'))).toEqual(['1:flaky', '1:flaky', '1:flaky', '1:later']);
    // The other chat did not wait for the retries.
    expect(events.indexOf('2:elsewhere')).toBeLessThan(events.lastIndexOf('1:flaky'));
    expect(rows(db).find((r) => r.update_id === 1)).toMatchObject({ outcome: 'handled', attempts: 2 });
  });

  it('gives an update up after its last attempt, and the chat goes on', async () => {
    const db = openDatabase(':memory:');
    const seen: { body: string; last: boolean }[] = [];
    const inbox = inboxWith(
      db,
      async (update, attempt) => {
        seen.push({ body: bodyOf(update), last: attempt.last });
        return update.message?.text === 'doomed' ? 'retry' : 'handled';
      },
      { retryDelayMs: () => 5, maxAttempts: 3 },
    );
    inbox.add([text(1, 1, 'doomed'), text(2, 1, 'fine')]);
    await allFinished(inbox, [text(1, 1, ''), text(2, 1, '')]);
    await inbox.stop();
    expect(seen).toEqual([
      { body: '1:doomed', last: false },
      { body: '1:doomed', last: false },
      { body: '1:doomed', last: true },
      { body: '1:fine', last: false },
    ]);
    expect(rows(db).map((r) => r.outcome)).toEqual(['failed', 'handled']);
  });

  it('lets a chat with a backlog take turns with the others', async () => {
    const db = openDatabase(':memory:');
    const order: string[] = [];
    const inbox = inboxWith(
      db,
      async (update) => {
        order.push(bodyOf(update));
        await sleep(2);
        return 'handled';
      },
      { concurrency: 1 },
    );
    const backlog = Array.from({ length: 6 }, (_, i) => text(i + 1, 1, `junk${i}`));
    inbox.add(backlog);
    inbox.add([text(100, 2, 'answer')]);
    await allFinished(inbox, [...backlog, text(100, 2, '')]);
    await inbox.stop();
    expect(order.indexOf('2:answer')).toBeLessThan(2);
  });

  it('drops a chat’s queued junk, but never the update in hand, text or another chat’s', async () => {
    const db = openDatabase(':memory:');
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const handled: number[] = [];
    const inbox = inboxWith(db, async (update) => {
      if (update.update_id === 1) await gate;
      handled.push(update.update_id);
      return 'handled';
    });
    const updates = [sticker(1, 9), sticker(2, 9), text(3, 9, 'an answer'), sticker(4, 9), sticker(5, 8)];
    inbox.add(updates);
    const junk = (u: Update) => u.message?.sticker !== undefined;
    expect(inbox.dropQueued('chat:9', junk)).toBe(2);
    expect(inbox.pending()).toBe(3);
    release();
    await allFinished(inbox, updates);
    await inbox.stop();
    expect(handled.sort()).toEqual([1, 3, 5]);
    expect(rows(db).map((r) => r.outcome)).toEqual(['handled', 'dropped', 'handled', 'dropped', 'handled']);
  });

  it('forgets finished rows after a day, keeping them as long as Telegram might deliver them again', async () => {
    const db = openDatabase(':memory:');
    let now = new Date('2026-12-01T00:00:00Z');
    const inbox = createInbox({ db, logger, clock: () => now, handle: async () => 'handled' });
    inbox.start();
    inbox.add([text(1, 1, 'old')]);
    await inbox.whenFinished(1);
    await inbox.stop();
    now = new Date('2026-12-01T23:00:00Z');
    createInbox({ db, logger, clock: () => now, handle: async () => 'handled' }).start();
    expect(rows(db)).toHaveLength(1);
    now = new Date('2026-12-02T02:00:00Z');
    createInbox({ db, logger, clock: () => now, handle: async () => 'handled' }).start();
    expect(rows(db)).toHaveLength(0);
  });

  it('on stop, waits for the updates in hand, then writes their marks', async () => {
    const db = openDatabase(':memory:');
    const inbox = inboxWith(db, async () => {
      await sleep(40);
      return 'handled';
    });
    inbox.add([text(1, 1, 'a'), text(2, 2, 'b')]);
    await sleep(5);
    await inbox.stop(1_000);
    expect(rows(db).map((r) => r.done)).toEqual([1, 1]);
  });
});

describe('one chat cannot swamp the inbox', () => {
  const press = (update_id: number, chat: number): Update => ({
    update_id,
    callback_query: {
      id: String(update_id),
      chat_instance: 'c',
      from: { id: chat, is_bot: false, first_name: 'x' },
      message: { message_id: 1, date: 0, chat: { id: chat, type: 'private', first_name: 'x' } } as never,
      data: 'a:1:q:0',
    },
  });

  it('repeated commands are queued once, and beyond the cap the oldest commands and media go, never presses or texts', async () => {
    const db = openDatabase(':memory:');
    const handled: Update[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const inbox = inboxWith(db, async (update) => {
      if (update.message?.chat.id !== 20) await gate;
      handled.push(update);
      return 'handled';
    });
    // In hand while the rest arrives.
    inbox.add([text(1, 10, 'first')]);
    const burst: Update[] = [];
    let id = 2;
    for (let i = 0; i < 100; i++) burst.push(text(id++, 10, ['/start', '/help', '/language', '/notify on'][i % 4]!));
    for (let i = 0; i < 30; i++) burst.push(sticker(id++, 10));
    burst.push(press(id++, 10), text(id++, 10, 'my answer'), press(id++, 10));
    inbox.add(burst);
    // Another chat is not held up by any of it.
    inbox.add([text(id++, 20, 'other chat')]);
    await inbox.whenFinished(id - 1);
    expect(handled.map(bodyOf)).toEqual(['20:other chat']);
    release();
    await allFinished(inbox, burst);
    const ofChat10 = handled.filter((u) => (u.message?.chat.id ?? u.callback_query?.from.id) === 10);
    // The one in hand, then the newest twenty: the four commands (each queued once) were the oldest, and went
    // with the oldest stickers; both presses and the text are kept, in order.
    expect(ofChat10).toHaveLength(1 + MAX_QUEUED_PER_CHAT);
    expect(ofChat10.filter((u) => u.message?.sticker)).toHaveLength(MAX_QUEUED_PER_CHAT - 3);
    expect(ofChat10.slice(-3).map((u) => (u.callback_query ? 'press' : u.message?.text))).toEqual(['press', 'my answer', 'press']);
    await inbox.stop();
    expect(rows(db).filter((r) => r.outcome === 'dropped')).toHaveLength(burst.length - MAX_QUEUED_PER_CHAT);
  });
  it("one chat's backlog counts at most its share towards the total that pauses fetching", async () => {
    const db = openDatabase(':memory:');
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const inbox = inboxWith(db, async () => {
      await gate;
      return 'handled';
    });
    // A hundred texts (they may be answers, so none is dropped) in one chat, one in another.
    const texts = Array.from({ length: 100 }, (_, i) => text(i + 1, 10, `text ${i}`));
    inbox.add([...texts, text(101, 20, 'other')]);
    expect(inbox.pending()).toBe(101);
    expect(inbox.backlog()).toBe(MAX_QUEUED_PER_CHAT + 1 + 1);
    release();
    await allFinished(inbox, texts);
    await inbox.stop();
  });
});

describe('the inbox under storage trouble', () => {
  /** A file database (a lock needs a second connection) and a second process's connection to it. */
  function lockedByAnother() {
    const path = join(mkdtempSync(join(tmpdir(), 'manyi-inbox-')), 'inbox.sqlite');
    const db = openDatabase(path);
    const other = new Database(path);
    other.pragma('busy_timeout = 0');
    return {
      db,
      lock: () => other.exec('BEGIN IMMEDIATE'),
      unlock: () => other.exec('COMMIT'),
      close: () => {
        other.close();
        db.$client.close();
      },
    };
  }

  it('a handler that meets a locked database leaves the update in the inbox and handles it again once the lock is gone', async () => {
    const { db, lock, unlock, close } = lockedByAnother();
    const seen: number[] = [];
    const inbox = inboxWith(
      db,
      async (update, attempt) => {
        seen.push(update.update_id);
        if (attempt.number === 1) {
          // Another process takes the database for a moment, just as the resident's step is written.
          lock();
          setTimeout(unlock, 200);
        }
        db.$client.prepare("INSERT INTO settings (key, value) VALUES ('k' || ?, 'v')").run(update.update_id);
        return 'handled';
      },
      { retryDelayMs: () => 100 },
    );
    inbox.add([text(1, 10, 'answer')]);
    await inbox.whenFinished(1);
    await inbox.stop();
    expect(seen).toEqual([1, 1]);
    expect(rows(db)).toMatchObject([{ update_id: 1, done: 1, outcome: 'handled' }]);
    close();
  }, 15_000);

  it('finished marks that cannot be written are kept and written once the lock is gone, without ending the process', async () => {
    const { db, lock, unlock, close } = lockedByAnother();
    const inbox = inboxWith(db, async () => 'handled');
    inbox.add([text(1, 10, 'a'), text(2, 20, 'b')]);
    // Taken before the handler returns, so the marks' timer meets the lock (after busy_timeout, 1 s).
    lock();
    await allFinished(inbox, [text(1, 10, ''), text(2, 20, '')]);
    await sleep(1_500);
    expect(rows(db).map((row) => row.done)).toEqual([0, 0]);
    unlock();
    await until(() => rows(db).every((row) => row.done === 1), 'every mark written', 10_000);
    await inbox.stop();
    close();
  }, 15_000);
});
