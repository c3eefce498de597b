import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Db } from '../db/client.js';
import { findPreviousClosedRound, type Round } from '../db/rounds.js';
import { computeFigures, type RoundFigures } from '../figures/figures.js';
import { computeGroups, furthestBelow, groupQuestionOf, type GroupBreakdown, type GroupGap } from '../figures/groups.js';
import { computeFunnel, type Funnel } from '../figures/funnel.js';
import { refreshSpeedFlags } from '../figures/quality.js';
import { responsesBySource } from '../db/sources.js';
import { sourceFigures, type SourceFigures } from '../reach/sources.js';
import { coverageTargets } from '../db/targets.js';
import { computeCoverage, type Coverage } from '../figures/coverage.js';

/**
 * The figures of a whole round: every completed response, whenever it came.
 * Too-fast flags are brought up to date first, so the counts agree with the
 * export of the same moment.
 */
export function roundFigures(db: Db, round: Round, leaveOutFlagged: boolean): RoundFigures {
  refreshSpeedFlags(db, [round.id]);
  const { report } = round.questionnaire;
  return computeFigures(db, {
    roundIds: [round.id],
    questionnaire: round.questionnaire,
    respondentQuestion: report.respondent_question,
    improvementQuestion: report.improvement_question,
    leaveOutFlagged,
  });
}

/** What a round's final report and Excel report read. */
export interface RoundReport {
  round: Round;
  figures: RoundFigures;
  /** The closed round before it, to compare with (▲ ▼); null for the first. */
  previous: { round: Round; figures: RoundFigures } | null;
  /** Per respondent group; null when the questionnaire has no respondent question of one choice. */
  groups: GroupBreakdown | null;
  gaps: GroupGap[];
  /** Residents per deep-link tag; left out where a report does not show them. */
  sources?: SourceFigures[];
  /** Units against their coverage targets; left out where a report does not show them. */
  coverage?: Coverage;
  /** Where residents gave up; left out where a report does not show it. */
  funnel?: Funnel;
}

/** Gathers a round's report, giving the event loop a turn between the heavy steps. */
export async function gatherRoundReport(db: Db, round: Round, leaveOutFlagged: boolean): Promise<RoundReport> {
  const figures = roundFigures(db, round, leaveOutFlagged);
  await nextTurn();
  const before = findPreviousClosedRound(db, round.id);
  const previous = before ? { round: before, figures: roundFigures(db, before, leaveOutFlagged) } : null;
  await nextTurn();
  const groups = await roundGroups(db, round, leaveOutFlagged);
  await nextTurn();
  const bySource = responsesBySource(db, [round.id], { scores: true });
  const sources = sourceFigures(bySource);
  const coverage = computeCoverage(bySource, coverageTargets(db));
  await nextTurn();
  const funnel = computeFunnel(db, round.id, round.questionnaire);
  return { round, figures, previous, groups, gaps: groups ? furthestBelow(figures.indexes, groups) : [], sources, coverage, funnel };
}

/** A round's breakdown by respondent group; null when its questionnaire names no choice question for it. */
export async function roundGroups(db: Db, round: Round, leaveOutFlagged: boolean): Promise<GroupBreakdown | null> {
  const groupQuestion = groupQuestionOf(round.questionnaire);
  if (!groupQuestion) return null;
  return computeGroups(db, { roundIds: [round.id], questionnaire: round.questionnaire, leaveOutFlagged }, groupQuestion);
}
