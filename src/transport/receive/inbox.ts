import type { Update } from 'grammy/types';
import { eraseWal, storageTrouble, type Db } from '../../db/client.js';
import {
  finishUpdates,
  postponeUpdate,
  pruneFinishedUpdates,
  storeUpdates,
  unfinishedUpdates,
  type InboxOutcome,
  type InboxRow,
} from '../../db/inbox.js';
import type { Logger } from '../../logger.js';
import { createMessageWatch, type MessageWatch } from './message-watch.js';
import { minimiseUpdate } from './minimise-update.js';
import { queueKey } from './queue-key.js';

/*
 * The durable inbox. Whatever delivers updates (long polling, a webhook)
 * hands them to `add`, which writes them to SQLite in one transaction before
 * the caller confirms them to Telegram; from then on they are ours to lose,
 * and we do not. Workers take them from here: one chat's updates in order,
 * one at a time, different chats at once (at most `concurrency`), taking
 * turns, so a chat with a long backlog (a flood) or a slow reply (a 429, a
 * dead connection) delays only itself.
 *
 * An update is finished when its handler returned; its mark is written a
 * few milliseconds later together with others. A crash before that mark
 * means handling it again at start-up, which changes nothing: every step a
 * resident takes remembers the update that made it, and a repeat only
 * repairs what the resident sees. A handler whose reply failed for a reason
 * that passes (Telegram or the network down) asks for a retry: the update
 * stays unfinished, its chat waits, and it is handled again a little later.
 *
 * One chat cannot swamp the inbox (a stuck client, a flood of commands):
 * its repeated commands are queued once, and beyond MAX_QUEUED_PER_CHAT its
 * oldest commands and media are dropped with a logged count. Button presses
 * and texts, which may be answers, are never dropped.
 *
 * Storage trouble (the database locked by another process, a failing or
 * full disk) passes too: a finished mark or a postponement that could not
 * be written is kept in memory and written again with the next batch, and
 * nothing here throws inside a timer, where a throw would end the process.
 */

export type HandleResult = 'handled' | 'retry' | 'failed';

export interface Attempt {
  /** 1 for the first attempt. */
  number: number;
  /** No retry follows this one whatever it returns. */
  last: boolean;
  /** When the update was stored (epoch ms). */
  receivedAt: number;
}

export type UpdateHandler = (update: Update, attempt: Attempt) => Promise<HandleResult>;

export interface InboxOptions {
  db: Db;
  logger: Logger;
  clock: () => Date;
  handle: UpdateHandler;
  /** Chats handled at once. */
  concurrency?: number;
  /** Attempts of one update before it is given up (logged as failed). */
  maxAttempts?: number;
  /** Delay before the n-th retry (n from 1), ms. */
  retryDelayMs?: (retry: number) => number;
  /** Finished marks are written together at most this long after the handler returned. */
  flushMs?: number;
  /** Told of every update stored, and of fetches (by the poller): what a repair may touch (message-watch.ts). */
  watch?: MessageWatch;
}

export interface Inbox {
  /** Loads what a previous run left unfinished and starts handling it. Call once, before `add`. */
  start(): number;
  /** Stores updates durably (skipping ones already stored) and starts handling them; returns how many were new. */
  add(updates: readonly Update[]): number;
  /** Drops the queued updates of one queue that `isJunk` picks (never the one being handled); returns how many. */
  dropQueued(key: string, isJunk: (update: Update) => boolean): number;
  /** Updates stored and not finished. */
  pending(): number;
  /** Which messages are the residents', and when every update Telegram held has been fetched. */
  readonly watch: MessageWatch;
  /** Updates waiting, counting each chat at most MAX_QUEUED_PER_CHAT + 1: what may pause fetching, so one chat never pauses everyone. */
  backlog(): number;
  /** Resolves once the update's handler is done with it (at once if it is not pending); its mark follows within `flushMs`. */
  whenFinished(updateId: number): Promise<void>;
  /** Takes no new work, waits up to `graceMs` for the updates in hand, writes the finished marks. */
  stop(graceMs?: number): Promise<void>;
}

