import { createHmac, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { ConfigError } from '../config.js';
import { eraseWal, inTransaction, type Db } from '../db/client.js';
import { deleteSetting, findSetting } from '../db/settings.js';

/*
 * The secret behind respondent keys. It is kept apart from the database
 * (PSEUDONYM_SECRET, or a key file beside it), so that the database file
 * alone cannot tell whose answers an open round holds: with the secret, the
 * HMAC of every contact's chat id would find each one's response.
 */

/** Where a database before this version kept the secret; moved out at start-up. */
const LEGACY_SETTING = 'pseudonym_secret';

/** The key file of a database: `data/manyi.sqlite` → `data/manyi.key`. */
export function keyFilePath(databasePath: string): string {
  const name = basename(databasePath, extname(databasePath));
  return join(dirname(databasePath), `${name}.key`);
}

/**
 * The pseudonym secret: PSEUDONYM_SECRET when set, else the key file's,
 * else a new one written to the key file (owner-only). A secret still in
 * the database (as kept before) moves to the key file and is erased from
 * the database file, WAL included, so its open round's keys keep working.
 */
export function loadPseudonymSecret(db: Db, source: { configured: string | undefined; keyFile: string }): string {
  const { configured, keyFile } = source;
  const fromFile = existsSync(keyFile) ? readKeyFile(keyFile) : undefined;
  const legacy = findSetting(db, LEGACY_SETTING);
  if (configured !== undefined && fromFile !== undefined && configured !== fromFile) {
    throw new ConfigError(
      `PSEUDONYM_SECRET differs from the secret in ${keyFile}: residents of the open round would start over. Keep one of them (unset PSEUDONYM_SECRET, or delete the key file).`,
    );
  }
  const known = configured ?? fromFile;
  if (known !== undefined && legacy !== undefined && known !== legacy) {
    throw new ConfigError(
      `The database holds a pseudonym secret other than ${configured !== undefined ? 'PSEUDONYM_SECRET' : keyFile}: residents of the open round would start over. Unset PSEUDONYM_SECRET or move the key file away to keep the database's.`,
    );
  }
  const secret = known ?? legacy ?? randomBytes(32).toString('hex');
  if (configured === undefined && fromFile === undefined) writeKeyFile(keyFile, secret);
  if (legacy !== undefined) eraseLegacySecret(db);
  return secret;
}

function readKeyFile(path: string): string {
  chmodSync(path, 0o600);
  const secret = readFileSync(path, 'utf8').trim();
  if (secret.length < 32) throw new ConfigError(`The key file ${path} holds no secret (expected 64 hex digits); restore it from a backup.`);
  return secret;
}

function writeKeyFile(path: string, secret: string): void {
  // 'wx': never overwrite a key file that appeared meanwhile.
  writeFileSync(path, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
}

/**
 * Deletes the secret from the database and rewrites the file (VACUUM), so
 * that neither it nor older leftovers in free pages survive in the bytes.
 */
function eraseLegacySecret(db: Db): void {
  inTransaction(db, () => deleteSetting(db, LEGACY_SETTING));
  db.$client.exec('VACUUM');
  eraseWal(db);
}

/** The key a response is stored under: an HMAC of the Telegram user id, never the id itself. */
export function respondentKey(secret: string, userId: number): string {
  return createHmac('sha256', secret).update(String(userId)).digest('hex');
}

/**
 * A response's identifier in exports: the same in every export of its round,
 * yet nothing in the database, and without the secret not even linkable to
 * the response's row, let alone to its respondent key.
 */
export function exportResponseId(secret: string, responseId: number): string {
  return createHmac('sha256', secret).update(`export:${responseId}`).digest('hex').slice(0, 32);
}
