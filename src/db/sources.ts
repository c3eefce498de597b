import { statement, type Db } from './client.js';
import { figuresCut } from './figures-cut.js';

/** What one deep-link tag (null: no tag) brought to a round, as counted in SQL. */
export interface SourceRow {
  source: string | null;
  started: number;
  completed: number;
  /** Completed responses with at least one scale answer other than 不了解 (0 unless scores were asked for). */
  scored: number;
  /** Mean score of those answers, pooled (0–100); null when there are none or scores were not asked for. */
  mean: number | null;
  /**
   * Sums over those responses of each one's score total t and score count c:
   * Σt, Σc, Σt², Σt·c, Σc², enough for the pooled index's margin with each
   * respondent's answers taken together (figures/intervals.ts pooledEstimate).
   */
  moments: { sum: number; count: number; sumSum: number; sumCount: number; countCount: number } | null;
}

/** Half-open [from, to) in epoch ms: `started` counts starts in it, the rest completions. */
export interface SourceWindow {
  from: number;
  to: number;
}

const ALL_TIME: SourceWindow = { from: Number.MIN_SAFE_INTEGER, to: Number.MAX_SAFE_INTEGER };

const IN_ROUNDS = 'round_id IN (SELECT value FROM json_each(:rounds))';
const COMPLETED_IN_WINDOW = `status = 'completed' AND completed_at >= :from AND completed_at < :to`;
/** Scores are figures: of an open round, only those completed before its cut count (figures-cut.ts). Counts are exact. */
const SCORED_IN_WINDOW = `${COMPLETED_IN_WINDOW} AND completed_at < :cut`;

/** Counts from the responses alone (the figures index covers them). */
const COUNTS_SQL = `
  SELECT source,
    count(*) FILTER (WHERE started_at >= :from AND started_at < :to) AS started,
    count(*) FILTER (WHERE ${COMPLETED_IN_WINDOW}) AS completed
  FROM responses WHERE ${IN_ROUNDS}
  GROUP BY source`;

/**
 * The scale answers (the only ones with a score) of the completed responses,
 * summed per response over the id range of the round's responses, read in
 * primary-key order, then per source: about a second for 100,000 responses.
 */
const SCORES_SQL = `
  WITH span AS (SELECT min(id) AS lo, max(id) AS hi FROM responses WHERE ${IN_ROUNDS} AND ${SCORED_IN_WINDOW}),
  per_response AS (
    SELECT a.response_id AS id, sum(a.score) AS total, count(*) AS n
    FROM answers a, span
    WHERE a.response_id BETWEEN span.lo AND span.hi AND a.score IS NOT NULL
    GROUP BY a.response_id)
  SELECT r.source AS source, count(*) AS scored, sum(s.total) * 1.0 / sum(s.n) AS mean,
    sum(s.total) AS sum, sum(s.n) AS count, sum(s.total * s.total) AS sumSum,
    sum(s.total * s.n) AS sumCount, sum(s.n * s.n) AS countCount
  FROM responses r JOIN per_response s ON s.id = r.id
  WHERE r.${IN_ROUNDS} AND r.${SCORED_IN_WINDOW}
  GROUP BY r.source`;

/**
 * Responses per deep-link tag of the given rounds: started and completed
 * (within `window`, else ever) and, with `scores`, the pooled score of the
 * completed ones (a second, heavier query). Sources with nothing in the
 * window are left out.
 */
export function responsesBySource(
  db: Db,
  roundIds: readonly number[],
  options: { window?: SourceWindow; scores?: boolean } = {},
): SourceRow[] {
  const params = { rounds: JSON.stringify(roundIds), ...(options.window ?? ALL_TIME) };
  const counts = statement(db, COUNTS_SQL).all(params) as { source: string | null; started: number; completed: number }[];
  type ScoreRow = { source: string | null; scored: number; mean: number | null } & NonNullable<SourceRow['moments']>;
  const scores = new Map<string | null, ScoreRow>();
  if (options.scores) {
    for (const row of statement(db, SCORES_SQL).all({ ...params, cut: figuresCut(db, roundIds).cut }) as ScoreRow[]) {
      scores.set(row.source, row);
    }
  }
  return counts
    .filter((row) => row.started > 0 || row.completed > 0)
    .map((row) => {
      const scored = scores.get(row.source);
      return {
        ...row,
        scored: scored?.scored ?? 0,
        mean: scored?.mean ?? null,
        moments: scored ? { sum: scored.sum, count: scored.count, sumSum: scored.sumSum, sumCount: scored.sumCount, countCount: scored.countCount } : null,
      };
    });
}
