import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase, type Db } from '../../src/db/client.js';
import { closeOpenRound } from '../../src/db/rounds.js';
import {
  MIN_GROUP_SIZE,
  computeFigures,
  recentSuggestions,
  type RoundFigures,
} from '../../src/figures/figures.js';
import { answerRange, queryCounts } from '../../src/figures/queries.js';
import { DAY, figuresWriter, minutes, surveyQuestionnaire } from '../helpers/figures-db.js';
import { smallQuestionnaire } from '../helpers/questionnaires.js';

let db: Db;
let open: ReturnType<typeof figuresWriter>['open'];
let respond: ReturnType<typeof figuresWriter>['respond'];

beforeEach(() => {
  db = openDatabase(':memory:');
  ({ open, respond } = figuresWriter(db));
});

afterEach(() => {
  closeDatabase(db);
});

const q = surveyQuestionnaire();
const figuresOf = (roundId: number, extra: Partial<Parameters<typeof computeFigures>[1]> = {}) =>
  computeFigures(db, { roundIds: [roundId], questionnaire: q, ...extra });
const question = (f: RoundFigures, id: string) => f.questions.find((x) => x.id === id)!;
const dimension = (f: RoundFigures, id: string) => f.dimensions.find((x) => x.id === id)!;
const distribution = (f: RoundFigures, id: string) => f.distributions.find((x) => x.questionId === id)!;

/** Every number anywhere in the figures, with its path, to look for NaN and Infinity. */
function numbersIn(value: unknown, path = '$'): [string, number][] {
  if (typeof value === 'number') return [[path, value]];
  if (Array.isArray(value)) return value.flatMap((item, i) => numbersIn(item, `${path}[${i}]`));
  if (value instanceof Date) return [[path, value.getTime()]];
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => numbersIn(item, `${path}.${key}`));
  }
  return [];
}

describe('satisfaction of a question', () => {
  it('averages the five scores, leaving 不了解 out of the index and the rate but not out of awareness', () => {
    const round = open(q);
    for (const value of ['100', '80', '60', '30', '0', '80', 'unknown']) respond(round, { work_a: value });

    const f = question(figuresOf(round), 'work_a');
    expect(f.answered).toBe(7);
    expect(f.known).toBe(6);
    expect(f.index).toBeCloseTo((100 + 80 + 60 + 30 + 0 + 80) / 6);
    expect(f.satisfactionRate).toBeCloseTo(4 / 6); // 100, 80, 60, 80 are at least 基本滿意
    expect(f.awarenessRate).toBeCloseTo(6 / 7);
    expect(f.withheld).toBe(false);
  });

  it('counts 基本滿意 (60) as satisfied and 不太滿意 (30) as not', () => {
    const round = open(q);
    for (const value of ['60', '60', '30', '30', '30']) respond(round, { image: value });

    const f = question(figuresOf(round), 'image');
    expect(f.satisfactionRate).toBeCloseTo(2 / 5);
    expect(f.index).toBeCloseTo((60 + 60 + 30 + 30 + 30) / 5);
  });

  it('leaves skipped answers out of everything', () => {
    const round = open(q);
    for (const value of ['100', '80', '80', '0', '0', null, null]) respond(round, { talent: value });

    const f = question(figuresOf(round), 'talent');
    expect(f.answered).toBe(5);
    expect(f.index).toBeCloseTo((100 + 80 + 80 + 0 + 0) / 5);
    expect(f.awarenessRate).toBe(1);
  });

  it('has no index but an awareness rate when everyone said 不了解', () => {
    const round = open(q);
    for (let i = 0; i < 5; i++) respond(round, { image: 'unknown' });

    const f = question(figuresOf(round), 'image');
    expect(f).toMatchObject({ index: null, satisfactionRate: null, awarenessRate: 0, known: 0, withheld: false });
  });

  it('lists the lowest-scoring questions, lowest first', () => {
    const round = open(q);
    const scores = { work_a: '80', work_b: '30', image: '60', talent: '100' };
    for (let i = 0; i < 5; i++) respond(round, scores);

    const f = figuresOf(round, { lowestCount: 2 });
    expect(f.lowest.map((x) => [x.id, x.index])).toEqual([
      ['work_b', 30],
      ['image', 60],
    ]);
    expect(figuresOf(round).lowest.map((x) => x.id)).toEqual(['work_b', 'image', 'work_a']);
  });
});

