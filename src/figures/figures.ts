import type { Db } from '../db/client.js';
import { meanEstimate, wilsonInterval, type Estimate, type RateEstimate } from './intervals.js';
import { pooledFromTable, readScores } from './margins.js';
import type { Questionnaire } from '../questionnaire/schema.js';
import { SATISFACTION_SCALE } from '../questionnaire/scale.js';
import {
  TIME_MAX,
  TIME_MIN,
  answerRange,
  queryCountedUpTo,
  queryCounts,
  queryMulti,
  queryPairs,
  queryRespondents,
  querySuggestions,
  type PairStats,
  type RespondentsRow,
  type Scope,
} from './queries.js';
import { figuresCut, heldWithin } from '../db/figures-cut.js';

/*
 * Satisfaction figures of one or more rounds: counts, indexes and rates per
 * question, dimension and composite index, awareness, and the distributions
 * of choice and multi questions. Aggregates are computed in SQLite (see
 * queries.ts); this module turns them into figures and applies the
 * five-respondent rule. Percentages are fractions (0..1), indexes 0..100, both
 * unrounded: rounding is for display.
 */

/**
 * No figure is shown for fewer respondents than this, so that in a small
 * village nobody can work out who said what.
 */
export const MIN_GROUP_SIZE = 5;

/** Scores from this up (很滿意, 滿意, 基本滿意) count towards the satisfaction rate. */
export const SATISFIED_FROM = 60;

/** Half-open [from, to): on completed_at (figures, `completed`), on started_at (`started`). */
export interface TimeWindow {
  from?: Date;
  to?: Date;
}

export interface FiguresInput {
  /** Usually one round; a weekly digest may cover two. Structure comes from `questionnaire`. */
  roundIds: readonly number[];
  /** The questionnaire stored with the (last) round. */
  questionnaire: Questionnaire;
  window?: TimeWindow;
  /** Id of the choice (or multi) question whose distribution is the respondent mix. */
  respondentQuestion?: string;
  /** Id of the multi (or choice) question of "what needs improving". */
  improvementQuestion?: string;
  /** How many of the lowest-scoring questions to list; default 3. */
  lowestCount?: number;
  /** Leave responses flagged for quality out (QUALITY_FILTER=on); default false. */
  leaveOutFlagged?: boolean;
  /** Only the scale figures (questions, dimensions, indexes): no distributions. */
  scaleOnly?: boolean;
}

export interface ResponseCounts {
  /** Responses started within the window (partial or completed). */
  started: number;
  /** Responses completed within the window. */
  completed: number;
  /**
   * Share of the responses started within the window that were completed by
   * its end; null when none started. For a whole round: completed / all responses.
   */
  completionRate: number | null;
  /** Responses of these rounds completed before the window's end: the total so far. */
  totalCompleted: number;
  /**
   * Completed responses of an open round not in the figures yet (fewer than
   * FIGURES_STEP): `completed` counts up to the last multiple of five.
   */
  held: number;
}

/** Completed responses in the window flagged for quality (figures/quality.ts). */
export interface QualityCounts {
  /** With any flag. */
  flagged: number;
  tooFast: number;
  straightLine: number;
  /** Left out of every figure: `flagged` when QUALITY_FILTER is on, else 0. */
  leftOut: number;
}

export interface SatisfactionFigures {
  /** Mean score of the answers that are not 不了解 (0..100). */
  index: number | null;
  /** Share of those answers scoring 60 or more (很滿意, 滿意, 基本滿意). */
  satisfactionRate: number | null;
  /** Share of the answers that are not 不了解. */
  awarenessRate: number | null;
  /**
   * True when a figure above is null because fewer than MIN_GROUP_SIZE (but
   * some) respondents stand behind it. A figure is null without this flag
   * when nobody answered (or, for the index, when everybody said 不了解).
   */
  withheld: boolean;
  /** The index with its 95% margin and n (intervals.ts); null whenever `index` is. */
  indexEstimate: Estimate | null;
  /** The satisfaction rate's 95% Wilson interval; null whenever the rate is. */
  satisfactionInterval: RateEstimate | null;
  /** The awareness rate's 95% Wilson interval; null whenever the rate is. */
  awarenessInterval: RateEstimate | null;
}

export interface QuestionFigures extends SatisfactionFigures {
  id: string;
  dimension: string;
  /** Answers given (not skipped), 不了解 included; one per respondent. */
  answered: number;
  /** Answers other than 不了解; null while the awareness rate is withheld (it would tell it). */
  known: number | null;
}

