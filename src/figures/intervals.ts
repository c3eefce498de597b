/*
 * How sure a figure is. A satisfaction index from 23 answers moves by several
 * points when one more resident answers, so every index carries a 95% margin
 * and every change is tested before it earns an arrow. The method, in short:
 *
 * - a question's index is a mean of scores: its margin is Student's t times
 *   the standard error of that mean;
 * - a dimension pools the answers of its questions, and a composite index is
 *   the mean of dimensions, but the answers of one person are not independent
 *   of each other: their margins come from each respondent's own scores
 *   (a ratio estimator, linearised: the usual survey-sampling treatment of a
 *   cluster of answers per person);
 * - a rate (satisfaction, awareness) gets a Wilson score interval, which stays
 *   inside 0..1 and is honest at 0% and 100%;
 * - a change between two periods or groups is real when it is larger than its
 *   own 95% margin (Welch's unequal-variance test), and is not judged at all
 *   below MIN_N_FOR_CHANGE on either side.
 *
 * Everything here is pure arithmetic on counts and sums; queries gather them.
 */

/** Normal quantile for a two-sided 95% interval. */
export const Z_95 = 1.959963984540054;

/** Below this many on either side a change is not judged at all (no arrow, no "≈"). */
export const MIN_N_FOR_CHANGE = 30;

/** Two-sided 97.5% quantiles of Student's t for 1..30 degrees of freedom. */
const T_975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131,
  2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/**
 * Student's t quantile for a two-sided 95% interval with `df` degrees of
 * freedom (fractional df, as Welch gives, is interpolated). Beyond the table a
 * Cornish–Fisher expansion around the normal quantile is exact to 1e-4.
 */
export function tQuantile95(df: number): number {
  if (!(df > 0)) return Number.NaN;
  if (df <= 1) return T_975[0]!;
  if (df <= T_975.length) {
    const low = Math.floor(df);
    const high = Math.ceil(df);
    const a = T_975[low - 1]!;
    const b = T_975[high - 1]!;
    return a + (b - a) * (df - low);
  }
  const z = Z_95;
  const z3 = z ** 3;
  const z5 = z ** 5;
  const z7 = z ** 7;
  return (
    z +
    (z3 + z) / (4 * df) +
    (5 * z5 + 16 * z3 + 3 * z) / (96 * df ** 2) +
    (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * df ** 3)
  );
}

/** An estimate with its 95% margin: the interval is value ± margin. */
export interface Estimate {
  value: number;
  /** Half-width of the 95% interval; null with fewer than two observations. */
  margin: number | null;
  /** Observations behind it (respondents). */
  n: number;
  /** Squared standard error, kept for comparing two estimates (Welch). */
  variance: number | null;
}

/** Running sums of one variable: enough for its mean and variance. */
export interface Moments {
  n: number;
  sum: number;
  sumOfSquares: number;
}

/** Mean and margin of independent observations (a question's scores). */
export function meanEstimate({ n, sum, sumOfSquares }: Moments): Estimate | null {
  if (n <= 0) return null;
  const value = sum / n;
  if (n < 2) return { value, margin: null, n, variance: null };
  // Sample variance, guarded against a tiny negative from rounding.
  const sampleVariance = Math.max(0, (sumOfSquares - n * value * value) / (n - 1));
  const variance = sampleVariance / n;
  return { value, margin: tQuantile95(n - 1) * Math.sqrt(variance), n, variance };
}

/** Moments of a question's scores from how many answers each score got. */
export function momentsOfCounts(counts: Iterable<{ score: number; answers: number }>): Moments {
  const moments: Moments = { n: 0, sum: 0, sumOfSquares: 0 };
  for (const { score, answers } of counts) {
    moments.n += answers;
    moments.sum += answers * score;
    moments.sumOfSquares += answers * score * score;
  }
  return moments;
}

/**
 * One respondent's part in a pooled index: the sum of their scores and how
 * many scores that is, per dimension (respondents without a score there: 0, 0).
 */
export interface RespondentScores {
  sums: readonly number[];
  counts: readonly number[];
}

/**
 * Sums over respondents that decide a pooled index and its margin, for
 * dimensions d, e: Σ sum_d, Σ count_d, and the cross-products
 * Σ sum_d·sum_e, Σ sum_d·count_e, Σ count_d·count_e. They can be gathered in
 * one pass (or one query) without keeping any respondent's scores.
 */
export interface PooledSums {
  /** Respondents with at least one score in any of the dimensions. */
  n: number;
  sums: number[];
  counts: number[];
  sumSum: number[][];
  sumCount: number[][];
  countCount: number[][];
}

const square = (k: number): number[][] => Array.from({ length: k }, () => new Array<number>(k).fill(0));

/** Empty sums for `k` dimensions. */
export function emptyPooledSums(k: number): PooledSums {
  return {
    n: 0,
    sums: new Array<number>(k).fill(0),
    counts: new Array<number>(k).fill(0),
    sumSum: square(k),
    sumCount: square(k),
    countCount: square(k),
  };
}