describe('dimensions and composite indexes', () => {
  it('pools the answers of all questions of a dimension rather than averaging question means', () => {
    const round = open(q);
    respond(round, { work_a: '100', work_b: '0', image: '80' });
    respond(round, { work_a: '100', work_b: '0', image: '80' });
    respond(round, { work_a: '100', work_b: null, image: '60' });
    respond(round, { work_a: '80', work_b: null, image: '60' });
    respond(round, { work_a: '60', work_b: 'unknown', image: '30' });

    const f = figuresOf(round);
    const work = dimension(f, 'work');
    const workIndex = (100 + 0 + 100 + 0 + 100 + 80 + 60) / 7;
    expect(work.index).toBeCloseTo(workIndex);
    expect(work.index).not.toBeCloseTo(((100 + 100 + 100 + 80 + 60) / 5 + (0 + 0) / 2) / 2);
    expect(work.satisfactionRate).toBeCloseTo(5 / 7);
    expect(work.awarenessRate).toBeCloseTo(7 / 8); // 8 answers, one 不了解
    expect(work.respondents).toBe(5); // each respondent once, whatever they answered
    expect(work.questionIds).toEqual(['work_a', 'work_b']);

    const imageIndex = (80 + 80 + 60 + 60 + 30) / 5;
    expect(dimension(f, 'image').index).toBeCloseTo(imageIndex);
    expect(f.indexes).toEqual([
      {
        id: 'headline',
        dimensions: ['work', 'image'],
        value: expect.closeTo((workIndex + imageIndex) / 2),
        withheld: false,
        // Each respondent's part, e = ½[(work sum − R_w·work count) / (7/5) + (image − R_i)],
        // with R_w = 440/7, R_i = 62: −0.1837, −0.1837, 12.2653, 5.1224, −17.0204;
        // Σe² = 466.44, variance 466.44 / (5·4) = 23.322, margin t(4) · √23.322 = 2.776 · 4.829.
        estimate: {
          value: expect.closeTo((workIndex + imageIndex) / 2),
          n: 5,
          variance: expect.closeTo(23.322, 3),
          margin: expect.closeTo(2.776 * Math.sqrt(23.322), 3),
        },
      },
    ]);
    // A dimension that pools two questions takes its margin from people too: work sums
    // 100, 100, 100, 80, 60 over 2, 2, 1, 1, 1 scores; residuals /1.4: −18.367, −18.367, 26.531, 12.245, −2.041.
    expect(work.indexEstimate).toMatchObject({ n: 5, variance: expect.closeTo((2 * 18.367 ** 2 + 26.531 ** 2 + 12.245 ** 2 + 2.041 ** 2) / 20, 2) });
    // A question's own margin from its answers: image 80, 80, 60, 60, 30, mean 62, sample variance 420.
    expect(dimension(f, 'image').indexEstimate).toMatchObject({ n: 5, margin: expect.closeTo(2.776 * Math.sqrt(420 / 5), 9) });
    expect(dimension(f, 'image').satisfactionInterval).toMatchObject({ value: 0.8, n: 5 });
    // work_b alone has 3 answers: withheld as a question, yet it counts inside its dimension.
    expect(question(f, 'work_b')).toMatchObject({ index: null, withheld: true, answered: 3 });
  });

  it('keeps the dimensions in questionnaire order', () => {
    const f = figuresOf(open(q));
    expect(f.dimensions.map((d) => d.id)).toEqual(['work', 'image', 'talent']);
  });

  it('has no composite index when one of its dimensions has none', () => {
    const round = open(q);
    for (let i = 0; i < 5; i++) respond(round, { work_a: '80' });

    const f = figuresOf(round);
    expect(dimension(f, 'work').index).toBe(80);
    expect(dimension(f, 'image').index).toBeNull();
    expect(f.indexes[0]).toMatchObject({ value: null, withheld: false });
  });

  it('shows the overall awareness rate of five respondents even when no question alone has five', () => {
    const round = open(q);
    for (let i = 0; i < 3; i++) respond(round, { work_a: 'unknown' });
    for (let i = 0; i < 3; i++) respond(round, { image: '80' });

    const f = figuresOf(round);
    expect(f.awareness).toEqual({ rate: 3 / 6, withheld: false });
    expect(f.questions.every((x) => x.withheld || x.answered === 0)).toBe(true);
  });

  it('gives the overall awareness rate over every scale answer', () => {
    const round = open(q);
    for (let i = 0; i < 5; i++) respond(round, { work_a: '80', image: i < 2 ? 'unknown' : '60' });

    expect(figuresOf(round).awareness).toEqual({ rate: (10 - 2) / 10, withheld: false });
  });
});

