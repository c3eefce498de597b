import type Database from 'better-sqlite3';
import type { Db } from '../db/client.js';
import { QUALITY_FLAGS } from '../db/schema.js';

/*
 * The aggregate queries behind the figures. Every statement returns counts,
 * never answer rows. They are written for a large round (100,000 responses ×
 * 16 answers), where SQLite's GROUP BY sorter and per-answer index searches
 * cost the most, so:
 *
 * - Counts of responses come from `responses_figures` (round_id, status,
 *   completed_at, started_at) alone.
 * - Answers are counted on `answers_figures` (question_id, value, response_id,
 *   …): one index range per (question, value) pair, limited to the id range of
 *   the responses that count. Each range is read in index order (no sort), and
 *   the work follows the size of the round, not of the whole history.
 * - Inside that id range, an answer's response is checked against a small
 *   set (see `Check`), or not at all when every response of the range counts.
 * - Lists (rounds, questions, pairs) are passed as JSON and read with
 *   json_each, so each statement is prepared once per database.
 */

/** Far ends of the time line, for a window without `from` or `to` (timestamps are integer ms). */
export const TIME_MIN = Number.MIN_SAFE_INTEGER;
export const TIME_MAX = Number.MAX_SAFE_INTEGER;

export interface Scope {
  /** JSON array of round ids. */
  rounds: string;
  /** Half-open [from, to) in integer milliseconds. */
  from: number;
  to: number;
  /** 1: responses flagged for quality do not count (QUALITY_FILTER=on). */
  filter: 0 | 1;
  /** Completions from this instant on do not count yet (db/figures-cut.ts); TIME_MAX for none. */
  cut: number;
}

/** Completed within the window, and before the cut of an open round. */
const IN_WINDOW = `status = 'completed' AND completed_at >= :from AND completed_at < :to AND completed_at < :cut`;

/** Not left out for its quality flags. */
const TRUSTED = `(:filter = 0 OR flags = 0)`;

/** A response counts for the figures when completed within the window, in one of the rounds, and trusted. */
const COUNTS_FOR_FIGURES = `round_id IN (SELECT value FROM json_each(:rounds)) AND ${IN_WINDOW} AND ${TRUSTED}`;

const COUNTS_SQL = `
  SELECT
    count(*) FILTER (WHERE started_at >= :from AND started_at < :to) AS started,
    count(*) FILTER (WHERE started_at >= :from AND started_at < :to
                       AND status = 'completed' AND completed_at < :to) AS startedCompleted,
    count(*) FILTER (WHERE ${IN_WINDOW}) AS completed,
    count(*) FILTER (WHERE ${IN_WINDOW} AND ${TRUSTED}) AS counted,
    count(*) FILTER (WHERE ${IN_WINDOW} AND flags & ${QUALITY_FLAGS.tooFast}) AS tooFast,
    count(*) FILTER (WHERE ${IN_WINDOW} AND flags & ${QUALITY_FLAGS.straightLine}) AS straightLine,
    count(*) FILTER (WHERE ${IN_WINDOW} AND flags <> 0) AS flagged,
    count(*) FILTER (WHERE status = 'completed' AND completed_at < :to) AS totalCompleted,
    min(id) FILTER (WHERE ${IN_WINDOW} AND ${TRUSTED}) AS firstId,
    max(id) FILTER (WHERE ${IN_WINDOW} AND ${TRUSTED}) AS lastId
  FROM responses
  WHERE round_id IN (SELECT value FROM json_each(:rounds))`;

/** How many responses count, up to :limit (enough to apply the five-respondent rule). */
const COUNTED_UP_TO_SQL = `
  SELECT count(*) AS n FROM (SELECT 1 FROM responses WHERE ${COUNTS_FOR_FIGURES} LIMIT :limit)`;

/** Responses with an id in the range of those that count, counting or not. */
const RANGE_SQL = `SELECT count(*) AS n FROM responses WHERE id BETWEEN :firstId AND :lastId`;

/**
 * Answers are read by the id range of the responses that count; whether an
 * answer's response counts is then checked against the smaller of two sets,
 * materialized once per statement: `excluded`, the responses of the range that
 * do not count (partial ones: completed_at is null, hence the ifnull), or
 * `included`, those that do. SQLite checks a Bloom filter of the set before
 * its automatic index, so an answer whose response is not in the set costs
 * little. With nothing excluded (:whole) there is no check at all.
 */
export type Check = 'excluded' | 'included';

function checkedSet(check: Check): string {
  return check === 'excluded'
    ? `excluded AS MATERIALIZED (
         SELECT id FROM responses
         WHERE id BETWEEN :firstId AND :lastId AND ifnull(${COUNTS_FOR_FIGURES}, 0) = 0)`
    : `included AS MATERIALIZED (SELECT id FROM responses WHERE ${COUNTS_FOR_FIGURES})`;
}

