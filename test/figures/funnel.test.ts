import { afterEach, describe, expect, it } from 'vitest';
import { computeFunnel } from '../../src/figures/funnel.js';
import { answers, responses } from '../../src/db/schema.js';
import { closeDatabase, type Db } from '../../src/db/client.js';
import { freshFiguresDb, minutes, surveyQuestionnaire } from '../helpers/figures-db.js';

/*
 * A round with known drop-outs. The questionnaire (figures-db.ts) asks, in
 * order: role, work_a, work_b (optional), image, talent (optional), improve, comment (optional).
 */

let db: Db;
afterEach(() => closeDatabase(db));

/** Answers given at these minutes after the start (null value: skipped). */
type Timeline = Record<string, [minute: number, value: string | null]>;

function respond(db: Db, roundId: number, key: string, status: 'partial' | 'completed', cursor: string | null, given: Timeline) {
  const row = db
    .insert(responses)
    .values({
      roundId,
      respondentKey: key,
      status,
      cursor,
      language: 'en',
      startedAt: minutes(0),
      updatedAt: minutes(30),
      completedAt: status === 'completed' ? minutes(30) : null,
    })
    .returning({ id: responses.id })
    .get();
  for (const [questionId, [minute, value]] of Object.entries(given)) {
    db.insert(answers)
      .values({ responseId: row.id, questionId, value, skipped: value === null, answeredAt: minutes(minute) })
      .run();
  }
}

const ALL: Timeline = {
  role: [1, 'member'],
  work_a: [6, 'satisfied'],
  work_b: [7, null],
  image: [8, 'satisfied'],
  talent: [9, 'satisfied'],
  improve: [10, '["fairness"]'],
  comment: [11, null],
};

describe('the funnel of a round', () => {
  it('counts who reached, answered and stopped at each question, and the median time on it', () => {
    const fresh = freshFiguresDb();
    db = fresh.db;
    const round = fresh.writer.open(surveyQuestionnaire());
    // Time on `role` (from the start): 1, 2, 1, 3, 4 minutes → median 2 minutes.
    respond(db, round, 'a', 'completed', null, ALL);
    respond(db, round, 'b', 'completed', null, { ...ALL, role: [2, 'public'] });
    respond(db, round, 'c', 'partial', 'image', { role: [1, 'member'], work_a: [3, 'satisfied'], work_b: [4, 'satisfied'] });
    respond(db, round, 'd', 'partial', 'role', {});
    respond(db, round, 'e', 'partial', null, { ...ALL, role: [3, 'cadre'] });
    respond(db, round, 'f', 'partial', 'image', { role: [4, 'member'], work_a: [5, 'dissatisfied'], work_b: [6, null] });

    const funnel = computeFunnel(db, round, surveyQuestionnaire());
    expect(funnel).toMatchObject({ started: 6, completed: 2, stoppedAtSummary: 1 });
    const step = (id: string) => funnel.steps.find((s) => s.questionId === id);
    expect(step('role')).toEqual({ questionId: 'role', reached: 6, answered: 5, stopped: 1, medianMs: 2 * 60_000 });
    // work_b: reached by a, b, c, e, f; skipped by a, b, e (ALL skips it) and f: answered by c alone.
    expect(step('work_b')).toMatchObject({ reached: 5, answered: 1, stopped: 0, medianMs: null });
    // image: answered by a, b, e; c and f stopped there.
    expect(step('image')).toMatchObject({ reached: 5, answered: 3, stopped: 2, medianMs: null });
    expect(step('comment')).toMatchObject({ reached: 3, answered: 0, stopped: 0 });
    expect(funnel.steps.map((s) => s.questionId)).toEqual(surveyQuestionnaire().questions.map((q) => q.id));
    expect(funnel.worst.map((s) => s.questionId)).toEqual(['image', 'role']);
  });

  it('is empty for a round nobody came to', () => {
    const fresh = freshFiguresDb();
    db = fresh.db;
    const round = fresh.writer.open(surveyQuestionnaire());
    const funnel = computeFunnel(db, round, surveyQuestionnaire());
    expect(funnel).toMatchObject({ started: 0, completed: 0, stoppedAtSummary: 0, worst: [] });
    expect(funnel.steps.every((s) => s.reached === 0 && s.medianMs === null)).toBe(true);
  });
});
