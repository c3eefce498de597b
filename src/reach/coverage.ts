import { coverageTargets } from '../db/targets.js';
import type { Db } from '../db/client.js';
import { responsesBySource } from '../db/sources.js';
import { computeCoverage, type Coverage } from '../figures/coverage.js';
import type { Language } from '../questionnaire/languages.js';
import { formatRate, shorten } from '../render/format.js';
import { escapeHtml } from '../render/html.js';
import { buildBarChartSvg } from '../render/pictures/bar-chart.js';
import type { Picture } from '../render/pictures/draw.js';
import type { ReachTexts } from '../texts/reach.js';
import { joinList } from '../texts/list.js';

/*
 * Coverage (全覆蓋) as admins read it: per unit (a deep-link tag) residents
 * started and completed against its target, lagging units first, "direct"
 * apart; the digest names only the units below half of their target.
 */

/** Above this many units, /coverage adds a chart of % of target per unit. */
export const CHART_ABOVE_UNITS = 5;

/** The coverage of the given rounds (counts within `window`, else ever) against the targets kept now. */
export function gatherCoverage(db: Db, roundIds: readonly number[]): Coverage {
  const counts = responsesBySource(db, roundIds);
  return computeCoverage(counts, coverageTargets(db));
}

const tag = (unit: string, length: number) => `<code>${escapeHtml(shorten(unit, length))}</code>`;

/** One HTML line per unit, "direct" last, then the total against the sum of targets; at most `max` units. */
export function coverageLines(coverage: Coverage, t: ReachTexts, options: { max: number; tagLength: number }): string[] {
  const shown = coverage.units.slice(0, Math.max(0, options.max));
  const lines = shown.map((u) =>
    t.coverageLine({
      unit: tag(u.unit, options.tagLength),
      started: u.started,
      completed: u.completed,
      target: u.target,
      percent: u.share === null ? null : formatRate(u.share),
    }),
  );
  const hidden = coverage.units.length - shown.length;
  if (hidden > 0) lines.push(t.unitsMore({ count: hidden }));
  const { direct, total } = coverage;
  if (direct.started > 0 || direct.completed > 0) {
    lines.push(t.coverageLine({ unit: t.direct, started: direct.started, completed: direct.completed, target: null, percent: null }));
  }
  if (total.share !== null) lines.push(t.coverageTotal({ completed: total.completed, target: total.target, percent: formatRate(total.share) }));
  return lines;
}

/** The full coverage block of a report: a bold title over every unit's line; null when no unit has a target (the sources say the rest). */
export function coverageSection(coverage: Coverage, t: ReachTexts, options: { max: number; tagLength: number }): string | null {
  if (coverage.total.share === null) return null;
  return [`<b>${t.coverageSection}</b>`, ...coverageLines(coverage, t, options)].join('\n');
}

/**
 * The digest's coverage section: units below half of their target by name
 * (with completed / target), the rest counted; null when no unit has a target.
 */
export function coverageDigestSection(coverage: Coverage, t: ReachTexts, options: { max: number; tagLength: number; language: Language }): string | null {
  const withTarget = coverage.units.filter((u) => u.target !== null);
  if (withTarget.length === 0) return null;
  const lagging = withTarget.filter((u) => u.lagging);
  const named = lagging.slice(0, options.max);
  const lines = [`<b>${t.coverageSection}</b>`];
  if (named.length > 0) {
    const list = named.map((u) => `${tag(u.unit, options.tagLength)} ${u.completed}/${u.target} (${formatRate(u.share)})`);
    if (lagging.length > named.length) list.push(t.unitsMore({ count: lagging.length - named.length }));
    lines.push(t.coverageLagging({ units: joinList(list, options.language) }));
  }
  const rest = withTarget.length - lagging.length;
  if (rest > 0) lines.push(t.coverageRest({ count: rest }));
  const { total } = coverage;
  if (total.share !== null) lines.push(t.coverageTotal({ completed: total.completed, target: total.target, percent: formatRate(total.share) }));
  return lines.join('\n');
}

/** A bar per unit with a target, % of its target (bars stop at 100), through the one chart renderer; null without targets. */
export async function coverageChart(coverage: Coverage, t: ReachTexts, language: Language): Promise<Picture | null> {
  const units = coverage.units.filter((u) => u.share !== null);
  if (units.length === 0) return null;
  return buildBarChartSvg({
    title: t.coverageChartTitle,
    categories: units.map((u) => shorten(u.unit, 32)),
    series: [{ name: t.coverageChartSeries, values: units.map((u) => (u.share ?? 0) * 100) }],
    axisLabel: t.coverageChartAxis,
    lang: language,
  });
}
