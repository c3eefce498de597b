import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeDatabase, type Db } from '../../src/db/client.js';
import { QUALITY_FLAGS } from '../../src/db/schema.js';
import { computeFigures } from '../../src/figures/figures.js';
import { computeGroups, furthestBelow, groupQuestionOf, type GroupFigures } from '../../src/figures/groups.js';
import { freshFiguresDb, type FiguresWriter, surveyQuestionnaire } from '../helpers/figures-db.js';
import { smallQuestionnaire } from '../helpers/questionnaires.js';

let db: Db;
let writer: FiguresWriter;
beforeEach(() => ({ db, writer } = freshFiguresDb()));
afterEach(() => closeDatabase(db));

const q = surveyQuestionnaire();
const groupsOf = async (round: number, leaveOutFlagged = false) =>
  (await computeGroups(db, { roundIds: [round], questionnaire: q, leaveOutFlagged }, 'role')).groups;
const dim = (g: GroupFigures | undefined, id: string) => g?.dimensions.find((d) => d.id === id);
const times = (n: number, answers: Parameters<typeof writer.respond>[1], round: number, flags = 0) => {
  for (let i = 0; i < n; i++) writer.respond(round, answers, { flags });
};

describe('indexes by respondent group', () => {
  it('folds groups of fewer than five into one unnamed line and withholds cells of fewer than five known answers', async () => {
    const round = writer.open(q);
    times(4, { role: 'public', work_a: '80', image: '60' }, round);
    times(2, { role: 'public', work_a: '80', image: 'unknown' }, round);
    times(4, { role: 'member', work_a: '100', image: '100' }, round);
    times(3, { role: 'cadre', work_a: '30', image: '0' }, round);

    const [publicGroup, others, ...rest] = await groupsOf(round);
    expect(rest).toEqual([]);
    // 群眾: six respondents, but only four knew enough to rate the image.
    expect(publicGroup).toMatchObject({ value: 'public', respondents: 6 });
    expect(dim(publicGroup, 'work')).toMatchObject({ index: 80, withheld: false });
    expect(dim(publicGroup, 'image')).toMatchObject({ index: null, withheld: true });
    expect(publicGroup?.indexes).toEqual([{ id: 'headline', dimensions: ['work', 'image'], value: null, withheld: true, estimate: null }]);
    // 黨員 (4) and 幹部 (3) together, never named.
    expect(others).toMatchObject({ value: null, respondents: 7 });
    const work = (4 * 100 + 3 * 30) / 7;
    const image = (4 * 100 + 3 * 0) / 7;
    expect(dim(others, 'work')?.index).toBeCloseTo(work);
    expect(dim(others, 'image')?.index).toBeCloseTo(image);
    expect(others?.indexes[0]?.value).toBeCloseTo((work + image) / 2);
  });

  it('names every group of five or more, in questionnaire order, and has no folded line when none is small', async () => {
    const round = writer.open(q);
    times(5, { role: 'cadre', work_a: '60', image: '60' }, round);
    times(5, { role: 'member', work_a: '30', image: '30' }, round);
    times(5, { role: 'public', work_a: '100', image: '100' }, round);

    const groups = await groupsOf(round);
    expect(groups.map((g) => [g.value, g.respondents, g.indexes[0]?.value])).toEqual([
      ['member', 5, 30],
      ['public', 5, 100],
      ['cadre', 5, 60],
    ]);
  });

  it('counts respondents, not answers, behind a dimension that pools two questions', async () => {
    const round = writer.open(q);
    // Ten answers to `work` but five people, all of whom knew one of its questions.
    times(5, { role: 'public', work_a: '80', work_b: 'unknown', image: '80' }, round);
    const [group] = await groupsOf(round);
    expect(dim(group, 'work')).toMatchObject({ index: 80, respondents: 5, awarenessRate: 0.5, withheld: false });
  });

  it('leaves flagged responses out when the quality filter is on', async () => {
    const round = writer.open(q);
    times(5, { role: 'public', work_a: '100', image: '100' }, round);
    times(3, { role: 'public', work_a: '0', image: '0' }, round, QUALITY_FLAGS.tooFast);

    expect((await groupsOf(round, true))[0]).toMatchObject({ respondents: 5, indexes: [{ value: 100 }] });
    expect((await groupsOf(round, false))[0]).toMatchObject({ respondents: 8, indexes: [{ value: (5 * 100) / 8 }] });
  });

  it('has no groups when no response counts', async () => {
    expect(await groupsOf(writer.open(q))).toEqual([]);
  });
});

describe('the group furthest below the overall index', () => {
  it('is the named group with the lowest value under the overall one, per headline index', async () => {
    const round = writer.open(q);
    times(30, { role: 'member', work_a: '30', image: '30' }, round);
    times(30, { role: 'public', work_a: '100', image: '100' }, round);
    times(30, { role: 'cadre', work_a: '60', image: '60' }, round);
    const overall = computeFigures(db, { roundIds: [round], questionnaire: q }).indexes;
    const overallValue = (30 * 30 + 30 * 100 + 30 * 60) / 90;
    expect(overall[0]?.value).toBeCloseTo(overallValue);

    const gaps = furthestBelow(overall, await computeGroups(db, { roundIds: [round], questionnaire: q }, 'role'));
    expect(gaps).toEqual([{ indexId: 'headline', group: 'member', value: 30, overall: expect.closeTo(overallValue) }]);
  });

  it('is nobody when every named group is at or above the overall index, or only the folded line is below', async () => {
    const round = writer.open(q);
    times(5, { role: 'public', work_a: '80', image: '80' }, round);
    times(3, { role: 'member', work_a: '0', image: '0' }, round);
    const overall = computeFigures(db, { roundIds: [round], questionnaire: q }).indexes;
    expect(furthestBelow(overall, await computeGroups(db, { roundIds: [round], questionnaire: q }, 'role'))).toEqual([]);
  });
});

describe('the group furthest below, honestly', () => {
  it('is nobody when the gap is within its margin, or a group has fewer than 30 respondents', async () => {
    const round = writer.open(q);
    // 30 members at 60 or 80 alike, 30 publics a little lower: 2 points, well inside the margin.
    for (let i = 0; i < 30; i++) times(1, { role: 'member', work_a: i % 2 ? '80' : '60', image: i % 2 ? '80' : '60' }, round);
    for (let i = 0; i < 30; i++) times(1, { role: 'public', work_a: i % 3 ? '60' : '80', image: i % 3 ? '60' : '80' }, round);
    const gaps = async () =>
      furthestBelow(computeFigures(db, { roundIds: [round], questionnaire: q }).indexes, await computeGroups(db, { roundIds: [round], questionnaire: q }, 'role'));
    expect(await gaps()).toEqual([]);
    // Ten cadres far below: a real-looking gap, but too few to judge.
    times(10, { role: 'cadre', work_a: '0', image: '0' }, round);
    expect(await gaps()).toEqual([]);
  });
});

describe('the group question', () => {
  it('is the report respondent question when it is a choice question', async () => {
    expect(groupQuestionOf(smallQuestionnaire())).toBe('role');
    expect(groupQuestionOf(q)).toBeNull(); // names no respondent question
  });
});
