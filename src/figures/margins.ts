import type { Db } from '../db/client.js';
import { SATISFACTION_SCALE } from '../questionnaire/scale.js';
import { addRespondent, emptyPooledSums, pooledEstimate, type Estimate } from './intervals.js';
import { queryAnswerIdsByValue, queryCountedIds, type AnswerRange, type Scope } from './queries.js';

/*
 * The per-respondent side of the margins. A question's margin comes from its
 * answer counts alone, but a dimension that pools several questions and a
 * composite index need each respondent's own scores (intervals.ts). They are
 * read here once per question: one question's answers from the covering
 * index, a JSON array of response ids per value, into an array indexed by
 * response id, then one pass over
 * the responses per dimension or index. Only the questions of such dimensions
 * and indexes are read (two of the default questionnaire's nine).
 */

const SCORE_OF = new Map(SATISFACTION_SCALE.map((o) => [o.value, o.score]));

/** No score: not answered, skipped, 不了解, or a response that does not count. */
const NONE = -1;

/** Scores of some questions, per response of an id range that counts. */
export interface ScoreTable {
  firstId: number;
  /** Per question: Int16Array over [firstId, lastId], NONE where there is no score. */
  scores: Map<string, Int16Array>;
}

/**
 * Reads the scores of `questionIds` for the responses that count in `scope`
 * (and that `member` accepts: a respondent group's members).
 */
export function readScores(
  db: Db,
  scope: Scope,
  range: AnswerRange,
  questionIds: Iterable<string>,
  member: (responseId: number) => boolean = () => true,
): ScoreTable {
  const size = range.lastId - range.firstId + 1;
  let counts: Uint8Array | null = null;
  if (!range.whole) {
    counts = new Uint8Array(size);
    for (const id of queryCountedIds(db, scope)) counts[id - range.firstId] = 1;
  }
  const scores = new Map<string, Int16Array>();
  for (const questionId of new Set(questionIds)) {
    const column = new Int16Array(size).fill(NONE);
    for (const [value, responseIds] of queryAnswerIdsByValue(db, range, questionId)) {
      const score = SCORE_OF.get(value);
      if (score === undefined || score === null) continue;
      for (const responseId of responseIds) {
        const at = responseId - range.firstId;
        if ((counts === null || counts[at] === 1) && member(responseId)) column[at] = score;
      }
    }
    scores.set(questionId, column);
  }
  return { firstId: range.firstId, scores };
}

/**
 * The estimate of the mean over `dimensions` (each a list of question ids) of
 * each dimension's pooled index, from each respondent's own scores (of
 * those `include` accepts: a respondent group).
 */
export function pooledFromTable(
  table: ScoreTable,
  dimensions: readonly (readonly string[])[],
  include: (responseId: number) => boolean = () => true,
): Estimate | null {
  const columns = dimensions.map((ids) => ids.flatMap((id) => table.scores.get(id) ?? []));
  const pooled = emptyPooledSums(dimensions.length);
  const length = table.scores.values().next().value?.length ?? 0;
  const sums = new Array<number>(dimensions.length);
  const counts = new Array<number>(dimensions.length);
  for (let i = 0; i < length; i++) {
    if (!include(table.firstId + i)) continue;
    let any = false;
    for (let d = 0; d < columns.length; d++) {
      let sum = 0;
      let count = 0;
      for (const column of columns[d]!) {
        const score = column[i]!;
        if (score === NONE) continue;
        sum += score;
        count += 1;
      }
      sums[d] = sum;
      counts[d] = count;
      any ||= count > 0;
    }
    if (any) addRespondent(pooled, { sums, counts });
  }
  return pooledEstimate(pooled);
}
