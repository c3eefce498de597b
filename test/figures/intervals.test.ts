import { describe, expect, it } from 'vitest';
import {
  addRespondent,
  compareEstimates,
  emptyPooledSums,
  meanEstimate,
  momentsOfCounts,
  pooledEstimate,
  tQuantile95,
  wilsonInterval,
  type Estimate,
} from '../../src/figures/intervals.js';

/** An estimate from a mean, a sample standard deviation and n, as on paper. */
function fromPaper(mean: number, sd: number, n: number): Estimate {
  const variance = (sd * sd) / n;
  return { value: mean, margin: tQuantile95(n - 1) * Math.sqrt(variance), n, variance };
}

describe("Student's t", () => {
  it('matches the printed table and the normal limit', () => {
    expect(tQuantile95(4)).toBe(2.776);
    expect(tQuantile95(30)).toBe(2.042);
    expect(tQuantile95(60)).toBeCloseTo(2.0003, 3);
    expect(tQuantile95(120)).toBeCloseTo(1.9799, 3);
    expect(tQuantile95(1e9)).toBeCloseTo(1.96, 3);
  });
});

describe('the margin of a question index', () => {
  it('is t(n−1) times the standard error of the mean, computed by hand', () => {
    // Scores 100, 80, 80, 60, 30: mean 70; squared deviations 900+100+100+100+1600 = 2800;
    // sample variance 2800 / 4 = 700; SE = √(700 / 5) = √140 = 11.832; t(4) = 2.776.
    const estimate = meanEstimate(
      momentsOfCounts([
        { score: 100, answers: 1 },
        { score: 80, answers: 2 },
        { score: 60, answers: 1 },
        { score: 30, answers: 1 },
      ]),
    );
    expect(estimate?.value).toBe(70);
    expect(estimate?.n).toBe(5);
    expect(estimate?.margin).toBeCloseTo(2.776 * Math.sqrt(140), 9);
    expect(estimate?.margin).toBeCloseTo(32.85, 2);
  });

  it('has no margin from one answer, and no estimate from none', () => {
    expect(meanEstimate({ n: 1, sum: 80, sumOfSquares: 6400 })).toEqual({
      value: 80,
      margin: null,
      n: 1,
      variance: null,
    });
    expect(meanEstimate({ n: 0, sum: 0, sumOfSquares: 0 })).toBeNull();
  });

  it('is zero when everybody gave the same score', () => {
    expect(meanEstimate(momentsOfCounts([{ score: 80, answers: 12 }]))?.margin).toBe(0);
  });
});

