import type { Update } from 'grammy/types';
import type { Db } from '../../db/client.js';
import { deleteLostCopies, pendingLostCopies, saveLostCopies, type IdRange, type LostCopies } from '../../db/lost-copies.js';
import type { Logger } from '../../logger.js';

/*
 * Crash repair by record: which messages of a private chat are the
 * resident's, so that retiring a lost copy never touches one. A prompt whose
 * sending looked lost (the connection died after Telegram took it, or the
 * process died before the bot wrote down its id) may have left a copy with
 * live buttons between the message the update was about and the prompt sent
 * again. The ids in that range are the bot's messages and the resident's,
 * and only the bot's may be edited. Every message a resident sent before the
 * new prompt is in an update Telegram already holds, so once that has been
 * fetched the watch knows them all: the range waits until then (kept in the
 * database with the resident's ids seen in it, so a second crash forgets
 * neither), and then the first few ids that are not the resident's are
 * handed to `retire`.
 *
 * When is "then"? Long polling answers with every update Telegram holds at
 * the moment it answers (up to its limit). So a getUpdates that answered
 * (and whose batch was stored) at least FETCH_MARGIN_MS after the range was
 * recorded, or one that has waited QUIET_POLL_MS without an answer (Telegram
 * held nothing when it began, and nothing came since), means every update
 * made before is in the inbox. A webhook gets no such signal: Telegram posts
 * updates in order, and the range waits WEBHOOK_WAIT_MS.
 *
 * Memory is bounded: the last MESSAGES_PER_CHAT ids of the CHATS most recent
 * chats (message ids, never content).
 */

/** Updates Telegram may still have been making visible when getUpdates answered. */
const FETCH_MARGIN_MS = 1_000;
/** A getUpdates unanswered this long found nothing waiting (it would have answered at once). */
const QUIET_POLL_MS = 5_000;
/** A webhook has no "fetched" moment: wait this long for the posts in flight. */
const WEBHOOK_WAIT_MS = 10_000;
const CHATS = 1_000;
const MESSAGES_PER_CHAT = 64;
/** How many of the bot's messages above the range's floor may be the lost copy (a greeting may come first). */
export const LOST_COPY_REACH = 3;

/** Takes the buttons off the bot's message `messageId` unless it is the chat's live prompt by now. */
export type RetireCopy = (chatId: number, messageId: number) => Promise<void>;

export interface MessageWatch {
  /** Notes the messages residents sent in these updates. */
  note(updates: readonly Update[]): void;
  /** Whether the person in private chat `chatId` sent message `messageId`, as far as the fetched updates tell. */
  sentByResident(chatId: number, messageId: number): boolean;
  /** A copy of a prompt may be lost between these ids: retire it once every update is fetched. */
  retireLostCopies(chatId: number, above: number, below: number): void;
  /** Resumes the repairs a previous run left waiting (call once, after the inbox started). */
  resume(): void;
  /** Runs `task` once every update Telegram held now is in the inbox (tasks never throw: errors are logged). */
  afterFetch(task: () => Promise<void>): void;
  /** The poller started a getUpdates. */
  pollStarted(): void;
  /** The poller's getUpdates answered and its batch (of this many updates, out of at most `limit`) is stored. */
  pollStored(count: number, limit: number): void;
  /** The poller's getUpdates failed (or its batch could not be stored): it proves nothing. */
  pollFailed(): void;
  /** Updates come by webhook: tasks wait a fixed while instead. */
  useWebhook(): void;
  /** Drops waiting tasks (the process stops; recorded repairs resume at the next start). */
  stop(): void;
}

export interface MessageWatchOptions {
  logger: Logger;
  /** Where waiting repairs are kept; without it (tests of the timing alone) nothing is retired. */
  db?: Db;
  retire?: RetireCopy;
  now?: () => number;
}

interface Task {
  since: number;
  run: () => Promise<void>;
}

/** The resident's message of a private chat (a chat's id equals its person's in private chats). */
function residentMessage(update: Update): { chatId: number; messageId: number } | null {
  const message = update.message ?? update.edited_message;
  if (!message || message.chat.type !== 'private' || message.from?.is_bot) return null;
  return { chatId: message.chat.id, messageId: message.message_id };
}

