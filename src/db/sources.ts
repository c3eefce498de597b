import { statement, type Db } from './client.js';

/** What one deep-link tag (null: no tag) brought to a round, as counted in SQL. */
export interface SourceRow {
  source: string | null;
  started: number;
  completed: number;
  /** Completed responses with at least one scale answer other than 不了解. */
  scored: number;
  /** Mean of those answers' scores (0–100); null when there are none. */
  mean: number | null;
}

/** Half-open [from, to) in epoch ms: `started` counts starts in it, the rest completions. */
export interface SourceWindow {
  from: number;
  to: number;
}

const ALL_TIME: SourceWindow = { from: Number.MIN_SAFE_INTEGER, to: Number.MAX_SAFE_INTEGER };

const BY_SOURCE_SQL = `
  SELECT r.source AS source,
    count(*) FILTER (WHERE r.started_at >= :from AND r.started_at < :to) AS started,
    count(*) FILTER (WHERE r.status = 'completed' AND r.completed_at >= :from AND r.completed_at < :to) AS completed,
    count(s.mean) FILTER (WHERE r.status = 'completed' AND r.completed_at >= :from AND r.completed_at < :to) AS scored,
    sum(s.total) FILTER (WHERE r.status = 'completed' AND r.completed_at >= :from AND r.completed_at < :to) * 1.0 /
      sum(s.answers) FILTER (WHERE r.status = 'completed' AND r.completed_at >= :from AND r.completed_at < :to) AS mean
  FROM responses r
  LEFT JOIN (
    SELECT response_id, sum(score) AS total, count(*) AS answers, avg(score) AS mean
    FROM answers WHERE score IS NOT NULL
      AND response_id IN (SELECT id FROM responses WHERE round_id IN (SELECT value FROM json_each(:rounds)))
    GROUP BY response_id
  ) s ON s.response_id = r.id
  WHERE r.round_id IN (SELECT value FROM json_each(:rounds))
  GROUP BY r.source`;

/**
 * Responses per deep-link tag of the given rounds: started and completed
 * (within `window`, else ever) and the pooled score of the completed ones.
 * Sources with nothing in the window are left out.
 */
export function responsesBySource(db: Db, roundIds: readonly number[], window: SourceWindow = ALL_TIME): SourceRow[] {
  const rows = statement(db, BY_SOURCE_SQL).all({ rounds: JSON.stringify(roundIds), ...window }) as SourceRow[];
  return rows.filter((row) => row.started > 0 || row.completed > 0);
}