/** Adds one respondent (their score sums and counts per dimension). */
export function addRespondent(pooled: PooledSums, { sums, counts }: RespondentScores): void {
  if (!counts.some((count) => count > 0)) return;
  pooled.n += 1;
  for (let d = 0; d < pooled.sums.length; d++) {
    const sd = sums[d] ?? 0;
    const cd = counts[d] ?? 0;
    pooled.sums[d]! += sd;
    pooled.counts[d]! += cd;
    for (let e = 0; e < pooled.sums.length; e++) {
      const se = sums[e] ?? 0;
      const ce = counts[e] ?? 0;
      pooled.sumSum[d]![e]! += sd * se;
      pooled.sumCount[d]![e]! += sd * ce;
      pooled.countCount[d]![e]! += cd * ce;
    }
  }
}

/**
 * The mean over dimensions of each dimension's pooled mean (Σ scores / Σ
 * answers): a dimension index when given one dimension, a composite index
 * (such as 組織工作滿意度) when given its dimensions. Its variance is the
 * linearised one of a ratio estimator with respondents as clusters:
 *   e_i = (1/k) Σ_d (sum_di − R_d·count_di) / mean(count_d),
 *   Var = n/(n−1) · Σ e_i² / n²,
 * expanded into the sums above. Null when a dimension has no score.
 */
export function pooledEstimate(pooled: PooledSums): Estimate | null {
  const k = pooled.sums.length;
  const { n } = pooled;
  if (k === 0 || n === 0 || pooled.counts.some((count) => count === 0)) return null;
  const ratios = pooled.sums.map((sum, d) => sum / pooled.counts[d]!);
  const value = ratios.reduce((a, b) => a + b, 0) / k;
  if (n < 2) return { value, margin: null, n, variance: null };
  // Σ_i e_i² = Σ_d Σ_e w_d w_e Σ_i (s_d − R_d c_d)(s_e − R_e c_e), with w_d = n / (k Σ c_d).
  let residualSquares = 0;
  for (let d = 0; d < k; d++) {
    const wd = n / (k * pooled.counts[d]!);
    for (let e = 0; e < k; e++) {
      const we = n / (k * pooled.counts[e]!);
      const cross =
        pooled.sumSum[d]![e]! -
        ratios[e]! * pooled.sumCount[d]![e]! -
        ratios[d]! * pooled.sumCount[e]![d]! +
        ratios[d]! * ratios[e]! * pooled.countCount[d]![e]!;
      residualSquares += wd * we * cross;
    }
  }
  const variance = Math.max(0, residualSquares) / (n * (n - 1));
  return { value, margin: tQuantile95(n - 1) * Math.sqrt(variance), n, variance };
}

/** A proportion with its 95% Wilson score interval. */
export interface RateEstimate {
  value: number;
  low: number;
  high: number;
  n: number;
}

/** The Wilson score interval of `successes` out of `n`; null when n is 0. */
export function wilsonInterval(successes: number, n: number): RateEstimate | null {
  if (n <= 0) return null;
  const p = successes / n;
  const z2 = Z_95 * Z_95;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (Z_95 / denominator) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // At 0% and 100% the formula gives exactly 0 and 1 on paper; keep them exact.
  const low = successes === 0 ? 0 : Math.max(0, centre - half);
  const high = successes === n ? 1 : Math.min(1, centre + half);
  return { value: p, low, high, n };
}

/** What a change between two estimates amounts to. */
export type ChangeVerdict = 'up' | 'down' | 'within-noise' | 'too-few';

export interface Change {
  /** after − before. */
  difference: number;
  /** Half-width of the 95% interval of the difference (Welch); null when not judged. */
  margin: number | null;
  verdict: ChangeVerdict;
}

/**
 * Welch's test of `after` against `before` (independent samples, unequal
 * variances, Welch–Satterthwaite degrees of freedom): a real change only when
 * the difference is larger than its 95% margin; not judged below
 * MIN_N_FOR_CHANGE on either side.
 */
export function compareEstimates(before: Estimate, after: Estimate, minN = MIN_N_FOR_CHANGE): Change {
  const difference = after.value - before.value;
  if (before.n < minN || after.n < minN || before.variance === null || after.variance === null) {
    return { difference, margin: null, verdict: 'too-few' };
  }
  const variance = before.variance + after.variance;
  if (variance === 0) {
    const verdict = difference > 0 ? 'up' : difference < 0 ? 'down' : 'within-noise';
    return { difference, margin: 0, verdict };
  }
  const df = variance ** 2 / (before.variance ** 2 / (before.n - 1) + after.variance ** 2 / (after.n - 1));
  const margin = tQuantile95(df) * Math.sqrt(variance);
  const verdict = Math.abs(difference) <= margin ? 'within-noise' : difference > 0 ? 'up' : 'down';
  return { difference, margin, verdict };
}
