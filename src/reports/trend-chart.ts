import { buildLineChartSvg, type LineChartInput } from '../render/pictures/line-chart.js';
import type { Picture } from '../render/pictures/draw.js';
import { REPORT_TEXTS } from '../texts/report.js';
import type { Db } from '../db/client.js';
import { latestRounds, type Round } from '../db/rounds.js';
import { refreshSpeedFlags } from '../figures/quality.js';
import { weeklyTrend, type TrendPoint } from '../figures/trends.js';
import type { Language } from '../questionnaire/languages.js';
import type { Questionnaire } from '../questionnaire/schema.js';

/**
 * The trend picture's input: one point per week (or per whole round), a band
 * per round, a line per headline index of `questionnaire` (matched by id in
 * older rounds).
 */
export function trendChartInput(
  points: readonly TrendPoint[],
  rounds: readonly Pick<Round, 'id' | 'title'>[],
  questionnaire: Questionnaire,
  language: Language,
): LineChartInput {
  const t = REPORT_TEXTS[language];
  const bands: LineChartInput['bands'][number][] = [];
  points.forEach((point, i) => {
    if (points[i - 1]?.roundId === point.roundId) return;
    const round = rounds.find((r) => r.id === point.roundId);
    bands.push({ from: i, label: t.trendRound({ id: point.roundId, title: round?.title ?? '' }) });
  });
  return {
    title: t.trendTitle,
    points: points.map((p) => (p.week === null ? `#${p.roundId}` : t.trendWeek({ week: p.week }))),
    bands,
    series: questionnaire.indexes.map((index) => ({
      name: index.name[language],
      values: points.map((p) => p.figures.indexes.find((i) => i.id === index.id)?.value ?? null),
      margins: points.map((p) => p.figures.indexes.find((i) => i.id === index.id)?.estimate?.margin ?? null),
    })),
    axisLabel: t.chartAxis,
    lang: language,
    noDataLabel: t.noData,
  };
}

/** The trend as a picture to render or stack; null when no point has a value to draw. */
export async function trendPicture(...args: Parameters<typeof trendChartInput>): Promise<Picture | null> {
  const input = trendChartInput(...args);
  if (input.series.every((s) => s.values.every((v) => v === null))) return null;
  return buildLineChartSvg(input);
}

/** A trend shows the weeks of this many rounds at most: the latest and those before it. */
export const TREND_ROUNDS = 4;

/** The weekly points of the latest TREND_ROUNDS rounds up to `last`, oldest first. */
export async function gatherTrend(
  db: Db,
  last: Round,
  until: Date,
  leaveOutFlagged: boolean,
): Promise<{ rounds: Round[]; points: TrendPoint[] }> {
  const rounds = latestRounds(db, TREND_ROUNDS, last.id);
  refreshSpeedFlags(db, rounds.map((r) => r.id));
  const points: TrendPoint[] = [];
  for (const round of rounds) points.push(...(await weeklyTrend(db, round, { until, leaveOutFlagged })));
  return { rounds, points };
}
