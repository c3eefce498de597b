import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Db } from '../db/client.js';
import type { Round } from '../db/rounds.js';
import { computeFigures, type RoundFigures } from './figures.js';

/*
 * Trends: the indexes week by week since a round opened, and round over
 * round. A week's figures are those of the responses completed in it (not a
 * running total), so a change shows in the week it happens.
 */

export const WEEK_MS = 7 * 24 * 3600_000;
/** A round open for longer shows its latest weeks only. */
export const MAX_WEEKS = 53;

export interface TrendPoint {
  roundId: number;
  /** 1 for a round's first week; null for a whole round. */
  week: number | null;
  from: Date;
  to: Date;
  figures: RoundFigures;
}

export interface TrendOptions {
  /** Where an open round's last week ends (now, or a digest's time). */
  until: Date;
  leaveOutFlagged: boolean;
}

/**
 * The weeks of a round, as [from, to) windows of seven days from its opening,
 * up to the week of `until` (or of its closing, where the last week ends).
 */
export function roundWeeks(round: Pick<Round, 'openedAt' | 'closedAt'>, until: Date): { week: number; from: Date; to: Date }[] {
  const start = round.openedAt.getTime();
  const closed = round.closedAt?.getTime() ?? Number.MAX_SAFE_INTEGER;
  const end = Math.max(start, Math.min(closed, until.getTime()));
  // The week `end` falls in is the last, even when `end` is its first instant.
  const count = Math.floor((end - start) / WEEK_MS) + 1;
  const weeks = [];
  for (let k = Math.max(0, count - MAX_WEEKS); k < count; k++) {
    const from = start + k * WEEK_MS;
    const to = Math.min(from + WEEK_MS, closed);
    if (to > from || k === 0) weeks.push({ week: k + 1, from: new Date(from), to: new Date(to) });
  }
  return weeks;
}

/**
 * The scale figures of each week of a round. Each week is one query set; the
 * event loop gets a turn between weeks, so residents are not kept waiting
 * while a long round is read.
 */
export async function weeklyTrend(db: Db, round: Round, options: TrendOptions): Promise<TrendPoint[]> {
  const points: TrendPoint[] = [];
  for (const { week, from, to } of roundWeeks(round, options.until)) {
    const figures = computeFigures(db, {
      roundIds: [round.id],
      questionnaire: round.questionnaire,
      window: { from, to },
      leaveOutFlagged: options.leaveOutFlagged,
      scaleOnly: true,
    });
    points.push({ roundId: round.id, week, from, to, figures });
    await nextTurn();
  }
  return points;
}

/** The scale figures of each whole round, oldest first. */
export async function roundTrend(db: Db, rounds: readonly Round[], leaveOutFlagged: boolean): Promise<TrendPoint[]> {
  const points: TrendPoint[] = [];
  for (const round of [...rounds].sort((a, b) => a.id - b.id)) {
    const figures = computeFigures(db, {
      roundIds: [round.id],
      questionnaire: round.questionnaire,
      leaveOutFlagged,
      scaleOnly: true,
    });
    points.push({ roundId: round.id, week: null, from: round.openedAt, to: round.closedAt ?? round.openedAt, figures });
    await nextTurn();
  }
  return points;
}
