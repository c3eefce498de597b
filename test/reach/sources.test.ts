import { describe, expect, it } from 'vitest';
import { closeDatabase } from '../../src/db/client.js';
import { responsesBySource } from '../../src/db/sources.js';
import { sourceFigures, sourceLines } from '../../src/reach/sources.js';
import { freshFiguresDb, surveyQuestionnaire } from '../helpers/figures-db.js';
import { REACH_TEXTS } from '../../src/texts/reach.js';

const row = (source: string | null, started: number, completed: number, scored: number, mean: number | null) => ({
  source,
  started,
  completed,
  scored,
  mean,
  moments: null,
});

describe('figures per source', () => {
  it('show counts as they are and an index only from five scored respondents on', () => {
    const figures = sourceFigures([row('four', 4, 4, 4, 90), row('five', 6, 5, 5, 72.5), row(null, 9, 5, 4, 60)]);
    expect(figures).toEqual([
      { source: null, started: 9, completed: 5, index: null, estimate: null },
      { source: 'five', started: 6, completed: 5, index: 72.5, estimate: null },
      { source: 'four', started: 4, completed: 4, index: null, estimate: null },
    ]);
  });

  it('give the pooled index its margin from each respondent\'s own scores, as the query sums them', () => {
    // Five respondents, two scores each, totals 160, 120, 200, 60, 100: their means 80, 60, 100, 30, 50.
    // Index 64; the per-person deviations 16, −4, 36, −34, −14 square to 2,920, so SE² = 2,920 / 4 / 5 = 146
    // and the margin is t(4) · √146 = 2.776 · 12.083 = 33.5.
    const { db, writer } = freshFiguresDb();
    try {
      const round = writer.open(surveyQuestionnaire());
      for (const [a, b] of [['80', '80'], ['60', '60'], ['100', '100'], ['30', '30'], ['100', '0']] as const) {
        writer.respond(round, { work_a: a, image: b });
      }
      db.$client.prepare("UPDATE responses SET source = 'gate'").run();
      const [gate] = sourceFigures(responsesBySource(db, [round], { scores: true }));
      expect(gate?.index).toBeCloseTo(64);
      expect(gate?.estimate?.n).toBe(5);
      expect(gate?.estimate?.margin).toBeCloseTo(2.776 * Math.sqrt(146), 1);
      expect(sourceLines([gate!], REACH_TEXTS.en, { max: 5, tagLength: 20, withIndex: true })[0]).toBe(
        '<code>gate</code>: 5 completed / 5 started, index 64.0 ±33.5 (n = 5)',
      );
    } finally {
      closeDatabase(db);
    }
  });

  it('order by completed, then started, then tag', () => {
    const order = sourceFigures([row('b', 3, 1, 0, null), row('a', 3, 1, 0, null), row('c', 9, 1, 0, null), row('d', 1, 2, 0, null)]);
    expect(order.map((s) => s.source)).toEqual(['d', 'c', 'a', 'b']);
  });

  it('read in every language, tags shortened and escaped, and say how many more there are', () => {
    const figures = sourceFigures([row('x'.repeat(64), 7, 6, 6, 81.25), row(null, 2, 1, 1, 50), row('<i>', 1, 0, 0, null)]);
    const options = { max: 2, tagLength: 10, withIndex: true };
    expect(sourceLines(figures, REACH_TEXTS['zh-Hant'], options)).toEqual([
      `<code>${'x'.repeat(9)}…</code>：完成 6／開始 7，指數 81.3`,
      '直接進入：完成 1／開始 2',
      '…另有 1 個來源',
    ]);
    expect(sourceLines(figures, REACH_TEXTS.en, { ...options, max: 3, withIndex: false })[2]).toBe('<code>&lt;i&gt;</code>: 0 completed / 1 started');
  });
});