function counted(check: Check): string {
  return check === 'excluded'
    ? `(:whole OR NOT EXISTS (SELECT 1 FROM excluded x WHERE x.id = a.response_id))`
    : `EXISTS (SELECT 1 FROM included i WHERE i.id = a.response_id)`;
}

/*
 * One row per (question, value) pair of the scale and choice questions: how
 * many answers have that value, and their score (a value has one score; null
 * for 不了解 and for choice options). A correlated subquery per pair keeps the
 * scan in index order and the work per answer to a minimum: no sort, and no
 * `skipped` test (a skipped answer has no value, so it matches no pair).
 */
const pairsSql = (check: Check) => `
  WITH ${checkedSet(check)}
  SELECT p.value ->> 0 AS questionId, p.value ->> 1 AS value,
    (SELECT json_array(count(*), max(a.score))
     FROM answers a
     WHERE a.question_id = p.value ->> 0 AND a.value = p.value ->> 1
       AND a.response_id BETWEEN :firstId AND :lastId AND ${counted(check)}) AS stats
  FROM json_each(:pairs) p`;

/*
 * Multi questions store a JSON array of option values (in questionnaire order),
 * so the distinct stored arrays of each question are listed first, one index
 * seek each (a skip scan), then counted like pairs, then split with json_each.
 * Rows with a null option give the respondents of each question.
 */
const multiSql = (check: Check) => `
  WITH RECURSIVE ${checkedSet(check)},
  stored(questionId, value) AS (
    SELECT q.value,
      (SELECT min(a.value) FROM answers a WHERE a.question_id = q.value AND a.value IS NOT NULL)
    FROM json_each(:questions) q
    UNION ALL
    SELECT s.questionId,
      (SELECT min(a.value) FROM answers a WHERE a.question_id = s.questionId AND a.value > s.value)
    FROM stored s WHERE s.value IS NOT NULL
  ),
  counts AS MATERIALIZED (
    SELECT s.questionId, s.value,
      (SELECT count(*) FROM answers a
       WHERE a.question_id = s.questionId AND a.value = s.value
         AND a.response_id BETWEEN :firstId AND :lastId AND ${counted(check)}) AS n
    FROM stored s WHERE s.value IS NOT NULL
  )
  SELECT questionId, NULL AS option, sum(n) AS n FROM counts GROUP BY questionId
  UNION ALL
  SELECT c.questionId, j.value AS option, sum(c.n) AS n
  FROM counts c, json_each(c.value) j
  WHERE c.n > 0 AND json_valid(c.value)
  GROUP BY c.questionId, j.value`;

/*
 * Distinct respondents behind a group of scale questions (a dimension that
 * pools several): [gave an answer, gave an answer that is not 不了解]. One
 * primary-key search per response and question, so it runs only for such groups.
 */
const RESPONDENT_COUNTS = `
    count(*) FILTER (WHERE EXISTS (
      SELECT 1 FROM answers a WHERE a.response_id = r.id AND a.skipped = 0
        AND a.question_id IN (SELECT value FROM json_each(:questions)))) AS answered,
    count(*) FILTER (WHERE EXISTS (
      SELECT 1 FROM answers a WHERE a.response_id = r.id AND a.score IS NOT NULL
        AND a.question_id IN (SELECT value FROM json_each(:questions)))) AS known`;

const RESPONDENTS_SQL = `SELECT ${RESPONDENT_COUNTS} FROM responses r WHERE ${COUNTS_FOR_FIGURES}`;

/*
 * Groups (the answer of each counted response to a choice question, such as
 * the kind of respondent) are joined to answers in JavaScript, not in SQL:
 * joining each of a large round's 900,000 scale answers to its response's
 * group through an automatic index took seconds, a Map lookup takes
 * nanoseconds. So these two statements return rows, not counts: the group of
 * each counted response, and one question's answers from the covering index.
 */
const groupMembersSql = (check: Check) => `
  WITH ${checkedSet(check)}
  SELECT a.response_id, a.value FROM answers a
  WHERE a.question_id = :groupQuestion AND a.value IS NOT NULL
    AND a.response_id BETWEEN :firstId AND :lastId AND ${counted(check)}`;

const QUESTION_ANSWERS_SQL = `
  SELECT value, response_id FROM answers
  WHERE question_id = :questionId AND value IS NOT NULL AND response_id BETWEEN :firstId AND :lastId`;

