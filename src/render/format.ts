/*
 * How figures read in messages: indexes with one decimal, rates as whole
 * percentages, changes with ▲ ▼, and text bars for clients without pictures.
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
