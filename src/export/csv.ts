import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import { statement, type Db } from '../db/client.js';
import type { Round } from '../db/rounds.js';
import { flagNames, refreshSpeedFlags } from '../figures/quality.js';
import { exportResponseId } from '../privacy/pseudonym.js';
import type { Question } from '../questionnaire/schema.js';
import type { LeadingColumn } from '../texts/workbook.js';

/** Fixed leading columns of an export, before one column per question id. */
export const LEADING_COLUMNS = [
  'response_key',
  'status',
  'started_at',
  'completed_at',
  'language',
  'source',
  'flags',
] as const satisfies readonly LeadingColumn[];

/** Responses read per query: keeps memory flat on a large round and never holds a cursor across awaits. */
const PAGE_SIZE = 500;

export function exportColumns(round: Round): string[] {
  return [...LEADING_COLUMNS, ...round.questionnaire.questions.map((q) => q.id)];
}

/** A stored answer as an export cell: option values as they are, multi values joined by `;`, text as typed. */
function cell(question: Question | undefined, value: string | null, skipped: boolean): string {
  if (skipped || value === null || !question) return '';
  if (question.type === 'multi') return (JSON.parse(value) as string[]).join(';');
  return value;
}

interface ResponseRow {
  id: number;
  status: string;
  started_at: number;
  completed_at: number | null;
  language: string;
  source: string | null;
  flags: number;
}

/*
 * Prepared SQL, answers as raw arrays: an export reads every row of a round,
 * and on 100,000 responses making objects of 1.6 million answer rows was
 * most of its time. Pages walk the primary key (`+round_id` keeps SQLite off
 * the round's index, which would read and sort the whole round for each
 * page); a page's answers are read by the id range of its responses.
 */
const PAGE_SQL = `SELECT id, status, started_at, completed_at, language, source, flags
  FROM responses WHERE +round_id = ? AND id > ? ORDER BY id LIMIT ?`;
const ANSWERS_SQL = 'SELECT response_id, question_id, value, skipped FROM answers WHERE response_id BETWEEN ? AND ?';

/**
 * An instant in UTC to the minute (`2026-11-24T08:00Z`): with language and
 * source beside it, a start to the millisecond would single people out in a
 * small village.
 */
export const isoMinute = (ms: number) => `${new Date(ms).toISOString().slice(0, 16)}Z`;

/**
 * The export's rows, a page of responses at a time. A row's identifier is
 * not the respondent key the database finds a resident's response by, but
 * one derived from the row and `secret` (privacy/pseudonym.ts): the same in
 * every export of the round, and useless for finding anyone.
 */
export function* exportRows(db: Db, round: Round, secret: string): Generator<string[]> {
  const questions = round.questionnaire.questions;
  const byId = new Map(questions.map((q, i) => [q.id, { question: q, column: LEADING_COLUMNS.length + i }]));
  let after = 0;
  for (;;) {
    const page = statement(db, PAGE_SQL).all(round.id, after, PAGE_SIZE) as ResponseRow[];
    if (page.length === 0) return;
    const first = page[0]!.id;
    after = page.at(-1)!.id;
    const rows = new Map(
      page.map((r) => [
        r.id,
        [
          exportResponseId(secret, r.id),
          r.status,
          isoMinute(r.started_at),
          r.completed_at === null ? '' : isoMinute(r.completed_at),
          r.language,
          r.source ?? '',
          flagNames(r.flags).join(';'),
          ...questions.map(() => ''),
        ],
      ]),
    );
    const stored = statement(db, ANSWERS_SQL).raw(true).all(first, after) as [number, string, string | null, number][];
    for (const [responseId, questionId, value, skipped] of stored) {
      const target = byId.get(questionId);
      const row = rows.get(responseId);
      if (target && row) row[target.column] = cell(target.question, value, skipped === 1);
    }
    yield* rows.values();
  }
}

/** What a spreadsheet would take for the start of a formula (OWASP: CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * A cell a spreadsheet shows as text: one that begins like a formula gets a
 * leading apostrophe, so `=HYPERLINK(…)` typed by a resident is never run.
 */
export function neutralizeFormula(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}

/**
 * Writes a round's responses as CSV (UTF-8 with a byte-order mark, so Excel
 * opens Chinese text correctly) to `path`, streaming page by page.
 */
export async function writeRoundCsv(db: Db, round: Round, path: string, secret: string): Promise<number> {
  refreshSpeedFlags(db, [round.id]);
  const file = createWriteStream(path);
  const csv = stringify({ bom: true, header: true, columns: exportColumns(round) });
  csv.pipe(file);
  let count = 0;
  for (const row of exportRows(db, round, secret)) {
    count++;
    if (!csv.write(row.map(neutralizeFormula))) await once(csv, 'drain');
  }
  csv.end();
  await finished(file);
  return count;
}

export function exportFileName(round: Round, now: Date): string {
  return `manyi-round-${round.id}-${now.toISOString().slice(0, 10)}.csv`;
}
