import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { describe, expect, it } from 'vitest';
import { closeDatabase, MIGRATIONS_FOLDER, openDatabase } from '../../src/db/client.js';
import { defaultQuestionnaire } from '../helpers/questionnaires.js';

/** The migrations folder as it was before the migration named `name`: the journal cut there. */
function migrationsBefore(name: string): string {
  const folder = join(mkdtempSync(join(tmpdir(), 'manyi-migrations-')), 'migrations');
  cpSync(MIGRATIONS_FOLDER, folder, { recursive: true });
  const journalPath = join(folder, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { tag: string }[] };
  const cut = journal.entries.findIndex((entry) => entry.tag.endsWith(`_${name}`));
  expect(cut).toBeGreaterThan(0);
  writeFileSync(journalPath, JSON.stringify({ ...journal, entries: journal.entries.slice(0, cut) }));
  return folder;
}

describe('the quality flags migration', () => {
  it('flags the straight lines completed before flags existed, and nothing else', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'manyi-db-')), 'manyi.sqlite');
    const sqlite = new Database(path);
    migrate(drizzle(sqlite), { migrationsFolder: migrationsBefore('quality_flags') });
    const questionnaire = defaultQuestionnaire();
    sqlite
      .prepare(`INSERT INTO rounds (id, title, questionnaire, opened_at) VALUES (1, 'old', ?, 0)`)
      .run(JSON.stringify(questionnaire));
    const scale = questionnaire.questions.filter((q) => q.type === 'scale').map((q) => q.id);
    const respond = (id: number, status: string, values: string[]) => {
      sqlite
        .prepare(`INSERT INTO responses (id, round_id, respondent_key, status, language, started_at, updated_at) VALUES (?, 1, ?, ?, 'zh-Hant', 0, 0)`)
        .run(id, `key-${id}`, status);
      values.forEach((value, i) =>
        sqlite
          .prepare(`INSERT INTO answers (response_id, question_id, value, skipped, answered_at) VALUES (?, ?, ?, 0, 0)`)
          .run(id, scale[i], value),
      );
    };
    respond(1, 'completed', Array(9).fill('80')); // a straight line
    respond(2, 'completed', [...Array(8).fill('80'), '60']);
    respond(3, 'partial', Array(9).fill('80')); // not completed
    respond(4, 'completed', Array(5).fill('0')); // too few scale answers
    sqlite.close();

    const db = openDatabase(path);
    const flags = db.$client.prepare('SELECT id, flags FROM responses ORDER BY id').all();
    closeDatabase(db);
    expect(flags).toEqual([
      { id: 1, flags: 2 },
      { id: 2, flags: 0 },
      { id: 3, flags: 0 },
      { id: 4, flags: 0 },
    ]);
  });
});
