import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeDatabase, type Db } from '../../src/db/client.js';
import { QUALITY_FLAGS, responses } from '../../src/db/schema.js';
import { computeFigures, recentSuggestions } from '../../src/figures/figures.js';
import { flagNames, flagsAtSubmit, refreshSpeedFlags } from '../../src/figures/quality.js';
import type { Answer } from '../../src/questionnaire/engine.js';
import { freshFiguresDb, type FiguresWriter, minutes, surveyQuestionnaire } from '../helpers/figures-db.js';
import { defaultQuestionnaire } from '../helpers/questionnaires.js';

let db: Db;
let writer: FiguresWriter;
beforeEach(() => ({ db, writer } = freshFiguresDb()));
afterEach(() => closeDatabase(db));

const q = surveyQuestionnaire();
const seconds = (n: number) => new Date(minutes(0).getTime() + n * 1000);

/** A completed response that took `duration` seconds. */
const took = (round: number, duration: number) =>
  writer.respond(round, { image: '80' }, { startedAt: seconds(0), completedAt: seconds(duration) });

const flagsOf = (id: number) => db.select({ id: responses.id, flags: responses.flags }).from(responses).all().find((r) => r.id === id)?.flags;

describe('a straight line', () => {
  const defaults = defaultQuestionnaire();
  const scaleIds = defaults.questions.filter((x) => x.type === 'scale').map((x) => x.id);
  const answersWith = (values: (string | null)[]) =>
    new Map<string, Answer>(
      scaleIds.flatMap((id, i): [string, Answer][] => {
        const value = values[i];
        if (value === undefined) return [];
        return [[id, value === null ? { kind: 'skipped' } : { kind: 'option', value }]];
      }),
    );

  it('is the same option on every scale question, from six scale answers on', () => {
    expect(scaleIds).toHaveLength(9);
    expect(flagsAtSubmit(defaults, answersWith(Array(9).fill('80')))).toBe(QUALITY_FLAGS.straightLine);
    // 不了解 on everything is a straight line too.
    expect(flagsAtSubmit(defaults, answersWith(Array(9).fill('unknown')))).toBe(QUALITY_FLAGS.straightLine);
    expect(flagsAtSubmit(defaults, answersWith(Array(6).fill('60')))).toBe(QUALITY_FLAGS.straightLine);
  });

  it('is not five alike, nor nine with one different', () => {
    expect(flagsAtSubmit(defaults, answersWith(Array(5).fill('80')))).toBe(0);
    expect(flagsAtSubmit(defaults, answersWith([...Array(8).fill('80'), '60']))).toBe(0);
    // Skipped questions are not answers: five alike and one skipped is five.
    expect(flagsAtSubmit(defaults, answersWith([...Array(5).fill('80'), null]))).toBe(0);
  });

  it('cannot be drawn on a questionnaire of four scale questions', () => {
    const all = new Map<string, Answer>(['work_a', 'work_b', 'image', 'talent'].map((id) => [id, { kind: 'option', value: '100' }]));
    expect(flagsAtSubmit(q, all)).toBe(0);
  });

  it('is named in the export as straight_line, beside too_fast', () => {
    expect(flagNames(0)).toEqual([]);
    expect(flagNames(QUALITY_FLAGS.tooFast | QUALITY_FLAGS.straightLine)).toEqual(['too_fast', 'straight_line']);
  });
});

describe('too fast', () => {
  it('is under a third of the median total time, once 20 responses are completed', () => {
    const round = writer.open(q);
    for (let i = 0; i < 17; i++) took(round, 600);
    const exactlyAThird = took(round, 200);
    const underAThird = took(round, 199);
    refreshSpeedFlags(db, [round]);
    expect(flagsOf(underAThird)).toBe(0); // 19 completed: too few to judge

    const fastest = took(round, 100);
    refreshSpeedFlags(db, [round]);
    // Sorted: 100, 199, 200, 600 × 17: the median of 20 is 600, a third 200.
    expect(flagsOf(fastest)).toBe(QUALITY_FLAGS.tooFast);
    expect(flagsOf(underAThird)).toBe(QUALITY_FLAGS.tooFast);
    expect(flagsOf(exactlyAThird)).toBe(0);
  });

  it('follows the median as it moves, clearing flags that no longer hold and keeping straight lines', () => {
    const round = writer.open(q);
    for (let i = 0; i < 19; i++) took(round, 600);
    const fast = writer.respond(round, { image: '80' }, { startedAt: seconds(0), completedAt: seconds(100), flags: QUALITY_FLAGS.straightLine });
    refreshSpeedFlags(db, [round]);
    expect(flagsOf(fast)).toBe(QUALITY_FLAGS.tooFast | QUALITY_FLAGS.straightLine);

    // 21 more of 150 s: sorted 100, 150 × 21, 600 × 19, the median of 41 is 150, a third 50.
    for (let i = 0; i < 21; i++) took(round, 150);
    refreshSpeedFlags(db, [round]);
    expect(flagsOf(fast)).toBe(QUALITY_FLAGS.straightLine);
  });

  it('leaves partial responses and other rounds alone', () => {
    const first = writer.open(q, minutes(-120));
    const elsewhere = took(first, 1);
    const round = writer.open(q);
    for (let i = 0; i < 20; i++) took(round, 600);
    const partial = writer.respond(round, { image: '80' }, { startedAt: seconds(0), completedAt: null });
    refreshSpeedFlags(db, [round]);
    expect([flagsOf(elsewhere), flagsOf(partial)]).toEqual([0, 0]);
  });
});

describe('QUALITY_FILTER in the figures', () => {
  function roundWithFlagged(): number {
    const round = writer.open(q);
    for (let i = 0; i < 5; i++) writer.respond(round, { image: '80', comment: `好 ${i}` }, { startedAt: minutes(i) });
    writer.respond(round, { image: '0', comment: '快' }, { startedAt: minutes(10), flags: QUALITY_FLAGS.tooFast });
    writer.respond(round, { image: '0', comment: '同' }, { startedAt: minutes(11), flags: QUALITY_FLAGS.straightLine });
    writer.respond(round, { image: '0' }, { startedAt: minutes(12), flags: QUALITY_FLAGS.tooFast | QUALITY_FLAGS.straightLine });
    return round;
  }
  const image = (round: number, leaveOutFlagged: boolean) =>
    computeFigures(db, { roundIds: [round], questionnaire: q, leaveOutFlagged });

  it('on: leaves flagged responses out of every figure and says how many', () => {
    const f = image(roundWithFlagged(), true);
    expect(f.counts).toMatchObject({ completed: 8, totalCompleted: 8 });
    expect(f.quality).toEqual({ flagged: 3, tooFast: 2, straightLine: 2, leftOut: 3 });
    expect(f.questions.find((x) => x.id === 'image')).toMatchObject({ index: 80, answered: 5 });
    expect(f.awareness.rate).toBe(1);
  });

  it('off: counts them, and still says how many are flagged', () => {
    const f = image(roundWithFlagged(), false);
    expect(f.quality).toEqual({ flagged: 3, tooFast: 2, straightLine: 2, leftOut: 0 });
    expect(f.questions.find((x) => x.id === 'image')?.index).toBeCloseTo((5 * 80) / 8);
  });

  it('leaves the suggestions of flagged responses out too', () => {
    const round = roundWithFlagged();
    const texts = (leaveOutFlagged: boolean) =>
      recentSuggestions(db, { roundIds: [round], questionId: 'comment', leaveOutFlagged, limit: 2 }).texts;
    expect(texts(true)).toEqual(['好 4', '好 3']);
    expect(texts(false)).toEqual(['同', '快']);
  });
});
