import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema.js';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

/** How long a write waits for another process's lock before it counts as storage trouble. */
const BUSY_TIMEOUT_MS = 1_000;

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../migrations', import.meta.url));

/**
 * Opens (creating file and folder when missing) and migrates the database.
 * `:memory:` gives a private database, as the tests use.
 */
export function openDatabase(path: string): Db {
  if (path !== ':memory:') makeOwnerOnly(path);
  const sqlite = new Database(path);
  // Deleted and overwritten content (a closed round's old keys, a pruned
  // update) is zeroed in the file instead of lingering in free space.
  sqlite.pragma('secure_delete = ON');
  // WAL lets readers run beside the writer; a busy timeout rides out a second process's short writes.
  // Waiting blocks the whole process, so it is short: a lock held longer is storage trouble, retried later.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  const db = drizzle(sqlite, { schema });
  migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
  // A run killed between a close and its erasure left old page images in the WAL: gone before anything else.
  eraseWal(db);
  return db;
}

/**
 * The database, its WAL and SHM (which SQLite creates with the database
 * file's mode) readable by the bot's user only, in a folder only it can
 * enter: the file holds answers, the chats that can be told of rounds and,
 * while a round is open, the keys that link the two.
 */
function makeOwnerOnly(path: string): void {
  const folder = dirname(path);
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  try {
    chmodSync(folder, 0o700);
  } catch (error) {
    // A shared folder the bot does not own (such as /tmp): the files themselves are still owner-only.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') throw error;
  }
  if (!existsSync(path)) closeSync(openSync(path, 'a', 0o600));
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    if (existsSync(file)) chmodSync(file, 0o600);
  }
}

/** Databases whose WAL could not be emptied when it should have been (a reader held it). */
const walOwed = new WeakSet<Db>();

/**
 * Moves every page of the WAL into the database file and empties the WAL,
 * so that old page images (a round's keys before its close, a pruned
 * update) no longer exist anywhere. Run after the transaction that erased
 * them has committed; inside a transaction it waits for the next call. A
 * reader that holds an older snapshot (the figures worker, a backup tool)
 * keeps it from finishing: it is then owed, and eraseOwedWal tries again.
 */
export function eraseWal(db: Db): void {
  if (db.$client.inTransaction || !db.$client.open) {
    walOwed.add(db);
    return;
  }
  const [result] = db.$client.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
  if (result?.busy) walOwed.add(db);
  else walOwed.delete(db);
}

/**
 * Empties the WAL if an erasure is owed (run every minute). It does not wait
 * for readers: one still reading is waited for by trying again next time.
 */
export function eraseOwedWal(db: Db): void {
  if (!walOwed.has(db) || !db.$client.open) return;
  db.$client.pragma('busy_timeout = 0');
  try {
    eraseWal(db);
  } finally {
    db.$client.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  }
}

/**
 * Storage trouble that passes: the database locked by another process
 * (a backup tool, an operator's sqlite3), a failing disk, a full disk.
 * A write that met it is tried again later; nothing else is wrong with it.
 */
export type StorageTrouble = 'busy' | 'io' | 'full';

export function storageTrouble(error: unknown): StorageTrouble | undefined {
  if (!(error instanceof Database.SqliteError)) return undefined;
  const code = error.code;
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'busy';
  if (code.startsWith('SQLITE_FULL')) return 'full';
  if (code.startsWith('SQLITE_IOERR')) return 'io';
  return undefined;
}

export function closeDatabase(db: Db): void {
  if (db.$client.open) db.$client.close();
}

/**
 * Runs `work` in one write transaction (BEGIN IMMEDIATE; a savepoint when
 * nested). Queries inside use `db` itself: better-sqlite3 has one connection.
 */
export function inTransaction<T>(db: Db, work: () => T): T {
  return db.$client.transaction(work).immediate();
}

const statements = new WeakMap<Db, Map<string, Database.Statement>>();

/**
 * A prepared statement for `sql` on this database, prepared once. The hot path
 * of every update (a resident's response, the open round, the contact) uses
 * these: building the same query through the ORM on every update cost more
 * than all the rest of an update together.
 */
export function statement(db: Db, sql: string): Database.Statement {
  let cache = statements.get(db);
  if (!cache) statements.set(db, (cache = new Map()));
  let prepared = cache.get(sql);
  if (!prepared) cache.set(sql, (prepared = db.$client.prepare(sql)));
  return prepared;
}