describe('the margin of a pooled index counts people, not answers', () => {
  it('treats the answers of one respondent as one cluster, computed by hand', () => {
    // A answers 100 and 80 (sum 180, 2 scores), B 60 (60, 1), C 30 and 0 (30, 2).
    // R = 270 / 5 = 54; residuals s − R·c: 72, 6, −78; mean count 5/3, so
    // e = 43.2, 3.6, −46.8; Σe² = 4069.44; Var = 4069.44 / (3·2) = 678.24; t(2) = 4.303.
    const pooled = emptyPooledSums(1);
    addRespondent(pooled, { sums: [180], counts: [2] });
    addRespondent(pooled, { sums: [60], counts: [1] });
    addRespondent(pooled, { sums: [30], counts: [2] });
    const estimate = pooledEstimate(pooled);
    expect(estimate?.value).toBe(54);
    expect(estimate?.n).toBe(3);
    expect(estimate?.variance).toBeCloseTo(678.24, 9);
    expect(estimate?.margin).toBeCloseTo(4.303 * Math.sqrt(678.24), 9);
  });

  it('equals the plain mean margin when every respondent gave one score', () => {
    const pooled = emptyPooledSums(1);
    for (const score of [100, 80, 80, 60, 30]) addRespondent(pooled, { sums: [score], counts: [1] });
    const plain = meanEstimate(momentsOfCounts([100, 80, 80, 60, 30].map((score) => ({ score, answers: 1 }))));
    expect(pooledEstimate(pooled)?.value).toBeCloseTo(plain!.value, 12);
    expect(pooledEstimate(pooled)?.margin).toBeCloseTo(plain!.margin!, 9);
  });

  it('gives a composite index the mean of its dimensions and a margin from each person’s own part', () => {
    // Two dimensions, one score each: composite per person = (x + y) / 2:
    // A (100, 80) → 90, B (60, 60) → 60, C (30, 0) → 15: mean 55, sample variance
    // ((35)² + 5² + (−40)²) / 2 = (1225 + 25 + 1600) / 2 = 1425; SE² = 1425 / 3 = 475.
    const pooled = emptyPooledSums(2);
    addRespondent(pooled, { sums: [100, 80], counts: [1, 1] });
    addRespondent(pooled, { sums: [60, 60], counts: [1, 1] });
    addRespondent(pooled, { sums: [30, 0], counts: [1, 1] });
    const estimate = pooledEstimate(pooled);
    expect(estimate?.value).toBeCloseTo(55, 12);
    expect(estimate?.variance).toBeCloseTo(475, 9);
    expect(estimate?.margin).toBeCloseTo(4.303 * Math.sqrt(475), 9);
  });

  it('skips people with no score there and gives nothing for a dimension nobody scored', () => {
    const pooled = emptyPooledSums(2);
    addRespondent(pooled, { sums: [0, 0], counts: [0, 0] });
    expect(pooled.n).toBe(0);
    addRespondent(pooled, { sums: [80, 0], counts: [1, 0] });
    expect(pooledEstimate(pooled)).toBeNull();
  });
});

describe('the Wilson interval of a rate', () => {
  it('matches the hand computation at 8 of 10', () => {
    // z² = 3.8415; centre (0.8 + 0.19207) / 1.38415 = 0.71674; half 1.41601 · √0.025604 = 0.22658.
    const rate = wilsonInterval(8, 10);
    expect(rate?.value).toBe(0.8);
    expect(rate?.low).toBeCloseTo(0.4902, 4);
    expect(rate?.high).toBeCloseTo(0.9433, 4);
  });

  it('stays honest at 0% and 100%', () => {
    // At 0 of n the upper end is z² / (n + z²); at n of n the lower end is n / (n + z²).
    const none = wilsonInterval(0, 10);
    expect(none).toMatchObject({ value: 0, low: 0 });
    expect(none?.high).toBeCloseTo(3.8415 / 13.8415, 4);
    const all = wilsonInterval(10, 10);
    expect(all).toMatchObject({ value: 1, high: 1 });
    expect(all?.low).toBeCloseTo(10 / 13.8415, 4);
    expect(wilsonInterval(0, 0)).toBeNull();
  });
});

describe('a change earns an arrow only when it is larger than its margin (Welch)', () => {
  // Before: mean 70, sd 10, n 30 → SE² 3.3333; after: sd 12, n 40 → SE² 3.6.
  // SE of the difference √6.9333 = 2.6331; Welch df = 6.9333² / (3.3333²/29 + 3.6²/39) = 67.19;
  // t(67.19) = 1.996; margin 5.256.
  const before = fromPaper(70, 10, 30);

  it('says up for a rise of 6 points', () => {
    const change = compareEstimates(before, fromPaper(76, 12, 40));
    expect(change.verdict).toBe('up');
    expect(change.difference).toBe(6);
    expect(change.margin).toBeCloseTo(5.256, 2);
  });

  it('says within noise for a rise of 5 points, and down for a fall of 6', () => {
    expect(compareEstimates(before, fromPaper(75, 12, 40)).verdict).toBe('within-noise');
    expect(compareEstimates(before, fromPaper(64, 12, 40)).verdict).toBe('down');
  });

  it('does not judge below 30 responses on either side', () => {
    const change = compareEstimates(fromPaper(70, 10, 29), fromPaper(95, 5, 400));
    expect(change).toEqual({ difference: 25, margin: null, verdict: 'too-few' });
  });
});
