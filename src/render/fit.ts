/*
 * Telegram's limits on what one message may hold, and the one way messages
 * built from questionnaire content or answers are made to fit: the fullest
 * version that fits, and when even the leanest does not, that one shortened
 * with "…" without cutting into a tag or an entity. Pure, in the render
 * layer below every room that sends messages.
 */

/** A message's text, counted after entity parsing. */
export const MESSAGE_LIMIT = 4096;
/** A photo's or document's caption, counted the same way. */
export const CAPTION_LIMIT = 1024;

const ENTITY = /&(?:#(\d+)|#x([0-9a-f]+)|(\w+));/gi;
const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };

/** The text Telegram shows for HTML: tags dropped, entities decoded. */
function visibleText(html: string): string {
  return html.replace(/<[^>]*>/g, '').replace(ENTITY, (whole, decimal?: string, hex?: string, name?: string) => {
    if (decimal) return String.fromCodePoint(Number(decimal));
    if (hex) return String.fromCodePoint(parseInt(hex, 16));
    return NAMED[name!.toLowerCase()] ?? whole;
  });
}

/** How long Telegram counts a message of HTML: its visible text in UTF-16 units, never less than Telegram's count. */
export function telegramLength(html: string): number {
  return visibleText(html).length;
}

/**
 * How many of `total` items a list tries to show, fullest first: all, then
 * about a tenth fewer each time (one fewer at least), down to none. A level
 * list for fitMessage that needs few tries even for thousands of items.
 */
export function shrinkingCounts(total: number): number[] {
  const counts: number[] = [];
  for (let max = total; max >= 0; max = Math.min(max - 1, Math.floor(max * 0.9))) counts.push(max);
  return counts;
}

/**
 * The message composed at the first of `levels` (fullest first) that fits in
 * `limit`; when none does, the leanest shortened to fit with "…". Composing
 * stops at the first that fits.
 */
export function fitMessage<L>(levels: Iterable<L>, compose: (level: L) => string, limit = MESSAGE_LIMIT): string {
  let leanest = '';
  for (const level of levels) {
    leanest = compose(level);
    if (telegramLength(leanest) <= limit) return leanest;
  }
  return shortenHtml(leanest, limit);
}

/** One token of HTML: a tag, an entity, or one character (a whole surrogate pair). */
const TOKEN = /<[^>]*>|&(?:#\d+|#x[0-9a-f]+|\w+);|[\s\S]/giu;

/**
 * HTML shortened so Telegram counts at most `limit`, ending in "…": cut
 * between tokens, never inside a tag, an entity or a surrogate pair, and
 * with the tags left open closed again, so the result parses.
 */
export function shortenHtml(html: string, limit: number, marker = '…'): string {
  if (telegramLength(html) <= limit) return html;
  const open: string[] = [];
  let out = '';
  let used = 0;
  const room = limit - marker.length;
  for (const [token] of html.matchAll(TOKEN)) {
    if (token.startsWith('<') && token.length > 1) {
      const closing = /^<\/(\w+)/.exec(token);
      const at = closing ? open.lastIndexOf(closing[1]!.toLowerCase()) : -1;
      if (closing && at >= 0) open.splice(at, 1);
      else if (!token.endsWith('/>')) open.push(/^<(\w+)/.exec(token)?.[1]?.toLowerCase() ?? '');
      out += token;
      continue;
    }
    const length = visibleText(token).length;
    if (used + length > room) break;
    out += token;
    used += length;
  }
  const closers = open.reverse().filter((name) => name !== '').map((name) => `</${name}>`);
  return `${out}${marker}${closers.join('')}`;
}
