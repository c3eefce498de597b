import { and, eq, isNull, lt, or } from 'drizzle-orm';
import type { Language } from '../questionnaire/languages.js';
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
  return toContact(row);
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
  return row && toContact(row);
}

function toContact(row: RawContact): Contact {
  return {
    chatId: row.chat_id,
    language: row.language,
    optedOut: row.opted_out === 1,
    notificationsOff: row.notifications_off === 1,
    promptMessageId: row.prompt_message_id,
    promptShows: row.prompt_shows,
    firstSeenAt: new Date(row.first_seen_at),
    lastSeenAt: new Date(row.last_seen_at),
    lastLanguage: row.last_language,
    announcedRoundId: row.announced_round_id,
  };
}

export function setContactLanguage(db: Db, chatId: number, language: Language): void {
  db.update(contacts).set({ language }).where(eq(contacts.chatId, chatId)).run();
}

/** Records the chat's live prompt and what it shows (null: the chat has none). */
export function setPromptMessage(db: Db, chatId: number, prompt: { messageId: number; shows: string } | null): void {
  statement(db, 'UPDATE contacts SET prompt_message_id = ?, prompt_shows = ? WHERE chat_id = ?').run(
    prompt?.messageId ?? null,
    prompt?.shows ?? null,
    chatId,
  );
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
