import type { Db } from '../../src/db/client.js';
import type { Questionnaire } from '../../src/questionnaire/schema.js';
import { SATISFACTION_SCALE } from '../../src/questionnaire/scale.js';

/** When the generated responses start, and how far apart they are (ms). */
export const LARGE_START = Date.UTC(2025, 0, 6);
export const LARGE_STEP = 6_000;

/**
 * Fills a round with `completed` completed responses answering every question,
 * and after every tenth of them a partial one (status 'partial', no completion
 * time) that answered about half: abandoned responses sit among the completed
 * ones, as in a real round. All in SQLite: a recursive CTE for the responses,
 * then one INSERT … SELECT that picks each answer from a small table of
 * possible answers by a hash of the response id.
 */
export function fillLargeRound(db: Db, roundId: number, questionnaire: Questionnaire, completed: number): void {
  const client = db.$client;
  // Possible answers per question: the scale, each option, one or two adjacent
  // options of a multi question, and for text one suggestion in ten (the rest skipped).
  const variants: { question: string; value: string | null; score: number | null; skipped: 0 | 1 }[][] = [];
  for (const q of questionnaire.questions) {
    const list: (typeof variants)[number] = [];
    const add = (value: string | null, score: number | null = null, skipped: 0 | 1 = 0) =>
      list.push({ question: q.id, value, score, skipped });
    if (q.type === 'scale') for (const o of SATISFACTION_SCALE) add(o.value, o.score);
    if (q.type === 'choice') for (const o of q.options) add(o.value);
    if (q.type === 'multi') {
      const values = q.options.map((o) => o.value);
      values.forEach((value, i) => {
        add(JSON.stringify([value]));
        const next = values[i + 1];
        if (next) add(JSON.stringify([value, next]));
      });
    }
    if (q.type === 'text') {
      add('希望多公開幹部選拔的情況。');
      for (let i = 1; i < 10; i++) add(null, null, 1);
    }
    variants.push(list);
  }

  client.exec(`
    CREATE TEMP TABLE gen_questions (k INTEGER PRIMARY KEY, n INTEGER NOT NULL);
    CREATE TEMP TABLE gen_variants (
      id INTEGER PRIMARY KEY, question_id TEXT, value TEXT, score INTEGER, skipped INTEGER);`);
  const insertQuestion = client.prepare('INSERT INTO gen_questions VALUES (?, ?)');
  const insertVariant = client.prepare('INSERT INTO gen_variants VALUES (?, ?, ?, ?, ?)');
  // Each answer would look its response up for the foreign key; here they hold by construction.
  const foreignKeys = client.pragma('foreign_keys', { simple: true }) as number;
  client.pragma('foreign_keys = OFF');
  try {
    client.transaction(() => {
      variants.forEach((list, k) => {
        insertQuestion.run(k, list.length);
        list.forEach((v, i) => insertVariant.run(k * 100 + i, v.question, v.value, v.score, v.skipped));
      });
      // Response i is partial when i % 11 = 0: `completed` completed ones, and one partial per ten.
      client
        .prepare(
          `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :total)
           INSERT INTO responses (round_id, respondent_key, status, language, started_at, updated_at, completed_at)
           SELECT :roundId, 'large-' || i, iif(i % 11 = 0, 'partial', 'completed'), 'zh-Hant',
             :start + i * :step, :start + i * :step + 300000, iif(i % 11 = 0, NULL, :start + i * :step + 300000)
           FROM n`,
        )
        .run({ total: completed + Math.floor(completed / 10), roundId, start: LARGE_START, step: LARGE_STEP });
      // CROSS JOIN keeps responses outside and questions inside: rows arrive in primary key order.
      client
        .prepare(
          `INSERT INTO answers (response_id, question_id, value, score, skipped, answered_at)
           SELECT r.id, v.question_id, v.value, v.score, v.skipped, r.started_at
           FROM responses r CROSS JOIN gen_questions q CROSS JOIN gen_variants v
           WHERE r.round_id = ? AND (r.status = 'completed' OR q.k * 2 < (SELECT count(*) FROM gen_questions))
             AND v.id = q.k * 100 + (r.id * 7919 + q.k * 104729) % 1000003 % q.n`,
        )
        .run(roundId);
    })();
  } finally {
    client.pragma(`foreign_keys = ${foreignKeys ? 'ON' : 'OFF'}`);
    client.exec('DROP TABLE gen_variants; DROP TABLE gen_questions;');
  }
}