export interface DimensionFigures extends SatisfactionFigures {
  id: string;
  /** Its scale questions, whose answers are pooled: a mean of all scores, not of question means. */
  questionIds: string[];
  /** Respondents who answered at least one of its questions. */
  respondents: number;
}

export interface CompositeIndexFigures {
  id: string;
  dimensions: string[];
  /** Mean of the dimensions' indexes; null when any of them is null. */
  value: number | null;
  /** True when a dimension's index is withheld (and so is this value). */
  withheld: boolean;
  /** The value with its 95% margin, from each respondent's own scores; null whenever `value` is. */
  estimate: Estimate | null;
}

export interface OptionCount {
  value: string;
  /** Respondents who chose it. */
  count: number;
  /** count / respondents of the question. */
  share: number;
}

export interface Distribution {
  questionId: string;
  type: 'choice' | 'multi' | 'scale';
  /** Respondents who answered the question (skips excluded). */
  respondents: number;
  /** True when fewer than MIN_GROUP_SIZE (but some) answered: no option is shown at all. */
  withheld: boolean;
  /**
   * Options chosen by at least MIN_GROUP_SIZE respondents: in questionnaire
   * order, or by count (highest first) for the improvements. Options chosen by
   * nobody are left out.
   */
  options: OptionCount[];
  /**
   * Choices of the options chosen by 1 to 4 respondents, added together and
   * never named. For a multi question a respondent may count more than once.
   */
  withheldCount: number;
}

export interface RoundFigures {
  roundIds: number[];
  window: { from: Date | null; to: Date | null };
  counts: ResponseCounts;
  quality: QualityCounts;
  /** Scale questions in questionnaire order. */
  questions: QuestionFigures[];
  /** Dimensions in questionnaire order. */
  dimensions: DimensionFigures[];
  /** Composite indexes (such as 組織工作滿意度) in questionnaire order. */
  indexes: CompositeIndexFigures[];
  /** Awareness over every scale answer. */
  awareness: { rate: number | null; withheld: boolean };
  /** Every choice and multi question, in questionnaire order. */
  distributions: Distribution[];
  /** Every scale question's options (the scale, 不了解 included), in questionnaire order. */
  scaleDistributions: Distribution[];
  /** The `lowestCount` scale questions with the lowest index (none withheld), lowest first. */
  lowest: QuestionFigures[];
  /** Distribution of `respondentQuestion`; null when none was given. */
  respondentMix: Distribution | null;
  /** Distribution of `improvementQuestion`, most chosen first; null when none was given. */
  improvements: Distribution | null;
}

/** 1 to 4 respondents: too few to show, but not nothing. */
const tooFew = (n: number): boolean => n > 0 && n < MIN_GROUP_SIZE;
const shown = (n: number): boolean => n >= MIN_GROUP_SIZE;

function millis(date: Date | undefined, fallback: number, name: string): number {
  if (date === undefined) return fallback;
  const time = date.getTime();
  if (Number.isNaN(time)) throw new RangeError(`window.${name} is not a valid date`);
  return time;
}

/** What the figure queries count, with an open round's cut (no differencing, see figuresCut) applied. */
export function scopeOf(db: Db, input: Pick<FiguresInput, 'roundIds' | 'window' | 'leaveOutFlagged'>): { scope: Scope; held: number } {
  const { cut, held: heldInRound } = figuresCut(db, input.roundIds);
  const scope: Scope = {
    rounds: JSON.stringify(input.roundIds),
    from: millis(input.window?.from, TIME_MIN, 'from'),
    to: millis(input.window?.to, TIME_MAX, 'to'),
    filter: input.leaveOutFlagged ? 1 : 0,
    cut,
  };
  // Held back are the round's latest completions; a window (a week) counts those it holds.
  const held = heldInRound === 0 || input.window === undefined ? heldInRound : heldWithin(db, input.roundIds, cut, scope.from, scope.to);
  return { scope, held };
}

/** Answers, answers with a score (not 不了解), the sum of scores (and of their squares), and scores of 60 or more. */
interface Tally {
  answers: number;
  scored: number;
  scoreSum: number;
  scoreSquares: number;
  satisfied: number;
}

const emptyTally = (): Tally => ({ answers: 0, scored: 0, scoreSum: 0, scoreSquares: 0, satisfied: 0 });

function addTo(tally: Tally, stats: Tally): void {
  tally.answers += stats.answers;
  tally.scored += stats.scored;
  tally.scoreSum += stats.scoreSum;
  tally.scoreSquares += stats.scoreSquares;
  tally.satisfied += stats.satisfied;
}

/**
 * Figures from a tally, with `answered` / `known` respondents deciding what
 * may be shown. The index's margin is the tally's own (one answer per
 * respondent) unless `pooled` gives one from each respondent's scores.
 */