describe('the five-respondent rule', () => {
  it('withholds the figures of four respondents and shows those of five', () => {
    expect(MIN_GROUP_SIZE).toBe(5);
    const round = open(q);
    for (const value of ['100', '80', '60', '30']) respond(round, { role: 'member', image: value });

    const four = figuresOf(round);
    expect(question(four, 'image')).toMatchObject({
      index: null,
      satisfactionRate: null,
      awarenessRate: null,
      known: null,
      withheld: true,
    });
    expect(dimension(four, 'image')).toMatchObject({ index: null, withheld: true, respondents: 4 });
    expect(four.indexes[0]).toMatchObject({ value: null, withheld: true });
    expect(four.awareness).toEqual({ rate: null, withheld: true });
    expect(four.lowest).toEqual([]);
    expect(distribution(four, 'role')).toMatchObject({
      respondents: 4,
      withheld: true,
      options: [],
      withheldCount: 0,
    });

    respond(round, { role: 'member', image: '0' });
    const five = figuresOf(round);
    expect(question(five, 'image')).toMatchObject({ index: (100 + 80 + 60 + 30 + 0) / 5, withheld: false });
    expect(distribution(five, 'role').options).toEqual([{ value: 'member', count: 5, share: 1 }]);
  });

  it('withholds the index when fewer than five knew enough to answer, but not the awareness rate', () => {
    const round = open(q);
    for (const value of ['80', '80', '60', 'unknown', 'unknown', 'unknown']) respond(round, { image: value });

    const f = question(figuresOf(round), 'image');
    expect(f).toMatchObject({ index: null, satisfactionRate: null, withheld: true, answered: 6, known: 3 });
    expect(f.awarenessRate).toBeCloseTo(3 / 6);
  });

  it('folds a category of fewer than five into one unnamed bucket of the respondent mix', () => {
    const round = open(q);
    for (let i = 0; i < 6; i++) respond(round, { role: 'public' });
    for (let i = 0; i < 5; i++) respond(round, { role: 'member' });
    for (let i = 0; i < 3; i++) respond(round, { role: 'cadre' });

    const mix = figuresOf(round, { respondentQuestion: 'role' }).respondentMix;
    expect(mix).toEqual({
      questionId: 'role',
      type: 'choice',
      respondents: 14,
      withheld: false,
      options: [
        { value: 'member', count: 5, share: 5 / 14 },
        { value: 'public', count: 6, share: 6 / 14 },
      ],
      withheldCount: 3,
    });
  });

  it('folds rarely chosen options of a multi question too, and sorts the improvements by count', () => {
    const round = open(q);
    for (let i = 0; i < 5; i++) respond(round, { improve: ['fairness', 'openness'] });
    for (let i = 0; i < 2; i++) respond(round, { improve: ['conduct', 'openness'] });

    const improvements = figuresOf(round, { improvementQuestion: 'improve' }).improvements;
    expect(improvements).toMatchObject({ respondents: 7, withheld: false, withheldCount: 2 });
    expect(improvements?.options).toEqual([
      { value: 'openness', count: 7, share: 1 },
      { value: 'fairness', count: 5, share: 5 / 7 },
    ]);
  });

  it('gives no suggestions while fewer than five responses are completed', () => {
    const round = open(q);
    for (let i = 0; i < 4; i++) respond(round, { comment: `建議 ${i}` }, { startedAt: minutes(i) });
    expect(recentSuggestions(db, { roundIds: [round], questionId: 'comment' })).toEqual({
      texts: [],
      withheld: true,
    });

    respond(round, { comment: null }, { startedAt: minutes(4) });
    respond(round, { comment: '建議 5' }, { startedAt: minutes(5) });
    expect(recentSuggestions(db, { roundIds: [round], questionId: 'comment', limit: 3 })).toEqual({
      texts: ['建議 5', '建議 3', '建議 2'],
      withheld: false,
    });
  });
});

