import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase, type Db } from '../../src/db/client.js';
import { openRound } from '../../src/db/rounds.js';
import { computeFigures } from '../../src/figures/figures.js';
import type { Questionnaire } from '../../src/questionnaire/schema.js';
import { createTestBot } from '../helpers/bot-harness.js';
import { defaultQuestionnaire } from '../helpers/questionnaires.js';
import { LARGE_START, LARGE_STEP, fillLargeRound } from './large-round.js';

/*
 * A large round: 100,000 completed responses to the default questionnaire
 * (16 answers each) and 10,000 partial ones among them. The time is printed,
 * not asserted: machines differ. Run alone with
 *   npx vitest run test/figures/figures-large.test.ts
 */
const COMPLETED = 100_000;

let db: Db;
let roundId: number;
let questionnaire: Questionnaire;

beforeAll(() => {
  db = openDatabase(':memory:');
  questionnaire = defaultQuestionnaire();
  const opened = openRound(db, { title: 'large', questionnaire, now: new Date(LARGE_START) });
  if (!opened.ok) throw new Error('a round is open');
  roundId = opened.round.id;
  const started = performance.now();
  fillLargeRound(db, roundId, questionnaire, COMPLETED);
  console.log(`generated ${COMPLETED} completed responses in ${Math.round(performance.now() - started)} ms`);
}, 60_000);

afterAll(() => closeDatabase(db));

const isIndex = (value: number | null) => value !== null && value >= 0 && value <= 100;
const isRate = (value: number | null) => value !== null && value >= 0 && value <= 1;

describe('figures of a large round', () => {
  it('computes a whole round of 100,000 completed responses', () => {
    const input = {
      roundIds: [roundId],
      questionnaire,
      respondentQuestion: 'respondent_type',
      improvementQuestion: 'improvement_areas',
    };
    const started = performance.now();
    const f = computeFigures(db, input);
    const ms = performance.now() - started;
    console.log(
      `computeFigures, ${COMPLETED} completed responses (+${COMPLETED / 10} partial): ${ms.toFixed(0)} ms`,
    );

    expect(f.counts).toEqual({
      started: COMPLETED + COMPLETED / 10,
      completed: COMPLETED,
      completionRate: COMPLETED / (COMPLETED + COMPLETED / 10),
      totalCompleted: COMPLETED,
      held: 0,
    });
    expect(f.questions).toHaveLength(9);
    for (const question of f.questions) {
      expect(question.answered).toBe(COMPLETED);
      expect(isIndex(question.index)).toBe(true);
      expect(isRate(question.satisfactionRate) && isRate(question.awarenessRate)).toBe(true);
    }
    for (const dimension of f.dimensions) expect(isIndex(dimension.index)).toBe(true);
    expect(f.indexes.map((index) => isIndex(index.value))).toEqual([true, true]);
    expect(f.lowest).toHaveLength(3);
    expect(f.respondentMix?.respondents).toBe(COMPLETED);
    expect(f.respondentMix?.options.reduce((sum, o) => sum + o.count, 0)).toBe(COMPLETED);
    expect(f.improvements?.respondents).toBe(COMPLETED);
    const counts = f.improvements?.options.map((o) => o.count) ?? [];
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
  });

  it('computes one week of it', () => {
    const week = {
      from: new Date(LARGE_START + 50_000 * LARGE_STEP),
      to: new Date(LARGE_START + 60_000 * LARGE_STEP),
    };
    const started = performance.now();
    const f = computeFigures(db, { roundIds: [roundId], questionnaire, window: week });
    const ms = performance.now() - started;
    console.log(`computeFigures, a window of ${f.counts.completed} completed responses: ${ms.toFixed(0)} ms`);

    expect(f.counts.completed).toBeGreaterThan(8_000);
    expect(f.counts.completed).toBeLessThan(10_000);
    expect(f.questions.every((question) => question.answered === f.counts.completed)).toBe(true);
    expect(isIndex(f.dimensions[0]?.index ?? null)).toBe(true);
  });

  it('answers /status through the bot', async () => {
    const t = createTestBot({ db });
    const started = performance.now();
    await t.admin.send('/status');
    const ms = performance.now() - started;
    console.log(`/status on a round of ${COMPLETED} completed responses: ${ms.toFixed(0)} ms`);
    expect(t.admin.lastText()).toMatch(/100000 completed/);
    expect(t.admin.lastText()).toMatch(/Satisfaction with organizational work　\d+\.\d/);
    // Before afterAll closes the database: the inbox writes what it handled a moment later.
    await t.inbox.stop();
  });
});
