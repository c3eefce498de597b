import { eq } from 'drizzle-orm';
import type { Language } from '../questionnaire/languages.js';
import type { Db } from './client.js';
import { contacts } from './schema.js';

export type Contact = typeof contacts.$inferSelect;

/** Records that a private chat talked to the bot, creating its contact row on first sight. */
export function touchContact(db: Db, chatId: number, now: Date): Contact {
  return db
    .insert(contacts)
    .values({ chatId, firstSeenAt: now, lastSeenAt: now })
    .onConflictDoUpdate({ target: contacts.chatId, set: { lastSeenAt: now } })
    .returning()
    .get();
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
