import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeDatabase, type Db } from '../../src/db/client.js';
import { findRound } from '../../src/db/rounds.js';
import { roundTrend, roundWeeks, weeklyTrend, type TrendPoint } from '../../src/figures/trends.js';
import { DAY, freshFiguresDb, type FiguresWriter, minutes, surveyQuestionnaire } from '../helpers/figures-db.js';

let db: Db;
let writer: FiguresWriter;
beforeEach(() => ({ db, writer } = freshFiguresDb()));
afterEach(() => closeDatabase(db));

const q = surveyQuestionnaire();
const headline = (p: TrendPoint) => p.figures.indexes[0]?.value ?? null;
const round = (id: number) => findRound(db, id)!;

describe('the weeks of a round', () => {
  it('start when the round opened, seven days each, up to the week we are in', () => {
    const weeks = roundWeeks({ openedAt: minutes(0), closedAt: null }, minutes(16 * DAY));
    expect(weeks).toEqual([
      { week: 1, from: minutes(0), to: minutes(7 * DAY) },
      { week: 2, from: minutes(7 * DAY), to: minutes(14 * DAY) },
      { week: 3, from: minutes(14 * DAY), to: minutes(21 * DAY) },
    ]);
    // A round opened a moment ago, and the first instant of a new week.
    expect(roundWeeks({ openedAt: minutes(0), closedAt: null }, minutes(0))).toEqual([{ week: 1, from: minutes(0), to: minutes(7 * DAY) }]);
    expect(roundWeeks({ openedAt: minutes(0), closedAt: null }, minutes(7 * DAY))).toHaveLength(2);
  });

  it('end when a closed round closed', () => {
    expect(roundWeeks({ openedAt: minutes(0), closedAt: minutes(10 * DAY) }, minutes(30 * DAY))).toEqual([
      { week: 1, from: minutes(0), to: minutes(7 * DAY) },
      { week: 2, from: minutes(7 * DAY), to: minutes(10 * DAY) },
    ]);
    expect(roundWeeks({ openedAt: minutes(0), closedAt: minutes(14 * DAY) }, minutes(30 * DAY))).toHaveLength(2);
  });
});

describe('the weekly trend', () => {
  it('gives each week the indexes of the responses completed in it, withheld where fewer than five', async () => {
    const id = writer.open(q, minutes(0));
    for (let i = 0; i < 5; i++) writer.respond(id, { work_a: '80', image: '80' }, { startedAt: minutes(DAY + i) });
    for (let i = 0; i < 5; i++) writer.respond(id, { work_a: '60', image: '30' }, { startedAt: minutes(8 * DAY + i) });
    // Started in week 2, completed in week 3: it belongs to week 3.
    writer.respond(id, { work_a: '0', image: '0' }, { startedAt: minutes(13 * DAY), completedAt: minutes(15 * DAY) });
    for (let i = 0; i < 2; i++) writer.respond(id, { work_a: '0', image: '0' }, { startedAt: minutes(15 * DAY + i) });

    const points = await weeklyTrend(db, round(id), { until: minutes(17 * DAY), leaveOutFlagged: true });
    expect(points.map((p) => [p.week, p.figures.counts.completed, headline(p)])).toEqual([
      [1, 5, 80],
      [2, 5, (60 + 30) / 2],
      [3, 3, null],
    ]);
    expect(points[2]?.figures.indexes[0]?.withheld).toBe(true);
    expect(points[1]?.figures.dimensions.map((d) => [d.id, d.index])).toEqual([
      ['work', 60],
      ['image', 30],
      ['talent', null],
    ]);
  });
});

describe('round over round', () => {
  it('gives each round its whole-round indexes, oldest first', async () => {
    const first = writer.open(q, minutes(-60));
    for (let i = 0; i < 5; i++) writer.respond(first, { work_a: '100', image: '60' });
    const second = writer.open(q, minutes(DAY));
    for (let i = 0; i < 6; i++) writer.respond(second, { work_a: i < 3 ? '80' : '30', image: '30' }, { startedAt: minutes(DAY + i) });

    const points = await roundTrend(db, [round(second), round(first)], true);
    expect(points.map((p) => [p.roundId, p.week, headline(p)])).toEqual([
      [first, null, 80],
      [second, null, ((3 * 80 + 3 * 30) / 6 + 30) / 2],
    ]);
  });
});
