import { statement, type Db } from './client.js';

/** Figures move in steps of this many completed responses while a round is open. */
export const FIGURES_STEP = 5;

/*
 * No differencing: while a round is open, its figures count its completed
 * responses only up to the last multiple of FIGURES_STEP, in completion
 * order. Asking before and after one resident submits then shows the same
 * figures, so the difference cannot be that resident's answers. The cut is
 * the completion time of the first response past that multiple.
 */
const CUT_SQL = `
  WITH done AS (
    SELECT completed_at FROM responses
    WHERE round_id IN (SELECT id FROM rounds WHERE closed_at IS NULL AND id IN (SELECT value FROM json_each(:rounds)))
      AND status = 'completed')
  SELECT (SELECT count(*) FROM done) AS completed,
    (SELECT completed_at FROM done ORDER BY completed_at LIMIT 1 OFFSET :offset) AS cut`;

/**
 * Where the figures of the given rounds stop counting completions
 * (Number.MAX_SAFE_INTEGER when no open round is among them, or its
 * completions are a multiple of FIGURES_STEP), and how many completed
 * responses that holds back. Every figure query applies it: those of
 * figures/ through their scope, the counts per source here in db/.
 */
export function figuresCut(db: Db, roundIds: readonly number[]): { cut: number; held: number } {
  const rounds = JSON.stringify(roundIds);
  const { completed } = statement(db, CUT_SQL).get({ rounds, offset: 0 }) as { completed: number };
  const held = completed % FIGURES_STEP;
  if (held === 0) return { cut: Number.MAX_SAFE_INTEGER, held: 0 };
  const { cut } = statement(db, CUT_SQL).get({ rounds, offset: completed - held }) as { cut: number };
  return { cut, held };
}

/**
 * How many of the responses the cut holds back were completed in [from, to):
 * a week's figures say what they leave out of that week, not of the round.
 */
export function heldWithin(db: Db, roundIds: readonly number[], cut: number, from: number, to: number): number {
  const row = statement(
    db,
    `SELECT count(*) AS held FROM responses
     WHERE round_id IN (SELECT value FROM json_each(:rounds)) AND status = 'completed'
       AND completed_at >= :cut AND completed_at >= :from AND completed_at < :to`,
  ).get({ rounds: JSON.stringify(roundIds), cut, from, to }) as { held: number };
  return row.held;
}
