import { createHmac, randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { settings } from '../db/schema.js';

const SECRET_KEY = 'pseudonym_secret';

/**
 * The secret behind respondent keys, made on first run and kept in the
 * database: keys stay stable across restarts, yet cannot be turned back into
 * user ids by anyone holding only an export.
 */
export function loadPseudonymSecret(db: Db): string {
  db.insert(settings)
    .values({ key: SECRET_KEY, value: randomBytes(32).toString('hex') })
    .onConflictDoNothing()
    .run();
  const row = db.select().from(settings).where(eq(settings.key, SECRET_KEY)).get();
  if (!row) throw new Error('the pseudonym secret could not be stored');
  return row.value;
}

/** The key a response is stored under: an HMAC of the Telegram user id, never the id itself. */
export function respondentKey(secret: string, userId: number): string {
  return createHmac('sha256', secret).update(String(userId)).digest('hex');
}