function satisfaction(tally: Tally, answered: number, known: number, pooled?: () => Estimate | null): SatisfactionFigures {
  const indexShown = shown(known) && tally.scored > 0;
  const awarenessShown = shown(answered) && tally.answers > 0;
  const estimate = !indexShown
    ? null
    : pooled
      ? pooled()
      : meanEstimate({ n: tally.scored, sum: tally.scoreSum, sumOfSquares: tally.scoreSquares });
  return {
    index: indexShown ? tally.scoreSum / tally.scored : null,
    satisfactionRate: indexShown ? tally.satisfied / tally.scored : null,
    awarenessRate: awarenessShown ? tally.scored / tally.answers : null,
    withheld: tooFew(answered) || tooFew(known),
    indexEstimate: estimate,
    satisfactionInterval: indexShown ? wilsonInterval(tally.satisfied, tally.scored) : null,
    awarenessInterval: awarenessShown ? wilsonInterval(tally.scored, tally.answers) : null,
  };
}

/** Applies the five-respondent rule to option counts (given in display order). */
function distribution(
  questionId: string,
  type: Distribution['type'],
  respondents: number,
  counts: readonly { value: string; count: number }[],
): Distribution {
  if (!shown(respondents)) {
    const withheld = tooFew(respondents);
    return { questionId, type, respondents, withheld, options: [], withheldCount: 0 };
  }
  const options: OptionCount[] = [];
  let withheldCount = 0;
  for (const { value, count } of counts) {
    if (shown(count)) options.push({ value, count, share: count / respondents });
    else withheldCount += count;
  }
  return { questionId, type, respondents, withheld: false, options, withheldCount };
}

const mean = (values: readonly number[]): number =>
  values.reduce((sum, value) => sum + value, 0) / values.length;

function byCountDescending(d: Distribution): Distribution {
  // Array.prototype.sort is stable: equal counts keep questionnaire order.
  return { ...d, options: [...d.options].sort((a, b) => b.count - a.count) };
}

/** Pair counts by question id. */
export function byQuestion<T extends PairStats>(rows: readonly T[]): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const row of rows) {
    const list = map.get(row.questionId) ?? [];
    list.push(row);
    map.set(row.questionId, list);
  }
  return map;
}

function tallyOf(stats: readonly PairStats[]): Tally {
  const tally = emptyTally();
  for (const { answers, score } of stats) {
    tally.answers += answers;
    if (score === null) continue; // 不了解
    tally.scored += answers;
    tally.scoreSum += answers * score;
    tally.scoreSquares += answers * score * score;
    if (score >= SATISFIED_FROM) tally.satisfied += answers;
  }
  return tally;
}

export interface ScaleFigures {
  questions: QuestionFigures[];
  dimensions: DimensionFigures[];
  indexes: CompositeIndexFigures[];
  /** Every scale answer: all of them, those with a score, and how many (for awareness). */
  totals: { answers: number; scored: number };
}

/**
 * The estimate of the mean over dimensions (each a list of its question ids)
 * of their pooled indexes, from each respondent's own scores (margins.ts).
 */
export type PooledEstimator = (dimensions: readonly (readonly string[])[]) => Estimate | null;

/**
 * Questions, dimensions and composite indexes from pair counts, with the
 * five-respondent rule. `pooledRespondents` counts the respondents behind a
 * dimension of several questions (one answer per respondent otherwise);
 * `pooledEstimate` gives the margins of such dimensions and of composite
 * indexes (none without it).
 */
