import { and, eq, isNull, lt, or } from 'drizzle-orm';
import { isLanguage, type Language } from '../questionnaire/languages.js';
import { statement, type Db } from './client.js';
import { contacts } from './schema.js';

export type Contact = typeof contacts.$inferSelect;

const DAY_MS = 86_400_000;

/**
 * Records that a private chat talked to the bot (in `language`), creating its
 * contact row on first sight. Times are kept to the day (UTC): to the
 * millisecond they would match a response's start and link the two.
 */
export function touchContact(db: Db, chatId: number, now: Date, language: Language): Contact {
  const day = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
  // Prepared: every /start and /language comes here.
  const row = statement(
    db,
    `INSERT INTO contacts (chat_id, first_seen_at, last_seen_at, last_language) VALUES (?, ?, ?, ?)
     ON CONFLICT (chat_id) DO UPDATE SET last_seen_at = excluded.last_seen_at, last_language = excluded.last_language, opted_out = 0
     RETURNING *`,
  ).get(chatId, day, day, language) as RawContact;
  return toContact(db, row);
}

/** Contacts still to be told about `roundId`, a page at a time, in chat id order. */
export function contactsToAnnounce(db: Db, roundId: number, limit: number): Contact[] {
  return db
    .select()
    .from(contacts)
    .where(
      and(
        eq(contacts.optedOut, false),
        eq(contacts.notificationsOff, false),
        or(isNull(contacts.announcedRoundId), lt(contacts.announcedRoundId, roundId)),
      ),
    )
    .orderBy(contacts.chatId)
    .limit(limit)
    .all();
}

export function markAnnounced(db: Db, chatId: number, roundId: number, optedOut: boolean): void {
  statement(db, 'UPDATE contacts SET announced_round_id = ?, opted_out = opted_out OR ? WHERE chat_id = ?').run(
    roundId,
    optedOut ? 1 : 0,
    chatId,
  );
}

/** Undoes markAnnounced for a message that did not go out, so the next start tells the chat after all. */
export function unmarkAnnounced(db: Db, chatId: number, previousRoundId: number | null): void {
  statement(db, 'UPDATE contacts SET announced_round_id = ? WHERE chat_id = ?').run(previousRoundId, chatId);
}

interface RawContact {
  chat_id: number;
  language: string | null;
  opted_out: number;
  notifications_off: number;
  prompt_message_id: number | null;
  prompt_shows: string | null;
  first_seen_at: number;
  last_seen_at: number;
  last_language: string | null;
  announced_round_id: number | null;
}

/** A chat's contact row; read on every update, so through a prepared statement. */
export function findContact(db: Db, chatId: number): Contact | undefined {
  const row = statement(db, 'SELECT * FROM contacts WHERE chat_id = ?').get(chatId) as RawContact | undefined;
  return row && toContact(db, row);
}

function toContact(db: Db, row: RawContact): Contact {
  const pending = pendingPrompts.get(db);
  const prompt = pending?.has(row.chat_id) ? pending.get(row.chat_id)! : undefined;
  return {
    chatId: row.chat_id,
    language: row.language,
    optedOut: row.opted_out === 1,
    notificationsOff: row.notifications_off === 1,
    // A record not yet written is the truth.
    promptMessageId: prompt === undefined ? row.prompt_message_id : (prompt?.messageId ?? null),
    promptShows: prompt === undefined ? row.prompt_shows : (prompt?.shows ?? null),
    firstSeenAt: new Date(row.first_seen_at),
    lastSeenAt: new Date(row.last_seen_at),
    lastLanguage: row.last_language,
    announcedRoundId: row.announced_round_id,
  };
}

/** The language to write to a contact in: the one they chose, else the one their Telegram last spoke, else `fallback`. */
export function contactLanguage(contact: Pick<Contact, 'language' | 'lastLanguage'>, fallback: Language): Language {
  if (isLanguage(contact.language)) return contact.language;
  return isLanguage(contact.lastLanguage) ? contact.lastLanguage : fallback;
}

export function setContactLanguage(db: Db, chatId: number, language: Language): void {
  db.update(contacts).set({ language }).where(eq(contacts.chatId, chatId)).run();
}

/** A chat's live prompt: the message and what it shows. */
export interface PromptRecord {
  messageId: number;
  shows: string;
}

/**
 * Live-prompt records not yet written, by chat (null: the chat has none).
 * A chat's prompt changes with nearly every update, so its record is not
 * written in a transaction of its own but with the update's finished mark,
 * in the inbox's batched transaction (finishUpdates): both or neither
 * survive a crash, and an update not marked finished is handled again,
 * which records its prompt again. Until written, readers of the contact
 * (findContact, touchContact) see the record from here.
 */
const pendingPrompts = new WeakMap<Db, Map<number, PromptRecord | null>>();

/** Records the chat's live prompt, to be written with the update's finished mark (writePendingPrompts). */
export function recordPrompt(db: Db, chatId: number, prompt: PromptRecord | null): void {
  let pending = pendingPrompts.get(db);
  if (!pending) pendingPrompts.set(db, (pending = new Map()));
  pending.set(chatId, prompt);
}

/**
 * Writes the recorded prompts; call inside the transaction that commits
 * them, then call what it returns once that transaction has committed (a
 * rolled-back write keeps them pending, for the next try).
 */
export function writePendingPrompts(db: Db): () => void {
  const pending = pendingPrompts.get(db);
  if (!pending || pending.size === 0) return () => undefined;
  const write = statement(db, 'UPDATE contacts SET prompt_message_id = ?, prompt_shows = ? WHERE chat_id = ?');
  const written = [...pending];
  for (const [chatId, prompt] of written) write.run(prompt?.messageId ?? null, prompt?.shows ?? null, chatId);
  return () => {
    for (const [chatId, prompt] of written) if (pending.get(chatId) === prompt) pending.delete(chatId);
  };
}

export function setContactOptedOut(db: Db, chatId: number, optedOut: boolean): void {
  db.update(contacts).set({ optedOut }).where(eq(contacts.chatId, chatId)).run();
}

/** "Don't notify me" (true) or its undoing: the bot writes first only to chats with notifications on. */
export function setNotificationsOff(db: Db, chatId: number, off: boolean): void {
  db.update(contacts).set({ notificationsOff: off }).where(eq(contacts.chatId, chatId)).run();
}

/** Chats the bot may write to first: not blocked, notifications not turned off. */
export function reachableChatIds(db: Db): number[] {
  return db
    .select({ chatId: contacts.chatId })
    .from(contacts)
    .where(and(eq(contacts.optedOut, false), eq(contacts.notificationsOff, false)))
    .all()
    .map((row) => row.chatId);
}
