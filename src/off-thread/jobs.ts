import type { Db } from '../db/client.js';
import { sourceCounts } from '../db/responses.js';
import { findPreviousClosedRound, findRound, latestRounds, roundsOpenDuring, type Round } from '../db/rounds.js';
import { gatherDigest } from '../digest/content.js';
import { WEEK_MS } from '../digest/schedule.js';
import { writeRoundWorkbook } from '../export/xlsx.js';
import { computeFunnel } from '../figures/funnel.js';
import type { Language } from '../questionnaire/languages.js';
import { renderPicture, type Picture } from '../render/pictures/draw.js';
import { renderPoster, type PosterInput } from '../render/pictures/poster.js';
import { gatherRoundReport, roundFigures, roundGroups } from '../reports/round-report.js';
import { gatherRoundThemes } from '../reports/themes.js';
import { gatherTrend, TREND_ROUNDS } from '../reports/trend-chart.js';

/*
 * The heavy work an admin asks for — whole-round figures, the /report
 * workbook, pictures — as plain functions of a database and structured-
 * cloneable input, so the same function runs in the figures worker (its own
 * read-only connection) or, for an in-memory database, in-process.
 */

export interface RoundJobInput {
  roundId: number;
  leaveOutFlagged: boolean;
}

export interface WorkbookJobInput extends RoundJobInput {
  /** The moment the report is of (the trend's last week). */
  now: Date;
  language: Language;
  timeZone: string;
  exportSecret: string;
  /** Where the .xlsx is written. */
  path: string;
}

function roundOf(db: Db, id: number): Round {
  const round = findRound(db, id);
  if (!round) throw new Error(`round ${id} not found`);
  return round;
}

/** PNG bytes cross the thread as a Uint8Array; a Buffer again on this side. */
const bytes = (png: Buffer): Uint8Array => new Uint8Array(png.buffer, png.byteOffset, png.byteLength);

export const JOBS = {
  roundFigures: async (db: Db, { roundId, leaveOutFlagged }: RoundJobInput) => roundFigures(db, roundOf(db, roundId), leaveOutFlagged),
  roundGroups: async (db: Db, { roundId, leaveOutFlagged }: RoundJobInput) => roundGroups(db, roundOf(db, roundId), leaveOutFlagged),
  roundReport: async (db: Db, { roundId, leaveOutFlagged }: RoundJobInput) => gatherRoundReport(db, roundOf(db, roundId), leaveOutFlagged),
  roundThemes: async (db: Db, { roundId, leaveOutFlagged }: RoundJobInput) => gatherRoundThemes(db, roundOf(db, roundId), leaveOutFlagged),
  funnel: async (db: Db, { roundId }: { roundId: number }) => {
    const round = roundOf(db, roundId);
    return computeFunnel(db, round.id, round.questionnaire);
  },
  trend: async (db: Db, { roundId, leaveOutFlagged, until }: RoundJobInput & { until: Date }) =>
    gatherTrend(db, roundOf(db, roundId), until, leaveOutFlagged),
  /** Gathers a round's report and trend and writes its workbook; returns the responses written. */
  reportWorkbook: async (db: Db, input: WorkbookJobInput) => {
    const round = roundOf(db, input.roundId);
    const report = await gatherRoundReport(db, round, input.leaveOutFlagged);
    const trend = await gatherTrend(db, round, input.now, input.leaveOutFlagged);
    const workbook = {
      report,
      trend,
      sources: sourceCounts(db, round.id),
      language: input.language,
      timeZone: input.timeZone,
      exportSecret: input.exportSecret,
      leaveOutFlagged: input.leaveOutFlagged,
    };
    return writeRoundWorkbook(db, workbook, input.path);
  },
  /** The weekly digest's figures for the week ending at `to`. */
  digest: async (db: Db, { to, leaveOutFlagged }: { to: Date; leaveOutFlagged: boolean }) => gatherDigest(db, to, leaveOutFlagged),
  picture: async (_db: Db, picture: Picture) => bytes(await renderPicture(picture)),
  poster: async (_db: Db, poster: PosterInput) => bytes(await renderPoster(poster)),
} as const;

export type Jobs = typeof JOBS;
export type JobName = keyof Jobs;
export type JobInput<K extends JobName> = Parameters<Jobs[K]>[1];
export type JobOutput<K extends JobName> = Awaited<ReturnType<Jobs[K]>>;

/**
 * The rounds a job may read, whose too-fast flags the writer refreshes before
 * the job runs (a read-only connection cannot): for a round, the round, the
 * closed one before it and the trend's; for a digest, the rounds of its two weeks.
 */
export function roundsRead(db: Db, input: unknown): number[] {
  const { roundId, to } = (input ?? {}) as { roundId?: unknown; to?: unknown };
  if (typeof roundId === 'number') {
    const ids = latestRounds(db, TREND_ROUNDS, roundId).map((round) => round.id);
    const previous = findPreviousClosedRound(db, roundId);
    return [...new Set([roundId, ...ids, ...(previous ? [previous.id] : [])])];
  }
  if (to instanceof Date) return roundsOpenDuring(db, new Date(to.getTime() - 2 * WEEK_MS), to).map((round) => round.id);
  return [];
}

/** Runs one job: the worker's and the in-process path alike. */
export function runJob<K extends JobName>(db: Db, job: K, input: JobInput<K>): Promise<JobOutput<K>> {
  const run = JOBS[job] as (db: Db, input: JobInput<K>) => Promise<JobOutput<K>>;
  return run(db, input);
}