describe('which responses count', () => {
  it('counts responses completed within the window, and started ones by when they started', () => {
    const round = open(q);
    const week = { from: minutes(7 * DAY), to: minutes(14 * DAY) };
    // Before the window: started and completed.
    for (let i = 0; i < 3; i++) respond(round, { image: '0' }, { startedAt: minutes(DAY) });
    // Started before, completed within.
    respond(round, { image: '100' }, { startedAt: minutes(6 * DAY), completedAt: minutes(7 * DAY) });
    // Started and completed within, with two that do not count among them:
    for (let i = 0; i < 4; i++) {
      respond(round, { image: '80' }, { startedAt: minutes(8 * DAY + i) });
      // started within, completed at the end of the window, which is excluded;
      if (i === 1) respond(round, { image: '0' }, { startedAt: minutes(9 * DAY), completedAt: minutes(14 * DAY) });
      // started within, still partial.
      if (i === 2) respond(round, { image: '0' }, { startedAt: minutes(10 * DAY), completedAt: null });
    }

    const f = figuresOf(round, { window: week });
    expect(f.counts).toEqual({
      started: 4 + 1 + 1,
      completed: 1 + 4,
      completionRate: 4 / 6, // of the six started within, four completed within
      totalCompleted: 3 + 1 + 4,
      held: 0,
    });
    expect(question(f, 'image').index).toBeCloseTo((100 + 80 * 4) / 5);
    expect(f.window).toEqual({ from: week.from, to: week.to });

    const whole = figuresOf(round);
    expect(whole.counts).toEqual({ started: 10, completed: 9, completionRate: 9 / 10, totalCompleted: 9, held: 0 });
    expect(question(whole, 'image').index).toBeCloseTo((0 * 3 + 100 + 80 * 4 + 0) / 9);
  });

  it('counts a response completed long after it started, among many that do not count', () => {
    const round = open(q);
    const week = { from: minutes(7 * DAY), to: minutes(14 * DAY) };
    const late = { startedAt: minutes(DAY), completedAt: minutes(8 * DAY) };
    respond(round, { image: '100', improve: ['openness'] }, late);
    for (let i = 0; i < 8; i++) {
      respond(round, { image: '0', improve: ['fairness'] }, { startedAt: minutes(2 * DAY + i) });
    }
    for (let i = 0; i < 4; i++) {
      respond(round, { image: '80', improve: ['openness'] }, { startedAt: minutes(8 * DAY + i) });
    }

    // The eight answered before the window lie between the first response and the others.
    const scope = { rounds: JSON.stringify([round]), from: week.from.getTime(), to: week.to.getTime(), filter: 0 as const, cut: Number.MAX_SAFE_INTEGER };
    expect(answerRange(db, queryCounts(db, scope))).toMatchObject({ check: 'included', whole: false });
    const f = figuresOf(round, { window: week });
    expect(f.counts).toMatchObject({ started: 4, completed: 5, totalCompleted: 13 });
    expect(question(f, 'image').index).toBeCloseTo((100 + 80 * 4) / 5);
    expect(distribution(f, 'improve')).toMatchObject({
      respondents: 5,
      options: [{ value: 'openness', count: 5 }],
    });
  });

  it('leaves partial responses out of the figures but counts them as started', () => {
    const round = open(q);
    // Partial responses sit between completed ones, as they do in a real round.
    for (let i = 0; i < 5; i++) {
      respond(round, { role: 'public', image: '100', improve: ['fairness'] });
      respond(round, { role: 'member', image: '0', improve: ['conduct'] }, { completedAt: null });
    }

    const scope = { rounds: JSON.stringify([round]), from: Number.MIN_SAFE_INTEGER, to: Number.MAX_SAFE_INTEGER, filter: 0 as const, cut: Number.MAX_SAFE_INTEGER };
    expect(answerRange(db, queryCounts(db, scope))).toMatchObject({ check: 'excluded', whole: false });
    const f = figuresOf(round);
    expect(f.counts).toMatchObject({ started: 10, completed: 5, completionRate: 0.5, totalCompleted: 5 });
    expect(question(f, 'image')).toMatchObject({ index: 100, answered: 5 });
    expect(distribution(f, 'role').options).toEqual([{ value: 'public', count: 5, share: 1 }]);
    expect(distribution(f, 'improve')).toMatchObject({
      respondents: 5,
      options: [{ value: 'fairness', count: 5, share: 1 }],
    });
  });

  it('reads only the given rounds, and adds up two of them', () => {
    const first = open(q, minutes(-60));
    for (let i = 0; i < 5; i++) respond(first, { image: '100' });
    const second = open(q, minutes(DAY));
    for (let i = 0; i < 5; i++) respond(second, { image: '0' }, { startedAt: minutes(DAY + i) });

    expect(question(figuresOf(second), 'image').index).toBe(0);
    expect(question(figuresOf(first), 'image').index).toBe(100);
    const both = computeFigures(db, { roundIds: [first, second], questionnaire: q });
    expect(both.counts.completed).toBe(10);
    expect(question(both, 'image').index).toBe(50);
  });

  it('gives an empty round counts of zero and no figures, without NaN anywhere', () => {
    const round = open(q);
    const f = figuresOf(round, { respondentQuestion: 'role', improvementQuestion: 'improve' });

    expect(f.counts).toEqual({ started: 0, completed: 0, completionRate: null, totalCompleted: 0, held: 0 });
    for (const x of [...f.questions, ...f.dimensions]) {
      expect(x).toMatchObject({ index: null, satisfactionRate: null, awarenessRate: null, withheld: false });
    }
    expect(f.indexes[0]?.value).toBeNull();
    expect(f.awareness.rate).toBeNull();
    expect(f.lowest).toEqual([]);
    expect(f.respondentMix).toMatchObject({ respondents: 0, options: [], withheldCount: 0 });
    expect(f.improvements).toMatchObject({ respondents: 0, options: [] });
    const notFinite = (figures: RoundFigures) => numbersIn(figures).filter(([, n]) => !Number.isFinite(n));
    expect(notFinite(f)).toEqual([]);
    expect(notFinite(computeFigures(db, { roundIds: [], questionnaire: q }))).toEqual([]);
  });
});