export function createMessageWatch(options: MessageWatchOptions): MessageWatch {
  const { logger, db, retire } = options;
  const now = options.now ?? Date.now;
  const seen = new Map<number, Set<number>>();
  const waiting = new Map<number, LostCopies>();
  let tasks: Task[] = [];
  let pollSince: number | null = null;
  let webhook = false;
  let timer: NodeJS.Timeout | undefined;

  const runDue = (fetchedUpTo: number): void => {
    const due = tasks.filter((task) => task.since <= fetchedUpTo);
    if (due.length === 0) return;
    tasks = tasks.filter((task) => task.since > fetchedUpTo);
    for (const task of due) {
      task.run().catch((error: unknown) => logger.warn({ err: error }, 'a repair after the fetch failed'));
    }
  };

  // Checks once a second for a poll that has waited long enough, or a webhook's wait.
  const tick = (): void => {
    if (tasks.length === 0) {
      clearInterval(timer);
      timer = undefined;
      return;
    }
    const at = now();
    if (webhook) runDue(at - WEBHOOK_WAIT_MS);
    else if (pollSince !== null && at - pollSince >= QUIET_POLL_MS) runDue(at - QUIET_POLL_MS);
  };

  const afterFetch = (run: () => Promise<void>): void => {
    tasks.push({ since: now(), run });
    timer ??= setInterval(tick, 1_000).unref();
  };

  const residentSent = (chatId: number, messageId: number): boolean =>
    (seen.get(chatId)?.has(messageId) ?? false) || (waiting.get(chatId)?.resident.includes(messageId) ?? false);

  /** Retires the copies of these ranges (recorded before the fetch that made this run) and strikes them off. */
  const sweep = async (chatId: number, ranges: readonly IdRange[]): Promise<void> => {
    if (!db || !retire) return;
    const done = new Set<number>();
    for (const { above, below } of ranges) {
      let tried = 0;
      for (let id = above + 1; id < below && tried < LOST_COPY_REACH; id++) {
        if (residentSent(chatId, id)) continue;
        tried++;
        if (done.has(id)) continue;
        done.add(id);
        await retire(chatId, id);
        logger.info({ chatId, messageId: id }, 'a copy of a prompt the bot had lost track of is retired');
      }
    }
    // A range recorded meanwhile waits for its own fetch and task.
    const copies = waiting.get(chatId);
    if (!copies) return;
    copies.ranges = copies.ranges.filter((range) => !ranges.includes(range));
    if (copies.ranges.length > 0) saveLostCopies(db, copies);
    else {
      waiting.delete(chatId);
      deleteLostCopies(db, chatId);
    }
  };

  return {
    note(updates) {
      for (const update of updates) {
        const message = residentMessage(update);
        if (!message) continue;
        const { chatId, messageId } = message;
        let ids = seen.get(chatId);
        if (ids) seen.delete(chatId); // re-inserted: most recent last
        else ids = new Set();
        ids.add(messageId);
        if (ids.size > MESSAGES_PER_CHAT) ids.delete(ids.values().next().value!);
        seen.set(chatId, ids);
        if (seen.size > CHATS) seen.delete(seen.keys().next().value!);
        // A repair waits in this chat: the resident's message in its range is written down with it.
        const copies = waiting.get(chatId);
        const inRange = copies?.ranges.some(({ above, below }) => messageId > above && messageId < below);
        if (db && copies && inRange && !copies.resident.includes(messageId)) {
          copies.resident.push(messageId);
          saveLostCopies(db, copies);
        }
      }
    },
    sentByResident: residentSent,
    retireLostCopies(chatId, above, below) {
      if (!db || below - above <= 1) return;
      const earlier = waiting.get(chatId);
      const known = [...(seen.get(chatId) ?? [])].filter((id) => id > above && id < below);
      const range = { above, below };
      const copies: LostCopies = {
        chatId,
        ranges: [...(earlier?.ranges ?? []), range],
        resident: [...new Set([...(earlier?.resident ?? []), ...known])],
      };
      waiting.set(chatId, copies);
      saveLostCopies(db, copies);
      afterFetch(() => sweep(chatId, [range]));
    },
    resume() {
      if (!db) return;
      for (const copies of pendingLostCopies(db)) {
        waiting.set(copies.chatId, copies);
        const ranges = [...copies.ranges];
        afterFetch(() => sweep(copies.chatId, ranges));
      }
    },
    afterFetch,
    pollStarted() {
      pollSince = now();
    },
    pollStored(count, limit) {
      const answered = now();
      pollSince = null;
      // A full batch may have left updates behind at Telegram.
      if (count < limit) runDue(answered - FETCH_MARGIN_MS);
    },
    pollFailed() {
      pollSince = null;
    },
    useWebhook() {
      webhook = true;
    },
    stop() {
      tasks = [];
      clearInterval(timer);
      timer = undefined;
    },
  };
}
