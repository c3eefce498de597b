import { createHmac, randomBytes } from 'node:crypto';
import type { Db } from '../db/client.js';
import { settingOrInit } from '../db/settings.js';

/**
 * The secret behind respondent keys, made on first run and kept in the
 * database: keys stay stable across restarts, yet cannot be turned back into
 * user ids by anyone holding only an export.
 */
export function loadPseudonymSecret(db: Db): string {
  return settingOrInit(db, 'pseudonym_secret', () => randomBytes(32).toString('hex'));
}

/** The key a response is stored under: an HMAC of the Telegram user id, never the id itself. */
export function respondentKey(secret: string, userId: number): string {
  return createHmac('sha256', secret).update(String(userId)).digest('hex');
}
