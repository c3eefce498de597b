import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Db } from '../db/client.js';
import { scoreOf } from '../questionnaire/engine.js';
import type { Questionnaire } from '../questionnaire/schema.js';
import {
  MIN_GROUP_SIZE,
  byQuestion,
  pooledQuestions,
  scaleFigures,
  scopeOf,
  type CompositeIndexFigures,
  type DimensionFigures,
  type FiguresInput,
} from './figures.js';
import { compareEstimates } from './intervals.js';
import { pooledFromTable, readScores } from './margins.js';
import {
  answerRange,
  queryCounts,
  queryAnswerValues,
  queryGroupMembers,
  queryGroupRespondents,
  queryPairs,
  type PairStats,
  type RespondentsRow,
} from './queries.js';

/*
 * Indexes per respondent group: the answer to the questionnaire's respondent
 * question (黨員幹部, 群眾, …). A group of fewer than MIN_GROUP_SIZE is never
 * named: such groups are folded into one "other groups" line, and any figure
 * with fewer than MIN_GROUP_SIZE known answers behind it is withheld.
 */

export interface GroupFigures {
  /** The group's option value; null for the folded line of the small groups. */
  value: string | null;
  respondents: number;
  dimensions: DimensionFigures[];
  indexes: CompositeIndexFigures[];
}

export interface GroupBreakdown {
  questionId: string;
  /** Named groups in questionnaire order, then the folded line when there is one. */
  groups: GroupFigures[];
}

/** The question whose answer makes the groups: the report's respondent question, when it is a choice. */
export function groupQuestionOf(questionnaire: Questionnaire): string | null {
  const id = questionnaire.report.respondent_question;
  const question = questionnaire.questions.find((q) => q.id === id);
  return question?.type === 'choice' ? question.id : null;
}

/** Pair counts of one group. */
interface GroupPairStats extends PairStats {
  group: string;
}

/** Adds up the pair counts of several groups (a value has one score). */
function pooled(rows: readonly PairStats[]): PairStats[] {
  const sums = new Map<string, PairStats>();
  for (const row of rows) {
    const key = `${row.questionId}\u0000${row.value}`;
    const sum = sums.get(key);
    if (sum) sum.answers += row.answers;
    else sums.set(key, { questionId: row.questionId, value: row.value, answers: row.answers, score: row.score });
  }
  return [...sums.values()];
}

/**
 * The breakdown of the responses that count (as computeFigures counts them)
 * by respondent group. A question at a time, with a turn for the event loop
 * between questions: on a large round this is several seconds of work.
 */
export async function computeGroups(
  db: Db,
  input: Pick<FiguresInput, 'roundIds' | 'questionnaire' | 'window' | 'leaveOutFlagged'>,
  groupQuestion: string,
): Promise<GroupBreakdown> {
  const { questionnaire } = input;
  const question = questionnaire.questions.find((q) => q.id === groupQuestion);
  if (question?.type !== 'choice') throw new Error(`groups need a choice question, not ${groupQuestion}`);
  const { scope } = scopeOf(db, input);
  const range = answerRange(db, queryCounts(db, scope));
  if (!range) return { questionId: groupQuestion, groups: [] };

  const sizes = new Map(
    queryPairs(db, scope, range, question.options.map((o): [string, string] => [groupQuestion, o.value])).map((row) => [
      row.value,
      row.answers,
    ]),
  );
  const members = queryGroupMembers(db, scope, range, groupQuestion);
  const rows: GroupPairStats[] = [];
  for (const q of questionnaire.questions) {
    if (q.type !== 'scale') continue;
    await nextTurn();
    // counts[group][value]: answers of the group's counted responses with that value.
    const counts = new Map<string, Map<string, number>>();
    for (const [value, responseId] of queryAnswerValues(db, range, q.id)) {
      const group = members.get(responseId);
      if (group === undefined) continue; // a response that does not count
      const byValue = counts.get(group) ?? new Map<string, number>();
      byValue.set(value, (byValue.get(value) ?? 0) + 1);
      counts.set(group, byValue);
    }
    for (const [group, byValue] of counts) {
      for (const [value, answers] of byValue) rows.push({ group, questionId: q.id, value, answers, score: scoreOf(q, value) });
    }
  }
  const rowsOf = (values: ReadonlySet<string>) => rows.filter((row) => values.has(row.group));

  // Respondents of the dimensions that pool several questions, per group.
  const pooledDimensions = new Map<string, Map<string, RespondentsRow>>();
  const respondentsOf = (values: ReadonlySet<string>) => (questionIds: readonly string[]) => {
    const key = questionIds.join(',');
    let perGroup = pooledDimensions.get(key);
    if (!perGroup) pooledDimensions.set(key, (perGroup = queryGroupRespondents(db, scope, groupQuestion, questionIds)));
    const sum: RespondentsRow = { answered: 0, known: 0 };
    for (const value of values) {
      sum.answered += perGroup.get(value)?.answered ?? 0;
      sum.known += perGroup.get(value)?.known ?? 0;
    }
    return sum;
  };

  // Each member's scores for the margins of pooled dimensions and composite indexes, read once.
  const table = readScores(db, scope, range, pooledQuestions(questionnaire), (id) => members.has(id));
  const estimateOf = (values: ReadonlySet<string>) => (dimensions: readonly (readonly string[])[]) =>
    pooledFromTable(table, dimensions, (id) => values.has(members.get(id) ?? ''));

  const groupOf = (value: string | null, values: ReadonlySet<string>): GroupFigures => {
    const { dimensions, indexes } = scaleFigures(
      questionnaire,
      byQuestion(pooled(rowsOf(values))),
      respondentsOf(values),
      estimateOf(values),
    );
    const respondents = [...values].reduce((sum, v) => sum + (sizes.get(v) ?? 0), 0);
    return { value, respondents, dimensions, indexes };
  };

  const named = question.options.filter((o) => (sizes.get(o.value) ?? 0) >= MIN_GROUP_SIZE);
  const small = question.options.filter((o) => {
    const size = sizes.get(o.value) ?? 0;
    return size > 0 && size < MIN_GROUP_SIZE;
  });
  const groups = named.map((o) => groupOf(o.value, new Set([o.value])));
  if (small.length > 0) groups.push(groupOf(null, new Set(small.map((o) => o.value))));
  return { questionId: groupQuestion, groups };
}

export interface GroupGap {
  /** The composite index (such as 組織工作滿意度). */
  indexId: string;
  group: string;
  value: number;
  overall: number;
}

/**
 * Per composite index, the named group furthest below the overall value,
 * among those whose difference is real (larger than its 95% margin, with at
 * least MIN_N_FOR_CHANGE on both sides: compareEstimates); none otherwise.
 */
export function furthestBelow(overall: readonly CompositeIndexFigures[], breakdown: GroupBreakdown): GroupGap[] {
  return overall.flatMap((index): GroupGap[] => {
    if (index.value === null) return [];
    let worst: GroupGap | null = null;
    for (const group of breakdown.groups) {
      const estimate = group.indexes.find((i) => i.id === index.id)?.estimate ?? null;
      if (group.value === null || estimate === null || index.estimate === null) continue;
      if (compareEstimates(index.estimate, estimate).verdict !== 'down') continue;
      const value = estimate.value;
      if (!worst || value < worst.value) worst = { indexId: index.id, group: group.value, value, overall: index.value };
    }
    return worst ? [worst] : [];
  });
}
