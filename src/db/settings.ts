import { eq } from 'drizzle-orm';
import type { Db } from './client.js';
import { settings } from './schema.js';

/** The stored value of `key`, storing `initial` first if there is none yet (safe against a concurrent first run). */
export function settingOrInit(db: Db, key: string, initial: () => string): string {
  db.insert(settings).values({ key, value: initial() }).onConflictDoNothing().run();
  const row = db.select().from(settings).where(eq(settings.key, key)).get();
  if (!row) throw new Error(`the setting ${key} could not be stored`);
  return row.value;
}

export function findSetting(db: Db, key: string): string | undefined {
  return db.select().from(settings).where(eq(settings.key, key)).get()?.value;
}

export function deleteSetting(db: Db, key: string): void {
  db.delete(settings).where(eq(settings.key, key)).run();
}
