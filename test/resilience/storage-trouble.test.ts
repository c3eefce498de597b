import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { Language } from '../../src/questionnaire/languages.js';
import { FakeTelegram } from '../helpers/fake-telegram.js';
import { PersistentResident } from '../helpers/persistent-resident.js';
import { defaultQuestionnaire } from '../helpers/questionnaires.js';
import { PATIENCE, residentMismatches, startWithRound, type Started } from '../helpers/scenarios.js';

/*
 * Another process (a backup tool, an operator's sqlite3) holds the bot's
 * database for four seconds, twice, while residents answer: longer than the
 * bot waits for a lock (1 s), so its writes fail with SQLITE_BUSY. That is
 * passing trouble, like a 429: the updates stay in the inbox and are
 * handled again, nothing is lost, residents with a person's patience never
 * need /start, and the process stays up.
 */

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const LANGUAGES: Language[] = ['zh-Hant', 'zh-Hans', 'en'];
const CODES: Record<Language, string> = { 'zh-Hant': 'zh-hant', 'zh-Hans': 'zh-hans', en: 'en' };
let started: Started | undefined;

afterAll(async () => {
  await started?.close();
});

describe('storage trouble is passing trouble', () => {
  it('the database locked by another process while residents answer: nothing lost, nobody needs /start, the bot stays up', async () => {
    const telegram = new FakeTelegram({ callbackQueryTtlMs: 15_000 });
    // As shipped: rate limits on, so the retries after the lock meet Telegram's pace too.
    started = await startWithRound('Locked storage', telegram);
    const { server, bot, databasePath } = started;
    // Residents watch their screen rather than wait for the bot.
    server.setHandledProbe(undefined);
    const questionnaire = defaultQuestionnaire();
    const residents = Array.from({ length: 8 }, (_, i) => {
      const language = LANGUAGES[i % LANGUAGES.length]!;
      const user = telegram.user(30_000 + i, { language_code: CODES[language] });
      return new PersistentResident(user, language, questionnaire, 7, {
        source: `lock_${i}`,
        patience: { ...PATIENCE, readMs: [100, 300] },
      });
    });
    const finishing = Promise.allSettled(residents.map((resident) => resident.finish()));

    const other = new Database(databasePath);
    try {
      for (let i = 0; i < 2; i++) {
        await sleep(1_500);
        other.exec('BEGIN IMMEDIATE');
        await sleep(4_000);
        other.exec('COMMIT');
      }
    } finally {
      other.close();
    }
    const results = await finishing;
    console.log(`storage-trouble.test: the bot met the lock ${bot.output().split('SQLITE_BUSY').length - 1} times`);

    expect(results.flatMap((r, i) => (r.status === 'rejected' ? [`resident ${i}: ${String(r.reason)}`] : []))).toEqual([]);
    expect(residents.map((r) => r.restarts)).toEqual(residents.map(() => 0));
    expect(residentMismatches(databasePath, residents)).toEqual([]);
    expect(bot.child.exitCode).toBeNull();
    // The lock really got in the way, and no update was given up for it.
    expect(bot.output()).toContain('SQLITE_BUSY');
    expect(bot.output()).not.toContain('"update failed"');
    expect(bot.output()).not.toContain('update handler failed');
  }, 120_000);
});