export function scaleFigures(
  questionnaire: Questionnaire,
  stats: ReadonlyMap<string, readonly PairStats[]>,
  pooledRespondents: (questionIds: readonly string[]) => RespondentsRow,
  pooledEstimate: PooledEstimator = () => null,
): ScaleFigures {
  const scaleQuestions = questionnaire.questions.flatMap((q) => (q.type === 'scale' ? [q] : []));
  // Questions: one answer per respondent, so answers are respondents.
  const tallies = new Map(scaleQuestions.map((q) => [q.id, tallyOf(stats.get(q.id) ?? [])]));
  const questions: QuestionFigures[] = scaleQuestions.map((q) => {
    const tally = tallies.get(q.id) ?? emptyTally();
    const figures = satisfaction(tally, tally.answers, tally.scored);
    return {
      id: q.id,
      dimension: q.dimension,
      ...figures,
      answered: tally.answers,
      known: tooFew(tally.answers) ? null : tally.scored,
    };
  });

  // Dimensions pool the answers of their questions. With one question its
  // respondents are that question's; with several they are counted apart.
  const dimensionFigures = new Map<string, DimensionFigures>();
  const dimensions: DimensionFigures[] = questionnaire.dimensions.map((d) => {
    const questionIds = scaleQuestions.filter((q) => q.dimension === d.id).map((q) => q.id);
    const tally = emptyTally();
    for (const id of questionIds) addTo(tally, tallies.get(id) ?? emptyTally());
    const several = questionIds.length > 1;
    const people = several ? pooledRespondents(questionIds) : { answered: tally.answers, known: tally.scored };
    const figures: DimensionFigures = {
      id: d.id,
      questionIds,
      respondents: people.answered,
      ...satisfaction(tally, people.answered, people.known, several ? () => pooledEstimate([questionIds]) : undefined),
    };
    dimensionFigures.set(d.id, figures);
    return figures;
  });

  const indexes: CompositeIndexFigures[] = questionnaire.indexes.map((composite) => {
    const parts = composite.dimensions.map((id) => dimensionFigures.get(id));
    const values = parts.map((part) => part?.index ?? null);
    const complete = values.every((value): value is number => value !== null) && values.length > 0;
    return {
      id: composite.id,
      dimensions: [...composite.dimensions],
      value: complete ? mean(values) : null,
      withheld: parts.some((part) => part?.withheld === true),
      estimate: complete ? pooledEstimate(parts.map((part) => part?.questionIds ?? [])) : null,
    };
  });

  const totals = emptyTally();
  for (const tally of tallies.values()) addTo(totals, tally);
  return { questions, dimensions, indexes, totals: { answers: totals.answers, scored: totals.scored } };
}

/** The scale questions whose margins need each respondent's scores: those of pooled dimensions and composite indexes. */
export function pooledQuestions(questionnaire: Questionnaire): string[] {
  const byDimension = new Map<string, string[]>();
  for (const q of questionnaire.questions) {
    if (q.type === 'scale') byDimension.set(q.dimension, [...(byDimension.get(q.dimension) ?? []), q.id]);
  }
  const ids = new Set<string>();
  for (const questionIds of byDimension.values()) if (questionIds.length > 1) questionIds.forEach((id) => ids.add(id));
  for (const index of questionnaire.indexes) {
    for (const dimension of index.dimensions) byDimension.get(dimension)?.forEach((id) => ids.add(id));
  }
  return [...ids];
}

/** The pairs whose answers are counted: every scale value of every scale question, and the choice options. */
export function scalePairs(questionnaire: Questionnaire): [string, string][] {
  return questionnaire.questions.flatMap((q) =>
    q.type === 'scale' ? SATISFACTION_SCALE.map((o): [string, string] => [q.id, o.value]) : [],
  );
}

/**
 * The satisfaction figures of completed responses in the given rounds and
 * window, with every figure from fewer than MIN_GROUP_SIZE respondents withheld.
 */
