import { statement, type Db } from '../db/client.js';
import { scopeOf, type TimeWindow } from './figures.js';

/*
 * The texts themes are counted over: the answers to text questions of the
 * completed responses that count (window, quality filter, and the cut of an
 * open round, as every figure), one text per response — a response's
 * answers to several questions joined — read as a stream, a page at a time.
 */

const TEXTS_SQL = `
  SELECT r.id AS id, group_concat(a.value, char(10)) AS text
  FROM responses r CROSS JOIN answers a ON a.response_id = r.id
  WHERE +r.round_id IN (SELECT value FROM json_each(:rounds))
    AND +r.status = 'completed' AND r.completed_at >= :from AND r.completed_at < :to AND r.completed_at < :cut
    AND (:filter = 0 OR r.flags = 0)
    AND a.question_id IN (SELECT value FROM json_each(:questions))
    AND a.skipped = 0 AND a.value IS NOT NULL AND trim(a.value) <> ''
    AND r.id > :after AND r.id <= :last
  GROUP BY r.id
  ORDER BY r.id
  LIMIT :page`;

/*
 * The unary + keeps SQLite off the figures index for round and status, and
 * CROSS JOIN keeps responses outside: the pages are read by primary key from
 * where the last one stopped, within the round's id span, instead of sorting
 * the whole round again for every page.
 */
const SPAN_SQL = `SELECT min(id) AS first, max(id) AS last FROM responses WHERE round_id IN (SELECT value FROM json_each(:rounds))`;

/** Responses read per query. Pages, not one open cursor: the caller gives the event loop turns, and other statements must run meanwhile. */
const PAGE = 1_000;

export interface ThemeTextsInput {
  roundIds: readonly number[];
  /** The text questions read. */
  questionIds: readonly string[];
  window?: TimeWindow;
  leaveOutFlagged: boolean;
}

/** One text per counted response that answered any of the questions, in response order. */
export function* themeTexts(db: Db, input: ThemeTextsInput): Generator<string> {
  const { scope } = scopeOf(db, input);
  const span = statement(db, SPAN_SQL).get({ rounds: scope.rounds }) as { first: number | null; last: number | null };
  if (span.first === null || span.last === null) return;
  const params = { ...scope, questions: JSON.stringify(input.questionIds), page: PAGE, last: span.last };
  for (let after = span.first - 1; ; ) {
    const rows = statement(db, TEXTS_SQL).all({ ...params, after }) as { id: number; text: string }[];
    for (const row of rows) yield row.text;
    if (rows.length < PAGE) return;
    after = rows.at(-1)!.id;
  }
}