/** RESPONDENTS_SQL per group, for the dimensions that pool several questions. */
const GROUP_RESPONDENTS_SQL = `
  SELECT g.value AS grp, ${RESPONDENT_COUNTS}
  FROM responses r JOIN answers g ON g.response_id = r.id AND g.question_id = :groupQuestion
  WHERE ${COUNTS_FOR_FIGURES} AND g.value IS NOT NULL
  GROUP BY g.value`;

/*
 * For the margins' per-respondent pass (figures/margins.ts): one question's
 * answers in the id range as a few rows, one per value, each with the JSON
 * array of its response ids, and the ids of the responses that count as one
 * JSON array. On 110,000 answers JSON.parse of six arrays takes about 15 ms
 * where one row object per answer took over 150, and checking each answer
 * against the responses that count in SQL took 100.
 */
const QUESTION_ANSWER_IDS_SQL = `
  SELECT value, json_group_array(response_id) FROM answers
  WHERE question_id = :questionId AND value IS NOT NULL AND response_id BETWEEN :firstId AND :lastId
  GROUP BY value`;

const COUNTED_IDS_SQL = `SELECT json_group_array(id) FROM responses WHERE ${COUNTS_FOR_FIGURES}`;

const SUGGESTIONS_SQL = `
  SELECT a.value AS text
  FROM responses r JOIN answers a ON a.response_id = r.id AND a.question_id = :questionId
  WHERE r.round_id IN (SELECT value FROM json_each(:rounds))
    AND r.status = 'completed' AND r.completed_at >= :from AND r.completed_at < :to AND r.completed_at < :cut
    AND (:filter = 0 OR r.flags = 0) AND a.skipped = 0 AND a.value IS NOT NULL AND trim(a.value) <> ''
  ORDER BY r.completed_at DESC, r.id DESC
  LIMIT :limit`;

interface Statements {
  counts: Database.Statement;
  countedUpTo: Database.Statement;
  range: Database.Statement;
  pairs: Record<Check, Database.Statement>;
  multi: Record<Check, Database.Statement>;
  respondents: Database.Statement;
  groupMembers: Record<Check, Database.Statement>;
  questionAnswers: Database.Statement;
  groupRespondents: Database.Statement;
  suggestions: Database.Statement;
  questionAnswerIds: Database.Statement;
  countedIds: Database.Statement;
}

// Prepared once per connection; the WeakMap lets a closed database be collected.
const cache = new WeakMap<Database.Database, Statements>();

function statements(db: Db): Statements {
  const client = db.$client;
  let prepared = cache.get(client);
  if (!prepared) {
    prepared = {
      counts: client.prepare(COUNTS_SQL),
      countedUpTo: client.prepare(COUNTED_UP_TO_SQL),
      range: client.prepare(RANGE_SQL),
      pairs: {
        excluded: client.prepare(pairsSql('excluded')),
        included: client.prepare(pairsSql('included')),
      },
      multi: {
        excluded: client.prepare(multiSql('excluded')),
        included: client.prepare(multiSql('included')),
      },
      respondents: client.prepare(RESPONDENTS_SQL),
      groupMembers: {
        excluded: client.prepare(groupMembersSql('excluded')),
        included: client.prepare(groupMembersSql('included')),
      },
      questionAnswers: client.prepare(QUESTION_ANSWERS_SQL),
      groupRespondents: client.prepare(GROUP_RESPONDENTS_SQL),
      suggestions: client.prepare(SUGGESTIONS_SQL),
      questionAnswerIds: client.prepare(QUESTION_ANSWER_IDS_SQL).raw(true),
      countedIds: client.prepare(COUNTED_IDS_SQL).pluck(true),
    };
    cache.set(client, prepared);
  }
  return prepared;
}

export interface CountsRow {
  started: number;
  startedCompleted: number;
  completed: number;
  /** Completed within the window and not left out for quality. */
  counted: number;
  /** Completed within the window with each flag, and with any. */
  tooFast: number;
  straightLine: number;
  flagged: number;
  totalCompleted: number;
  /** Id range of the responses that count; null when none does. */
  firstId: number | null;
  lastId: number | null;
}

export function queryCounts(db: Db, scope: Scope): CountsRow {
  return statements(db).counts.get(scope) as CountsRow;
}

/** How many responses count, stopping at `limit`. */
export function queryCountedUpTo(db: Db, scope: Scope, limit: number): number {
  return (statements(db).countedUpTo.get({ ...scope, limit }) as { n: number }).n;
}

/** Where the answers that count are read: an id range of responses, and how they are checked. */
export interface AnswerRange {
  firstId: number;
  lastId: number;
  check: Check;
  /** Every response of the range counts: no check. */
  whole: boolean;
}