describe('distributions', () => {
  it('counts the options of a choice question, and each chosen option of a multi once per response', () => {
    const round = open(q);
    const improve: readonly string[][] = [
      ['fairness', 'conduct', 'openness'],
      ['fairness', 'conduct'],
      ['fairness', 'openness'],
      ['fairness', 'conduct', 'openness'],
      ['fairness', 'conduct', 'openness'],
      ['conduct', 'openness'],
    ];
    improve.forEach((chosen, i) => respond(round, { role: i < 5 ? 'public' : 'member', improve: chosen }));
    respond(round, { role: 'public', improve: null });

    const f = figuresOf(round);
    expect(distribution(f, 'role')).toEqual({
      questionId: 'role',
      type: 'choice',
      respondents: 7,
      withheld: false,
      options: [{ value: 'public', count: 6, share: 6 / 7 }],
      withheldCount: 1,
    });
    expect(distribution(f, 'improve')).toEqual({
      questionId: 'improve',
      type: 'multi',
      respondents: 6, // the skipped answer is not one
      withheld: false,
      options: [
        { value: 'fairness', count: 5, share: 5 / 6 },
        { value: 'conduct', count: 5, share: 5 / 6 },
        { value: 'openness', count: 5, share: 5 / 6 },
      ],
      withheldCount: 0,
    });
    expect(f.distributions.map((d) => d.questionId)).toEqual(['role', 'improve']);
  });

  it('works on the small questionnaire, whose conditional question few answer', () => {
    const small = smallQuestionnaire();
    const round = open(small);
    for (const satisfaction of ['100', '80', '80', '60', '30', '0']) {
      respond(round, {
        role: 'member',
        satisfaction,
        ...(satisfaction === '30' || satisfaction === '0' ? { reason: 'slow' } : {}),
        channels: ['board', 'meeting'],
        comment: null,
      });
    }

    const f = computeFigures(db, { roundIds: [round], questionnaire: small, respondentQuestion: 'role' });
    expect(f.dimensions[0]?.index).toBeCloseTo((100 + 80 + 80 + 60 + 30 + 0) / 6);
    expect(f.indexes[0]?.value).toBeCloseTo((100 + 80 + 80 + 60 + 30 + 0) / 6);
    expect(distribution(f, 'reason')).toMatchObject({ respondents: 2, withheld: true, options: [] });
    expect(distribution(f, 'channels').options.map((o) => [o.value, o.count])).toEqual([
      ['board', 6],
      ['meeting', 6],
    ]);
  });

  it('refuses a respondent question that is not a choice or multi question', () => {
    const round = open(q);
    expect(() => figuresOf(round, { respondentQuestion: 'comment' })).toThrow(/respondentQuestion comment/);
  });
});