/** Telegram keeps an unconfirmed update for 24 hours; a redelivery within that must be recognised. */
const KEEP_FINISHED_MS = 25 * 60 * 60 * 1000;
const PRUNE_EVERY_MS = 10 * 60 * 1000;

/** Updates one chat may have queued behind the one in hand before its oldest commands and media are dropped. */
export const MAX_QUEUED_PER_CHAT = 20;

/**
 * The backlog (see `backlog()`) at which no more updates are taken: polling pauses, the webhook answers 503.
 * Telegram keeps what is not taken, so a flood waits there rather than in memory.
 */
export const MAX_BACKLOG = 10_000;

/** The command an update carries (its whole text), if it is one. */
function commandOf(update: Update): string | undefined {
  const text = update.message?.text;
  return text?.startsWith('/') ? text.trim() : undefined;
}

/** A command or a sticker, photo, file… may be dropped from a swamped queue; a press or a text may be an answer, and is not. */
function mayBeDropped(update: Update): boolean {
  const message = update.message;
  return message !== undefined && (message.text === undefined || message.text.startsWith('/'));
}

const defaultRetryDelay = (retry: number) => Math.min(60_000, 1_000 * 2 ** (retry - 1));

interface ChatQueue {
  rows: InboxRow[];
  busy: boolean;
  timer: NodeJS.Timeout | undefined;
}

