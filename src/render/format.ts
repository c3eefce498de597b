/*
 * How figures read in messages: indexes with one decimal, rates as whole
 * percentages, changes with ▲ ▼, and text bars for clients without pictures;
 * and how dates read, in the administrators' time zone.
 */

export const NO_VALUE = '—';

export function formatIndex(value: number | null): string {
  return value === null ? NO_VALUE : value.toFixed(1);
}

export function formatRate(value: number | null): string {
  return value === null ? NO_VALUE : `${Math.round(value * 100)}%`;
}

/** The change of an index against an earlier one: ▲1.2, ▼0.6, ＝, or `fresh` when there is nothing to compare. */
export function formatChange(current: number | null, previous: number | null, fresh: string): string {
  if (current === null) return '';
  if (previous === null) return fresh;
  const difference = Math.round((current - previous) * 10) / 10;
  if (difference > 0) return `▲${difference.toFixed(1)}`;
  if (difference < 0) return `▼${Math.abs(difference).toFixed(1)}`;
  return '＝';
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