export function computeFigures(db: Db, input: FiguresInput): RoundFigures {
  const { questionnaire } = input;
  const { scope, held } = scopeOf(db, input);
  const counts = queryCounts(db, scope);

  const scaleQuestions = questionnaire.questions.flatMap((q) => (q.type === 'scale' ? [q] : []));
  const choiceQuestions = input.scaleOnly ? [] : questionnaire.questions.flatMap((q) => (q.type === 'choice' ? [q] : []));
  const multiQuestions = input.scaleOnly ? [] : questionnaire.questions.flatMap((q) => (q.type === 'multi' ? [q] : []));

  // Null when no response counts: the answer queries are skipped, every figure is empty.
  const range = answerRange(db, counts);
  const pairs: [string, string][] = [
    ...scalePairs(questionnaire),
    ...choiceQuestions.flatMap((q) => q.options.map((o): [string, string] => [q.id, o.value])),
  ];
  const pairStats = range ? queryPairs(db, scope, range, pairs) : [];
  const multiRows = range ? queryMulti(db, scope, range, multiQuestions.map((q) => q.id)) : [];
  const statsByQuestion = byQuestion(pairStats);

  const nobody: RespondentsRow = { answered: 0, known: 0 };
  // Each respondent's scores, read only for what pools several questions, and only once asked for.
  let table: ReturnType<typeof readScores> | undefined;
  const pooledEstimate = (dimensions: readonly (readonly string[])[]) => {
    if (!range) return null;
    table ??= readScores(db, scope, range, pooledQuestions(questionnaire));
    return pooledFromTable(table, dimensions);
  };
  const { questions, dimensions, indexes, totals } = scaleFigures(
    questionnaire,
    statsByQuestion,
    (ids) => (range ? queryRespondents(db, scope, ids) : nobody),
    pooledEstimate,
  );
  // The overall awareness needs its respondents only when no single question has enough.
  const overallNeedsCount = totals.answers > 0 && !questions.some((q) => shown(q.answered));

  const overallAnswered = overallNeedsCount
    ? queryRespondents(db, scope, scaleQuestions.map((q) => q.id)).answered
    : totals.answers;
  const awareness = {
    rate: shown(overallAnswered) && totals.answers > 0 ? totals.scored / totals.answers : null,
    withheld: tooFew(overallAnswered),
  };

  const multiCounts = new Map<string, Map<string | null, number>>();
  for (const row of multiRows) {
    const byOption = multiCounts.get(row.questionId) ?? new Map<string | null, number>();
    byOption.set(row.option, row.n);
    multiCounts.set(row.questionId, byOption);
  }
  const distributions: Distribution[] = questionnaire.questions.flatMap((q): Distribution[] => {
    if (q.type === 'choice') {
      const stats = new Map((statsByQuestion.get(q.id) ?? []).map((s) => [s.value, s.answers]));
      const optionCounts = q.options.map((o) => ({
        value: o.value,
        count: stats.get(o.value) ?? 0,
      }));
      const total = optionCounts.reduce((sum, o) => sum + o.count, 0);
      return [distribution(q.id, 'choice', total, optionCounts)];
    }
    if (q.type === 'multi') {
      const byOption = multiCounts.get(q.id);
      const optionCounts = q.options.map((o) => ({
        value: o.value,
        count: byOption?.get(o.value) ?? 0,
      }));
      return [distribution(q.id, 'multi', byOption?.get(null) ?? 0, optionCounts)];
    }
    return [];
  });

  const scaleDistributions = scaleQuestions.map((q) => {
    const stats = new Map((statsByQuestion.get(q.id) ?? []).map((s) => [s.value, s.answers]));
    const optionCounts = SATISFACTION_SCALE.map((o) => ({ value: o.value, count: stats.get(o.value) ?? 0 }));
    return distribution(q.id, 'scale', optionCounts.reduce((sum, o) => sum + o.count, 0), optionCounts);
  });

  const distributionOf = (questionId: string | undefined, role: string): Distribution | null => {
    if (questionId === undefined) return null;
    const found = distributions.find((d) => d.questionId === questionId);
    if (!found) {
      throw new Error(`${role} ${questionId} is not a choice or multi question of the round`);
    }
    return found;
  };
  const improvements = distributionOf(input.improvementQuestion, 'improvementQuestion');

  const lowestCount = Math.max(0, Math.floor(input.lowestCount ?? 3));
  const lowest = questions
    .filter((q) => q.index !== null)
    .sort((a, b) => (a.index ?? 0) - (b.index ?? 0))
    .slice(0, lowestCount);

  return {
    roundIds: [...input.roundIds],
    window: { from: input.window?.from ?? null, to: input.window?.to ?? null },
    counts: {
      started: counts.started,
      completed: counts.completed,
      completionRate: counts.started > 0 ? counts.startedCompleted / counts.started : null,
      totalCompleted: counts.totalCompleted,
      held,
    },
    quality: {
      flagged: counts.flagged,
      tooFast: counts.tooFast,
      straightLine: counts.straightLine,
      leftOut: counts.completed - counts.counted,
    },
    questions,
    dimensions,
    indexes,
    awareness,
    distributions,
    scaleDistributions,
    lowest,
    respondentMix: distributionOf(input.respondentQuestion, 'respondentQuestion'),
    improvements: improvements ? byCountDescending(improvements) : null,
  };
}

export interface SuggestionsInput {
  roundIds: readonly number[];
  leaveOutFlagged?: boolean;
  /** Id of the text question of suggestions. */
  questionId: string;
  window?: TimeWindow;
  /** At most this many, most recent first; default 5. */
  limit?: number;
}

/**
 * The most recent non-empty answers to a text question from completed
 * responses in the window, as typed (escape and shorten them for display).
 * None are given when fewer than MIN_GROUP_SIZE responses were completed in
 * the window, so that a suggestion cannot be pinned on one of a handful.
 */
export function recentSuggestions(
  db: Db,
  input: SuggestionsInput,
): { texts: string[]; withheld: boolean } {
  const { scope } = scopeOf(db, input);
  const completed = queryCountedUpTo(db, scope, MIN_GROUP_SIZE);
  if (!shown(completed)) return { texts: [], withheld: tooFew(completed) };
  const limit = Math.max(0, Math.floor(input.limit ?? 5));
  return { texts: querySuggestions(db, scope, input.questionId, limit), withheld: false };
}