export function createInbox(options: InboxOptions): Inbox {
  const { db, logger, clock, handle } = options;
  const concurrency = options.concurrency ?? 256;
  const maxAttempts = options.maxAttempts ?? 8;
  const retryDelay = options.retryDelayMs ?? defaultRetryDelay;
  const flushMs = options.flushMs ?? 10;
  const watch = options.watch ?? createMessageWatch({ logger });

  const queues = new Map<string, ChatQueue>();
  /** Queues whose next update may run now, in the order they became ready (a Set keeps insertion order). */
  const ready = new Set<string>();
  const waiters = new Map<number, (() => void)[]>();
  const pendingIds = new Set<number>();
  const inFlight = new Set<Promise<void>>();
  let finished: { seq: number; outcome: InboxOutcome }[] = [];
  /** Postponements not yet written (their rows' schedule in memory is already right). */
  const postponed = new Map<number, { attempts: number; retryAt: number }>();
  let writeFailures = 0;
  let flushTimer: NodeJS.Timeout | undefined;
  let pruneTimer: NodeJS.Timeout | undefined;
  let running = 0;
  let stopping = false;
  /** After stop(): the database may be closed, so nothing more is written (what is left is redone at the next start). */
  let closed = false;

  /** Writes what is due; on storage trouble keeps it and tries again a little later. */
  const flush = () => {
    if (flushTimer) clearTimeout(flushTimer);
    flushTimer = undefined;
    // A database closed under us (a test, a forced exit) takes no more marks; they are redone at the next start.
    if ((finished.length === 0 && postponed.size === 0) || closed || !db.$client.open) return;
    const batch = finished;
    finished = [];
    try {
      for (const [seq, { attempts, retryAt }] of postponed) postponeUpdate(db, seq, attempts, new Date(retryAt));
      postponed.clear();
      finishUpdates(db, batch, clock());
      if (writeFailures > 0) logger.info({ failures: writeFailures }, 'inbox marks written again after storage trouble');
      writeFailures = 0;
    } catch (error) {
      if (storageTrouble(error) === undefined) logger.error({ err: error }, 'inbox marks could not be written; trying again');
      else if (writeFailures === 0) logger.warn({ err: error }, 'inbox marks could not be written (storage trouble); kept and tried again');
      finished = [...batch, ...finished];
      writeFailures++;
      flushTimer = setTimeout(flush, Math.min(30_000, 500 * 2 ** Math.min(writeFailures, 6)));
    }
  };

  const finish = (row: InboxRow, outcome: InboxOutcome) => {
    pendingIds.delete(row.updateId);
    finished.push({ seq: row.seq, outcome });
    flushTimer ??= setTimeout(flush, flushMs);
    for (const resolve of waiters.get(row.updateId) ?? []) resolve();
    waiters.delete(row.updateId);
  };

  const makeReady = (key: string) => {
    const queue = queues.get(key);
    if (!queue || queue.busy || queue.timer || ready.has(key)) return;
    const head = queue.rows[0];
    if (!head) {
      queues.delete(key);
      return;
    }
    const wait = head.retryAt - clock().getTime();
    // A retry always goes through a timer, even when due: an attempt that failed at once (a locked
    // database) must not start the next one without letting the rest of the process run.
    if (wait > 0 || head.attempts > 0) {
      queue.timer = setTimeout(() => {
        queue.timer = undefined;
        // Still the same update, and due: its turn (makeReady would only set another timer for a retry).
        if (queue.rows[0] === head && head.retryAt <= clock().getTime()) ready.add(key);
        else makeReady(key);
        pump();
      }, Math.max(0, wait));
      return;
    }
    ready.add(key);
  };

  const pump = () => {
    while (!stopping && running < concurrency && ready.size > 0) {
      const key = ready.values().next().value as string;
      ready.delete(key);
      const queue = queues.get(key);
      if (!queue || queue.busy || queue.rows.length === 0) continue;
      const work = runNext(key, queue);
      inFlight.add(work);
      void work.finally(() => inFlight.delete(work));
    }
  };

  const runNext = async (key: string, queue: ChatQueue) => {
    queue.busy = true;
    running++;
    const row = queue.rows[0]!;
    const attempt = { number: row.attempts + 1, last: row.attempts + 1 >= maxAttempts, receivedAt: row.receivedAt };
    let result: HandleResult;
    try {
      result = await handle(row.update, attempt);
    } catch (error) {
      // Storage trouble passes; anything else is a bug, logged, and the update given up.
      const passing = storageTrouble(error) !== undefined && !attempt.last;
      logger.error({ err: error, updateId: row.updateId }, passing ? 'update handler met storage trouble' : 'update handler failed');
      result = passing ? 'retry' : 'failed';
    }
    if (closed || !db.$client.open) return;
    if (result === 'retry' && !attempt.last) {
      row.attempts = attempt.number;
      row.retryAt = clock().getTime() + retryDelay(row.attempts);
      postponed.set(row.seq, { attempts: row.attempts, retryAt: row.retryAt });
      flush();
      logger.warn({ updateId: row.updateId, attempt: row.attempts, retryAt: new Date(row.retryAt).toISOString() }, 'update will be handled again');
    } else {
      queue.rows.shift();
      finish(row, result === 'handled' ? 'handled' : 'failed');
    }
    queue.busy = false;
    running--;
    // Back of the line: a chat with a backlog takes turns with the others.
    makeReady(key);
    pump();
  };

  /** Queues a row unless the same command waits in its queue already; returns whether it was queued. */
  const queueRow = (queue: ChatQueue, row: InboxRow): boolean => {
    const command = commandOf(row.update);
    const waiting = queue.busy ? queue.rows.slice(1) : queue.rows;
    if (command !== undefined && waiting.some((other) => commandOf(other.update) === command)) {
      finish(row, 'dropped');
      return false;
    }
    queue.rows.push(row);
    return true;
  };

  /** Drops a swamped queue's oldest commands and media until at most MAX_QUEUED_PER_CHAT wait; returns how many. */
  const trim = (queue: ChatQueue): number => {
    const from = queue.busy ? 1 : 0;
    let excess = queue.rows.length - from - MAX_QUEUED_PER_CHAT;
    if (excess <= 0) return 0;
    const kept = queue.rows.slice(0, from);
    let dropped = 0;
    for (const row of queue.rows.slice(from)) {
      if (excess > 0 && mayBeDropped(row.update)) {
        finish(row, 'dropped');
        excess--;
        dropped++;
      } else kept.push(row);
    }
    queue.rows = kept;
    return dropped;
  };

  const enqueue = (rows: readonly InboxRow[]) => {
    const dropped = new Map<string, { repeated: number; oldest: number }>();
    for (const row of rows) {
      pendingIds.add(row.updateId);
      let queue = queues.get(row.queueKey);
      if (!queue) queues.set(row.queueKey, (queue = { rows: [], busy: false, timer: undefined }));
      const count = dropped.get(row.queueKey) ?? { repeated: 0, oldest: 0 };
      if (!queueRow(queue, row)) count.repeated++;
      count.oldest += trim(queue);
      if (count.repeated + count.oldest > 0) dropped.set(row.queueKey, count);
    }
    for (const [queue, { repeated, oldest }] of dropped) {
      // A command sent twice is common; a swamped queue is worth a warning.
      if (oldest > 0) logger.warn({ queue, repeated, oldest }, 'a chat queued too much: its oldest commands and media dropped');
      else logger.debug({ queue, repeated }, 'repeated commands queued once');
    }
    for (const row of rows) makeReady(row.queueKey);
    pump();
  };

  return {
    watch,
    start() {
      const leftovers = unfinishedUpdates(db);
      if (leftovers.length > 0) logger.info({ updates: leftovers.length }, 'handling updates left unfinished by the last run');
      // Repairs the last run left waiting first, so the resident's messages among the leftovers go on their record.
      watch.resume();
      watch.note(leftovers.map((row) => row.update));
      enqueue(leftovers);
      const prune = () => {
        const pruned = pruneFinishedUpdates(db, new Date(clock().getTime() - KEEP_FINISHED_MS));
        // What the pruned rows held is zeroed in the file (secure_delete); the WAL's old copies go too.
        if (pruned > 0) eraseWal(db);
        return pruned;
      };
      prune();
      pruneTimer = setInterval(() => {
        try {
          const pruned = prune();
          if (pruned > 0) logger.debug({ pruned }, 'finished inbox rows pruned');
        } catch (error) {
          // Storage trouble: pruning waits for the next round.
          logger.warn({ err: error }, 'finished inbox rows could not be pruned');
        }
      }, PRUNE_EVERY_MS);
      pruneTimer.unref();
      return leftovers.length;
    },

    add(updates) {
      if (updates.length === 0) return 0;
      const rows = storeUpdates(
        db,
        updates.map((update) => ({ update: minimiseUpdate(update), queueKey: queueKey(update) })),
        clock(),
      );
      watch.note(updates);
      enqueue(rows);
      return rows.length;
    },

    dropQueued(key, isJunk) {
      const queue = queues.get(key);
      if (!queue) return 0;
      // The head is in a handler's hands while the queue is busy.
      const from = queue.busy ? 1 : 0;
      const kept = queue.rows.slice(0, from);
      let dropped = 0;
      for (const row of queue.rows.slice(from)) {
        if (isJunk(row.update)) {
          finish(row, 'dropped');
          dropped++;
        } else kept.push(row);
      }
      queue.rows = kept;
      return dropped;
    },

    pending: () => pendingIds.size,

    backlog() {
      let total = 0;
      for (const queue of queues.values()) total += Math.min(queue.rows.length, MAX_QUEUED_PER_CHAT + 1);
      return total;
    },

    whenFinished(updateId) {
      if (!pendingIds.has(updateId)) return Promise.resolve();
      return new Promise((resolve) => {
        const list = waiters.get(updateId) ?? [];
        list.push(resolve);
        waiters.set(updateId, list);
      });
    },

    async stop(graceMs = 5_000) {
      stopping = true;
      watch.stop();
      if (pruneTimer) clearInterval(pruneTimer);
      for (const queue of queues.values()) if (queue.timer) clearTimeout(queue.timer);
      const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), graceMs).unref());
      const outcome = await Promise.race([Promise.all(inFlight).then(() => 'done' as const), timeout]);
      if (outcome === 'timeout') {
        logger.warn({ graceMs, inHand: inFlight.size }, 'stopped with updates in hand; they are handled again at the next start');
      }
      flush();
      closed = true;
    },
  };
}
