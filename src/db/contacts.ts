import { and, eq, isNull, lt, or } from 'drizzle-orm';
import type { Language } from '../questionnaire/languages.js';
import type { Db } from './client.js';
import { contacts } from './schema.js';

export type Contact = typeof contacts.$inferSelect;

/** Records that a private chat talked to the bot (in `language`), creating its contact row on first sight. */
export function touchContact(db: Db, chatId: number, now: Date, language: Language): Contact {
  return db
    .insert(contacts)
    .values({ chatId, firstSeenAt: now, lastSeenAt: now, lastLanguage: language })
    .onConflictDoUpdate({ target: contacts.chatId, set: { lastSeenAt: now, lastLanguage: language, optedOut: false } })
    .returning()
    .get();
}

/** Contacts still to be told about `roundId`, a page at a time, in chat id order. */
export function contactsToAnnounce(db: Db, roundId: number, limit: number): Contact[] {
  return db
    .select()
    .from(contacts)
    .where(
      and(
        eq(contacts.optedOut, false),
        or(isNull(contacts.announcedRoundId), lt(contacts.announcedRoundId, roundId)),
      ),
    )
    .orderBy(contacts.chatId)
    .limit(limit)
    .all();
}

export function markAnnounced(db: Db, chatId: number, roundId: number, optedOut: boolean): void {
  db.update(contacts).set({ announcedRoundId: roundId, ...(optedOut ? { optedOut } : {}) }).where(eq(contacts.chatId, chatId)).run();
}

export function findContact(db: Db, chatId: number): Contact | undefined {
  return db.select().from(contacts).where(eq(contacts.chatId, chatId)).get();
}

export function setContactLanguage(db: Db, chatId: number, language: Language): void {
  db.update(contacts).set({ language }).where(eq(contacts.chatId, chatId)).run();
}

export function setPromptMessage(db: Db, chatId: number, messageId: number | null): void {
  db.update(contacts).set({ promptMessageId: messageId }).where(eq(contacts.chatId, chatId)).run();
}

export function setContactOptedOut(db: Db, chatId: number, optedOut: boolean): void {
  db.update(contacts).set({ optedOut }).where(eq(contacts.chatId, chatId)).run();
}
