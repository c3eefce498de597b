import { escapeHtml } from '../render/html.js';
import type { SourceRow } from '../db/sources.js';
import { MIN_GROUP_SIZE } from '../figures/figures.js';
import { formatEstimate, formatIndex, shorten } from '../render/format.js';
import { pooledEstimate, type Estimate } from '../figures/intervals.js';
import type { ReachTexts } from '../texts/reach.js';

/** What one source (a deep-link tag, or none) brought: counts as they are, an index only under the five-respondent rule. */
export interface SourceFigures {
  /** The tag; null for residents who came without one. */
  source: string | null;
  started: number;
  completed: number;
  /** Pooled satisfaction index of its completed responses; null below MIN_GROUP_SIZE of them. */
  index: number | null;
  /** The index with its 95% margin and n (respondents), each respondent's answers taken together; null whenever `index` is. */
  estimate: Estimate | null;
}

/** The pooled index of one source as a one-dimension pooled estimate (figures/intervals.ts). */
function estimateOf(row: SourceRow): Estimate | null {
  const m = row.moments;
  if (!m) return null;
  return pooledEstimate({
    n: row.scored,
    sums: [m.sum],
    counts: [m.count],
    sumSum: [[m.sumSum]],
    sumCount: [[m.sumCount]],
    countCount: [[m.countCount]],
  });
}

/** Sources most completed first (then most started, then by tag), with indexes withheld where too few stand behind them. */
export function sourceFigures(rows: readonly SourceRow[]): SourceFigures[] {
  return rows
    .map((row) => {
      const shown = row.scored >= MIN_GROUP_SIZE && row.mean !== null;
      return {
        source: row.source,
        started: row.started,
        completed: row.completed,
        index: shown ? row.mean : null,
        estimate: shown ? estimateOf(row) : null,
      };
    })
    .sort(
      (a, b) =>
        b.completed - a.completed ||
        b.started - a.started ||
        (a.source ?? '').localeCompare(b.source ?? ''),
    );
}

export interface SourceLineOptions {
  /** At most this many sources; a last line says how many more there are. */
  max: number;
  /** Tags are cut to this many characters (they may be 64 long). */
  tagLength: number;
  /** Show the index where the rule allows it (a short digest section leaves it out). */
  withIndex: boolean;
}

/** One HTML line per source, tags escaped. */
export function sourceLines(sources: readonly SourceFigures[], t: ReachTexts, options: SourceLineOptions): string[] {
  const shown = sources.slice(0, Math.max(0, options.max));
  const lines = shown.map((s) =>
    t.sourceLine({
      tag: s.source === null ? t.direct : `<code>${escapeHtml(shorten(s.source, options.tagLength))}</code>`,
      started: s.started,
      completed: s.completed,
      index: options.withIndex && s.index !== null ? (s.estimate ? formatEstimate(s.estimate) : formatIndex(s.index)) : null,
    }),
  );
  const hidden = sources.length - shown.length;
  if (hidden > 0) lines.push(t.sourcesMore({ count: hidden }));
  return lines;
}

/** The "where respondents came from" block of a report: a bold title over the lines; null when no source has any. */
export function sourcesSection(sources: readonly SourceFigures[], t: ReachTexts, options: SourceLineOptions): string | null {
  if (sources.length === 0) return null;
  return [`<b>${t.sourcesSection}</b>`, ...sourceLines(sources, t, options)].join('\n');
}
