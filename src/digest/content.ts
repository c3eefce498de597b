import type { Db } from '../db/client.js';
import { roundsOpenDuring, type Round } from '../db/rounds.js';
import { responsesBySource } from '../db/sources.js';
import { computeFigures, recentSuggestions, type RoundFigures } from '../figures/figures.js';
import { computeGroups, furthestBelow, groupQuestionOf, type GroupGap } from '../figures/groups.js';
import { refreshSpeedFlags } from '../figures/quality.js';
import { weeklyTrend, type TrendPoint } from '../figures/trends.js';
import type { Questionnaire } from '../questionnaire/schema.js';
import { sourceFigures, type SourceFigures } from '../reach/sources.js';
import { gatherCoverage } from '../reach/coverage.js';
import type { Coverage } from '../figures/coverage.js';
import type { ThemeCount } from '../figures/themes.js';
import { gatherThemesOf } from '../reports/themes.js';
import { WEEK_MS } from './schedule.js';

/** What a digest reports on: the seven days up to `to`, compared with the seven before. */
export interface DigestData {
  from: Date;
  to: Date;
  rounds: Pick<Round, 'id' | 'title'>[];
  /** The questionnaire of the latest round covered; null when no round was open. */
  questionnaire: Questionnaire | null;
  figures: RoundFigures | null;
  previous: RoundFigures | null;
  suggestions: string[];
  /** Per headline index, the respondent group of the week furthest below it. */
  gaps: GroupGap[];
  /** The headline indexes week by week since the latest round opened. */
  trend: TrendPoint[];
  /** Responses started and completed this week per deep-link tag. */
  sources: SourceFigures[];
  /** The latest round's units against their targets (whole round, not the week); null without a round. */
  coverage?: Coverage | null;
  /** The terms residents wrote most this week, over the week's completed responses. */
  themes?: ThemeCount | null;
}

export const SUGGESTIONS_SHOWN = 3;

/**
 * Gathers a digest's figures for the week ending at `to` (the scheduled time,
 * or now); `leaveOutFlagged` is QUALITY_FILTER.
 */
export async function gatherDigest(db: Db, to: Date, leaveOutFlagged: boolean): Promise<DigestData> {
  const from = new Date(to.getTime() - WEEK_MS);
  const previousFrom = new Date(from.getTime() - WEEK_MS);
  const rounds = roundsOpenDuring(db, from, to);
  const latest = rounds.at(-1);
  if (!latest) {
    return { from, to, rounds: [], questionnaire: null, figures: null, previous: null, suggestions: [], gaps: [], trend: [], sources: [] };
  }
  const questionnaire = latest.questionnaire;
  const figuresOf = (roundIds: number[], windowFrom: Date, windowTo: Date) =>
    computeFigures(db, {
      roundIds,
      questionnaire,
      window: { from: windowFrom, to: windowTo },
      respondentQuestion: questionnaire.report.respondent_question,
      improvementQuestion: questionnaire.report.improvement_question,
      leaveOutFlagged,
    });
  const roundIds = rounds.map((round) => round.id);
  const previousRounds = roundsOpenDuring(db, previousFrom, from).map((round) => round.id);
  refreshSpeedFlags(db, [...new Set([...previousRounds, ...roundIds])]);
  const previous = previousRounds.length > 0 ? figuresOf(previousRounds, previousFrom, from) : null;
  const suggestionQuestion = questionnaire.report.suggestion_question;
  const suggestions = suggestionQuestion
    ? recentSuggestions(db, { roundIds, questionId: suggestionQuestion, window: { from, to }, limit: SUGGESTIONS_SHOWN, leaveOutFlagged }).texts
    : [];
  const figures = figuresOf(roundIds, from, to);
  const groupQuestion = groupQuestionOf(questionnaire);
  const groups = groupQuestion
    ? await computeGroups(db, { roundIds, questionnaire, window: { from, to }, leaveOutFlagged }, groupQuestion)
    : null;
  const trend = await weeklyTrend(db, latest, { until: to, leaveOutFlagged });
  const themes = await gatherThemesOf(db, { roundIds, questionnaire, window: { from, to }, leaveOutFlagged });
  return {
    from,
    to,
    rounds: rounds.map(({ id, title }) => ({ id, title })),
    questionnaire,
    figures,
    // A week with no completed response has nothing to compare against.
    previous: previous && previous.counts.completed > 0 ? previous : null,
    suggestions,
    gaps: groups ? furthestBelow(figures.indexes, groups) : [],
    trend,
    sources: sourceFigures(responsesBySource(db, roundIds, { window: { from: from.getTime(), to: to.getTime() } })),
    coverage: gatherCoverage(db, [latest.id]),
    themes,
  };
}
