import { statement, type Db } from '../db/client.js';
import type { Questionnaire } from '../questionnaire/schema.js';

/*
 * Where residents give up: for each question of a round, in questionnaire
 * order, how many responses reached it, answered it and stopped there, and the
 * median time spent on it. Authors use it to shorten or reword the question
 * that loses people. Counts are of responses (one per resident), so they carry
 * no answer content and need no five-respondent rule; the median time is shown
 * only from MIN_FOR_MEDIAN answers on.
 *
 * One pass over the round's answers in primary-key order (response, question),
 * with the response's status and cursor alongside: no sort, no second read
 * of an answer.
 */

/** A median time from fewer answers than this says more about one person than about the question. */
export const MIN_FOR_MEDIAN = 5;

/** How many of the questions that lose most are named. */
export const WORST_COUNT = 3;

export interface FunnelStep {
  questionId: string;
  /** Responses that were shown the question (answered, skipped, or waiting on it). */
  reached: number;
  /** Responses that answered it (not skipped). */
  answered: number;
  /** Unfinished responses waiting on it: residents who stopped here. */
  stopped: number;
  /** Median time from the previous answer (or the start) to this answer, in ms; null under MIN_FOR_MEDIAN. */
  medianMs: number | null;
}

export interface Funnel {
  /** Responses of the round, completed or not. */
  started: number;
  completed: number;
  /** Unfinished responses that answered everything but did not press Submit. */
  stoppedAtSummary: number;
  steps: FunnelStep[];
  /** Up to WORST_COUNT questions with most residents stopped there (at least one), most first. */
  worst: FunnelStep[];
}

/** One answer row with its response, as the funnel reads them. */
export interface FunnelRow {
  responseId: number;
  status: 'partial' | 'completed';
  cursor: string | null;
  startedAt: number;
  /** Null for a response with no answer at all (LEFT JOIN). */
  questionId: string | null;
  skipped: number | null;
  answeredAt: number | null;
}

/*
 * Two reads in primary-key order, merged by response id: the round's
 * responses, then the answers of their id range by the answers' own key. On
 * 100,000 responses a join of the two (with the sort it needs) took twice as
 * long.
 */
const RESPONSES_SQL = 'SELECT id, status, cursor, started_at FROM responses WHERE round_id = ? ORDER BY id';
const ANSWERS_SQL = `SELECT response_id, question_id, skipped, answered_at FROM answers
  WHERE response_id BETWEEN ? AND ? ORDER BY response_id, question_id`;

type ResponseTuple = [number, FunnelRow['status'], string | null, number];
type AnswerTuple = [number, string, number, number];

/** The round's rows as funnelOf reads them: each response with its answers, or alone with none. */
function* funnelRows(db: Db, roundId: number): Generator<FunnelRow> {
  const responses = statement(db, RESPONSES_SQL).raw(true).all(roundId) as ResponseTuple[];
  if (responses.length === 0) return;
  const answers = statement(db, ANSWERS_SQL).raw(true).iterate(responses[0]![0], responses.at(-1)![0]) as IterableIterator<AnswerTuple>;
  try {
    let next = answers.next();
    for (const [responseId, status, cursor, startedAt] of responses) {
      // Answers of another round's responses within the id range are passed over.
      while (!next.done && next.value[0] < responseId) next = answers.next();
      let any = false;
      while (!next.done && next.value[0] === responseId) {
        const [, questionId, skipped, answeredAt] = next.value;
        yield { responseId, status, cursor, startedAt, questionId, skipped, answeredAt };
        any = true;
        next = answers.next();
      }
      if (!any) yield { responseId, status, cursor, startedAt, questionId: null, skipped: null, answeredAt: null };
    }
  } finally {
    answers.return?.();
  }
}

/** The funnel of one round, in one pass over its answers. */
export function computeFunnel(db: Db, roundId: number, questionnaire: Questionnaire): Funnel {
  return funnelOf(questionnaire, funnelRows(db, roundId));
}

interface Tally {
  reached: number;
  answered: number;
  stopped: number;
  durations: number[];
}

/** The funnel from rows grouped by response (rows of one response next to each other). */
export function funnelOf(questionnaire: Questionnaire, rows: Iterable<FunnelRow>): Funnel {
  const tallies = new Map<string, Tally>(
    questionnaire.questions.map((q) => [q.id, { reached: 0, answered: 0, stopped: 0, durations: [] }]),
  );
  const funnel = { started: 0, completed: 0, stoppedAtSummary: 0 };
  let current: FunnelRow[] = [];

  const settle = (group: readonly FunnelRow[]): void => {
    const first = group[0];
    if (!first) return;
    funnel.started += 1;
    if (first.status === 'completed') funnel.completed += 1;
    const seen = new Set<string>();
    // Time on a question: from the answer given just before it (in time), or from the start.
    const given = group
      .filter((row): row is FunnelRow & { questionId: string; answeredAt: number } => row.questionId !== null)
      .sort((a, b) => a.answeredAt - b.answeredAt);
    let previous = first.startedAt;
    for (const row of given) {
      const tally = tallies.get(row.questionId);
      if (!tally) continue; // an answer to a question the questionnaire no longer has
      seen.add(row.questionId);
      tally.reached += 1;
      if (!row.skipped) {
        tally.answered += 1;
        tally.durations.push(Math.max(0, row.answeredAt - previous));
      }
      previous = Math.max(previous, row.answeredAt);
    }
    if (first.status === 'partial') {
      const waiting = first.cursor === null ? undefined : tallies.get(first.cursor);
      if (waiting) {
        waiting.stopped += 1;
        if (!seen.has(first.cursor!)) waiting.reached += 1;
      } else if (first.cursor === null && given.length > 0) {
        funnel.stoppedAtSummary += 1;
      }
    }
  };

  for (const row of rows) {
    if (current.length > 0 && current[0]!.responseId !== row.responseId) {
      settle(current);
      current = [];
    }
    current.push(row);
  }
  settle(current);

  const steps = questionnaire.questions.map((q): FunnelStep => {
    const tally = tallies.get(q.id)!;
    return {
      questionId: q.id,
      reached: tally.reached,
      answered: tally.answered,
      stopped: tally.stopped,
      medianMs: tally.durations.length >= MIN_FOR_MEDIAN ? median(tally.durations) : null,
    };
  });
  const worst = steps
    .filter((s) => s.stopped > 0)
    .sort((a, b) => b.stopped - a.stopped) // stable: ties keep questionnaire order
    .slice(0, WORST_COUNT);
  return { ...funnel, steps, worst };
}

function median(values: number[]): number {
  const sorted = values.sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
