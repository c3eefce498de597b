/*
 * How figures read in messages: indexes with one decimal and their margin,
 * rates as whole percentages, changes with ▲ ▼ only when real, and text bars
 * for clients without pictures; and how dates read, in the administrators'
 * time zone.
 */

export const NO_VALUE = '—';

export function formatIndex(value: number | null): string {
  return value === null ? NO_VALUE : value.toFixed(1);
}

export function formatRate(value: number | null): string {
  return value === null ? NO_VALUE : `${Math.round(value * 100)}%`;
}

/** An index with its 95% margin and n, as estimates carry them (figures/intervals.ts). */
export interface ShownEstimate {
  value: number;
  margin: number | null;
  n: number;
}

/** What follows an index: ` ±2.1 (n = 312)`; the margin is left out when there is none (a single answer). */
export function formatMarginAndN(estimate: ShownEstimate): string {
  const margin = estimate.margin === null ? '' : ` ±${estimate.margin.toFixed(1)}`;
  return `${margin} (n = ${estimate.n})`;
}

/** `82.4 ±2.1 (n = 312)`. */
export function formatEstimate(estimate: ShownEstimate): string {
  return `${formatIndex(estimate.value)}${formatMarginAndN(estimate)}`;
}

/** A signed change with one decimal: `+1.3`, `-0.6`, `0.0`. */
export function signedChange(difference: number): string {
  const rounded = Math.round(difference * 10) / 10;
  return rounded > 0 ? `+${rounded.toFixed(1)}` : rounded < 0 ? `-${Math.abs(rounded).toFixed(1)}` : '0.0';
}

/**
 * A change as it earns its sign (figures/intervals.ts compareEstimates):
 * ▲1.3 or ▼0.6 only when real; `withinNoise` words for a change inside its
 * margin; nothing at all when too few stand on either side.
 */
export function formatJudgedChange(
  change: { difference: number; verdict: 'up' | 'down' | 'within-noise' | 'too-few' },
  withinNoise: (p: { change: string }) => string,
): string {
  const size = Math.abs(Math.round(change.difference * 10) / 10).toFixed(1);
  if (change.verdict === 'up') return `▲${size}`;
  if (change.verdict === 'down') return `▼${size}`;
  if (change.verdict === 'within-noise') return withinNoise({ change: signedChange(change.difference) });
  return '';
}

const PARTIAL_BLOCKS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/** A bar of `width` cells for a value out of 100, in eighths of a cell: `████████▎ ` for 82.4. */
export function textBar(value: number | null, width = 10): string {
  if (value === null) return '·'.repeat(width);
  const eighths = Math.round((Math.max(0, Math.min(100, value)) / 100) * width * 8);
  const full = Math.floor(eighths / 8);
  const bar = '█'.repeat(full) + PARTIAL_BLOCKS[eighths % 8];
  return bar + ' '.repeat(width - [...bar].length);
}

/** Cuts text to `max` characters (not UTF-16 units), marking the cut with …, and folds line breaks. */
export function shorten(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const chars = [...flat];
  return chars.length <= max ? flat : `${chars.slice(0, Math.max(1, max - 1)).join('')}…`;
}

/** The wall-clock fields of `instant` in `timeZone`. */
export function wallClock(instant: Date, timeZone: string) {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(instant);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour'), minute: get('minute'), second: get('second') };
}

/** A date and time as administrators read it, in their zone: `2026-12-31 09:00`. */
export function formatInZone(instant: Date, timeZone: string): string {
  const w = wallClock(instant, timeZone);
  return `${w.year}-${w.month}-${w.day} ${w.hour}:${w.minute}`;
}