/** The answer range for the counted responses; null when none counts. */
export function answerRange(db: Db, counts: CountsRow): AnswerRange | null {
  const { firstId, lastId } = counts;
  if (firstId === null || lastId === null) return null;
  const { n } = statements(db).range.get({ firstId, lastId }) as { n: number };
  const excluded = n - counts.counted;
  const check = excluded <= counts.counted ? 'excluded' : 'included';
  return { firstId, lastId, check, whole: excluded === 0 };
}

const rangeParams = (range: AnswerRange) => ({
  firstId: range.firstId,
  lastId: range.lastId,
  ...(range.check === 'excluded' ? { whole: range.whole ? 1 : 0 } : {}),
});

export interface PairStats {
  questionId: string;
  value: string;
  /** Answers with this value. */
  answers: number;
  /** Their score: null for 不了解, for choice options, and when there are no answers. */
  score: number | null;
}

/** Per (question, value) pair: answers from the responses that count. */
export function queryPairs(
  db: Db,
  scope: Scope,
  range: AnswerRange,
  pairs: readonly (readonly [string, string])[],
): PairStats[] {
  if (pairs.length === 0) return [];
  const rows = statements(db).pairs[range.check].all({
    ...scope,
    ...rangeParams(range),
    pairs: JSON.stringify(pairs),
  }) as { questionId: string; value: string; stats: string }[];
  return rows.map((row) => {
    const [answers, score] = JSON.parse(row.stats) as [number, number | null];
    return { questionId: row.questionId, value: row.value, answers, score };
  });
}

export interface MultiRow {
  questionId: string;
  /** null: the row counts the question's respondents. */
  option: string | null;
  n: number;
}

/** Per multi question and option: respondents who chose it; option null: all its respondents. */
export function queryMulti(
  db: Db,
  scope: Scope,
  range: AnswerRange,
  questionIds: readonly string[],
): MultiRow[] {
  if (questionIds.length === 0) return [];
  return statements(db).multi[range.check].all({
    ...scope,
    ...rangeParams(range),
    questions: JSON.stringify(questionIds),
  }) as MultiRow[];
}

export interface RespondentsRow {
  answered: number;
  known: number;
}

/** Distinct respondents who answered any of the given scale questions. */
export function queryRespondents(
  db: Db,
  scope: Scope,
  questionIds: readonly string[],
): RespondentsRow {
  const questions = JSON.stringify(questionIds);
  return statements(db).respondents.get({ ...scope, questions }) as RespondentsRow;
}

/** The group of each counted response of the range: its answer to `groupQuestion`, by response id. */
export function queryGroupMembers(db: Db, scope: Scope, range: AnswerRange, groupQuestion: string): Map<number, string> {
  const rows = statements(db).groupMembers[range.check].raw(true).iterate({ ...scope, ...rangeParams(range), groupQuestion });
  return new Map(rows as Iterable<[number, string]>);
}

/** One question's answers in the range, counting or not: [value, response id]. */
export function queryAnswerValues(db: Db, range: AnswerRange, questionId: string): Iterable<[string, number]> {
  const { firstId, lastId } = range;
  return statements(db).questionAnswers.raw(true).iterate({ questionId, firstId, lastId }) as Iterable<[string, number]>;
}

/** One question's answers in the range, counting or not, by value: [value, response ids]. */
export function* queryAnswerIdsByValue(db: Db, range: AnswerRange, questionId: string): Generator<[string, number[]]> {
  const { firstId, lastId } = range;
  const rows = statements(db).questionAnswerIds.iterate({ questionId, firstId, lastId });
  for (const [value, ids] of rows as Iterable<[string, string]>) yield [value, JSON.parse(ids) as number[]];
}

/** Ids of the responses that count in `scope`. */
export function queryCountedIds(db: Db, scope: Scope): number[] {
  return JSON.parse(statements(db).countedIds.get(scope) as string) as number[];
}

/** queryRespondents per group of the group question. */
export function queryGroupRespondents(
  db: Db,
  scope: Scope,
  groupQuestion: string,
  questionIds: readonly string[],
): Map<string, RespondentsRow> {
  const rows = statements(db).groupRespondents.all({
    ...scope,
    groupQuestion,
    questions: JSON.stringify(questionIds),
  }) as ({ grp: string } & RespondentsRow)[];
  return new Map(rows.map(({ grp, answered, known }) => [grp, { answered, known }]));
}

export function querySuggestions(
  db: Db,
  scope: Scope,
  questionId: string,
  limit: number,
): string[] {
  const rows = statements(db).suggestions.all({ ...scope, questionId, limit }) as {
    text: string;
  }[];
  return rows.map((row) => row.text);
}