describe('no differencing while a round is open', () => {
  it('counts completions only up to the last multiple of five, in completion order, until the round closes', () => {
    const { openLive } = figuresWriter(db);
    const round = openLive(q);
    for (let i = 0; i < 5; i++) respond(round, { image: '100' }, { startedAt: minutes(i) });
    const five = figuresOf(round);
    expect(five.counts).toMatchObject({ completed: 5, held: 0 });

    // A sixth resident submits: nothing shown moves, so nothing tells their answer.
    respond(round, { image: '0' }, { startedAt: minutes(10) });
    const six = figuresOf(round);
    expect(six.counts).toMatchObject({ started: 6, completed: 5, held: 1, totalCompleted: 6 });
    expect(question(six, 'image')).toEqual(question(five, 'image'));

    // Four more make ten: all ten count.
    for (let i = 0; i < 4; i++) respond(round, { image: '0' }, { startedAt: minutes(20 + i) });
    const ten = figuresOf(round);
    expect(ten.counts).toMatchObject({ completed: 10, held: 0 });
    expect(question(ten, 'image').index).toBe(50);

    // The eleventh waits while the round is open, and counts once it closes.
    respond(round, { image: '0' }, { startedAt: minutes(30) });
    expect(figuresOf(round).counts).toMatchObject({ completed: 10, held: 1 });
    closeOpenRound(db, minutes(40));
    expect(figuresOf(round).counts).toMatchObject({ completed: 11, held: 0 });
  });

  it('counts in a week only the held-back responses completed that week', () => {
    const { openLive } = figuresWriter(db);
    const round = openLive(q);
    // Six completed the week before: the sixth is held back, and not this week's.
    for (let i = 0; i < 6; i++) respond(round, { image: '100' }, { startedAt: minutes(DAY + i) });
    const thisWeek = { from: minutes(7 * DAY), to: minutes(14 * DAY) };
    expect(figuresOf(round, { window: thisWeek }).counts).toMatchObject({ completed: 0, held: 0 });
    expect(figuresOf(round, { window: { from: minutes(0), to: thisWeek.from } }).counts).toMatchObject({ completed: 5, held: 1 });
    // One more this week: held back with it.
    respond(round, { image: '0' }, { startedAt: minutes(8 * DAY) });
    expect(figuresOf(round, { window: thisWeek }).counts).toMatchObject({ completed: 0, held: 1 });
    expect(figuresOf(round).counts).toMatchObject({ completed: 5, held: 2 });
  });

  it('shows nothing of an open round with four completed', () => {
    const { openLive } = figuresWriter(db);
    const round = openLive(q);
    for (let i = 0; i < 4; i++) respond(round, { image: '100' }, { startedAt: minutes(i) });
    expect(figuresOf(round).counts).toMatchObject({ started: 4, completed: 0, held: 4 });
  });
});
