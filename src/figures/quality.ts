import { inTransaction, statement, type Db } from '../db/client.js';
import { QUALITY_FLAGS } from '../db/schema.js';
import type { Answers } from '../questionnaire/engine.js';
import type { Questionnaire } from '../questionnaire/schema.js';

/*
 * Responses whose numbers are hard to trust: clicked through far faster than
 * others took (too fast), or the same option on every scale question (a
 * straight line). They are flagged, kept, and left out of the indexes unless
 * QUALITY_FILTER=off.
 */

/** Too fast is judged only against a median of at least this many completed responses. */
export const MIN_COMPLETED_FOR_SPEED = 20;
/** Under this share of the round's median total time is too fast. */
export const TOO_FAST_SHARE = 1 / 3;
/** A straight line needs at least this many scale answers (fewer alike can be honest). */
export const MIN_SCALE_ANSWERS_FOR_STRAIGHT_LINE = 6;

export type FlagName = 'too_fast' | 'straight_line';

/** The flags a response has as soon as it is submitted: a straight line can be told from its own answers. */
export function flagsAtSubmit(questionnaire: Questionnaire, answers: Answers): number {
  const values = questionnaire.questions.flatMap((q) => {
    const answer = q.type === 'scale' ? answers.get(q.id) : undefined;
    return answer?.kind === 'option' ? [answer.value] : [];
  });
  const straight = values.length >= MIN_SCALE_ANSWERS_FOR_STRAIGHT_LINE && new Set(values).size === 1;
  return straight ? QUALITY_FLAGS.straightLine : 0;
}

/** Flag bits as the export writes them. */
export function flagNames(flags: number): FlagName[] {
  const names: FlagName[] = [];
  if (flags & QUALITY_FLAGS.tooFast) names.push('too_fast');
  if (flags & QUALITY_FLAGS.straightLine) names.push('straight_line');
  return names;
}

/** Count and median total time (ms) of a round's completed responses. */
const MEDIAN_SQL = `
  WITH d AS (SELECT completed_at - started_at AS t FROM responses WHERE round_id = :round AND status = 'completed')
  SELECT (SELECT count(*) FROM d) AS n,
    (SELECT avg(t) FROM (SELECT t FROM d ORDER BY t
       LIMIT 2 - (SELECT count(*) FROM d) % 2 OFFSET ((SELECT count(*) FROM d) - 1) / 2)) AS median`;

const TOO_FAST = `coalesce(completed_at - started_at < :threshold, 0)`;

/** Sets or clears the too-fast bit wherever it is wrong; rows already right are not written. */
const REFLAG_SQL = `
  UPDATE responses SET flags = (flags & ~${QUALITY_FLAGS.tooFast}) | ${TOO_FAST}
  WHERE round_id = :round AND status = 'completed' AND (flags & ${QUALITY_FLAGS.tooFast}) <> ${TOO_FAST}`;

/**
 * Brings the too-fast flags of the rounds up to date with each round's median
 * total time, which moves as responses come in: called before anything reads
 * flags (figures, exports), so every report of a moment agrees.
 */
export function refreshSpeedFlags(db: Db, roundIds: readonly number[]): void {
  // The figures worker's read-only connection reads the flags the writer refreshed just before (off-thread/).
  if (db.$client.readonly) return;
  for (const round of roundIds) {
    inTransaction(db, () => {
      const { n, median } = statement(db, MEDIAN_SQL).get({ round }) as { n: number; median: number | null };
      const threshold = n >= MIN_COMPLETED_FOR_SPEED && median !== null ? median * TOO_FAST_SHARE : null;
      statement(db, REFLAG_SQL).run({ round, threshold });
    });
  }
}
