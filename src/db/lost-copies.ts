import { statement, type Db } from './client.js';

/*
 * Repairs in waiting (transport/receive/message-watch.ts): after a crash or a
 * lost connection, a copy of a prompt may sit in a chat with live buttons,
 * somewhere between two message ids. Which ids in between are the resident's
 * is known only once Telegram's updates are all fetched; until the copy is
 * retired the range and the resident's ids seen in it are kept here, so a
 * second crash neither forgets the copy nor forgets whose messages are whose.
 * Rows live seconds; they hold message ids of the bot's own chat, no content.
 */

/** A copy is above one id and below the other. */
export interface IdRange {
  above: number;
  below: number;
}

export interface LostCopies {
  chatId: number;
  /** Where copies may be, one range per repair (a second crash can add one before the first is swept). */
  ranges: IdRange[];
  /** Messages in those ranges the resident sent, as far as seen. */
  resident: number[];
}

const PREFIX = 'lost-copies:';

export function saveLostCopies(db: Db, copies: LostCopies): void {
  const { chatId, ranges, resident } = copies;
  statement(db, 'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(
    `${PREFIX}${chatId}`,
    JSON.stringify({ ranges, resident }),
  );
}

export function deleteLostCopies(db: Db, chatId: number): void {
  statement(db, 'DELETE FROM settings WHERE key = ?').run(`${PREFIX}${chatId}`);
}

/** Every repair a previous run left waiting. */
export function pendingLostCopies(db: Db): LostCopies[] {
  const rows = statement(db, "SELECT key, value FROM settings WHERE key LIKE 'lost-copies:%'").all() as { key: string; value: string }[];
  return rows.map((row) => ({ chatId: Number(row.key.slice(PREFIX.length)), ...(JSON.parse(row.value) as Omit<LostCopies, 'chatId'>) }));
}
