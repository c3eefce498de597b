/*
 * What residents wrote about: the terms used most in the answers to a text
 * question, counted per response (a resident who writes 公開 three times
 * counts once), each with a couple of short quotes. Chinese has no spaces
 * between words, so text is split with Intl.Segmenter's word granularity (the
 * ICU dictionary built into Node): nothing is sent anywhere. A term is shown
 * only when at least MIN_RESPONSES_FOR_THEME responses use it, so a rare
 * phrase cannot point at the one person who wrote it.
 */

import { setImmediate as nextTurn } from 'node:timers/promises';

/** The five-respondent rule, for terms. */
export const MIN_RESPONSES_FOR_THEME = 5;

/** Quotes kept per term. */
export const QUOTES_PER_THEME = 2;

/** A quote is cut to about this many characters around the term. */
export const QUOTE_LENGTH = 40;

/*
 * Words that say nothing about a theme. Chinese in both scripts; English
 * function words. Survey-specific filler (希望, suggest) is here too: nearly
 * every suggestion starts with it.
 */
const CHINESE_STOP_WORDS = `
我 我們 我们 你 你們 你们 他 他們 他们 她 它 大家 自己 這 这 那 這個 这个 那個 那个 這些 这些 那些 一個 一个
什麼 什么 怎麼 怎么 為什麼 为什么 因為 因为 所以 但是 可是 如果 就是 還是 还是 或者 以及 並且 并且 而且 然後 然后
已經 已经 可以 能夠 能够 應該 应该 需要 希望 建議 建议 覺得 觉得 認為 认为 沒有 没有 不是 還有 还有 比較 比较 非常
一些 一下 有些 有點 有点 進行 进行 對於 对于 關於 关于 通過 通过 現在 现在 目前 的話 的话 這樣 这样 那樣 那样 其他
更加 更多 很多 多多 一定 一直 繼續 继续 不要 不能 不會 不会 可能 只是 只有 都是 也是 而是 還是 就是 已經 謝謝 谢谢
`;
const ENGLISH_STOP_WORDS = `
a an the and or but if then so than that this these those there here of in on at to for from by with about into over
under between through during before after above below up down out off again further once is are was were be been
being am have has had having do does did doing will would should could can may might must shall it its it's they
them their we our us you your he him his she her i me my mine what which who whom whose when where why how all any
both each few more most other some such no nor not only own same too very just also as please suggest suggestion
suggestions hope think would like need needs get got make made lot lots really much many thing things
`;

const STOP_WORDS = new Set([...CHINESE_STOP_WORDS.split(/\s+/), ...ENGLISH_STOP_WORDS.split(/\s+/)].filter(Boolean));

const HAN = /\p{Script=Han}/u;
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
const ONLY_DIGITS = /^\p{N}+$/u;

/** One segmenter serves Chinese and Latin text alike (ICU splits both). */
let segmenter: Intl.Segmenter | undefined;
const words = (): Intl.Segmenter => (segmenter ??= new Intl.Segmenter('zh', { granularity: 'word' }));

/** Whether a segment is worth counting: two Han characters or three letters, not a stop word, not a number. */
function isTerm(segment: string): boolean {
  if (STOP_WORDS.has(segment) || ONLY_DIGITS.test(segment) || !LETTER_OR_DIGIT.test(segment)) return false;
  const length = [...segment].length;
  return HAN.test(segment) ? length >= 2 : length >= 3;
}

/** The distinct terms of a text, in the order they first appear (lowercased, NFKC-normalised). */
export function termsOf(text: string): string[] {
  const seen = new Set<string>();
  for (const { segment, isWordLike } of words().segment(text.normalize('NFKC').toLowerCase())) {
    if (isWordLike && isTerm(segment)) seen.add(segment);
  }
  return [...seen];
}

/** The part of `text` around `term`, about QUOTE_LENGTH characters, with … where it was cut. */
export function quoteAround(text: string, term: string): string {
  const flat = text.normalize('NFKC').replace(/\s+/g, ' ').trim();
  const characters = [...flat];
  if (characters.length <= QUOTE_LENGTH) return flat;
  const at = [...flat.slice(0, Math.max(0, flat.toLowerCase().indexOf(term)))].length;
  const start = Math.max(0, Math.min(at - Math.floor((QUOTE_LENGTH - [...term].length) / 2), characters.length - QUOTE_LENGTH));
  const end = start + QUOTE_LENGTH;
  return `${start > 0 ? '…' : ''}${characters.slice(start, end).join('').trim()}${end < characters.length ? '…' : ''}`;
}

export interface Theme {
  term: string;
  /** Responses whose text uses the term. */
  responses: number;
  /** Up to QUOTES_PER_THEME short quotes, from the first responses that used it. */
  quotes: string[];
}

export interface ThemeCount {
  /** Texts read (non-empty answers). */
  texts: number;
  /** Terms of MIN_RESPONSES_FOR_THEME responses or more, most used first (ties: first seen first). */
  themes: Theme[];
}

/** Counts terms text by text, so a caller can feed it in chunks and give the event loop a turn between them. */
export interface ThemeCounter {
  /** Reads one response's text; returns its terms. */
  add(text: string): string[];
  /** The themes so far; `limit` caps how many. */
  result(limit?: number): ThemeCount;
}

export function createThemeCounter(): ThemeCounter {
  const counts = new Map<string, Theme>();
  let read = 0;
  return {
    add(text) {
      if (text.trim() === '') return [];
      read += 1;
      const terms = termsOf(text);
      for (const term of terms) {
        let theme = counts.get(term);
        if (!theme) counts.set(term, (theme = { term, responses: 0, quotes: [] }));
        theme.responses += 1;
        if (theme.quotes.length < QUOTES_PER_THEME) theme.quotes.push(quoteAround(text, term));
      }
      return terms;
    },
    result(limit = 10) {
      const themes = [...counts.values()]
        .filter((theme) => theme.responses >= MIN_RESPONSES_FOR_THEME)
        .sort((a, b) => b.responses - a.responses) // stable: ties keep the order first seen
        .slice(0, limit);
      return { texts: read, themes };
    },
  };
}

/** Counts the terms of many texts (one per response); `limit` caps the themes returned. */
export function countThemes(texts: Iterable<string>, limit = 10): ThemeCount {
  const counter = createThemeCounter();
  for (const text of texts) counter.add(text);
  return counter.result(limit);
}

/** Texts read between two turns of the event loop: about 20 ms of segmenting. */
export const THEME_CHUNK = 500;

/**
 * countThemes for many texts without keeping residents waiting: a turn for
 * the event loop after every THEME_CHUNK texts. `onTerms` sees each text's
 * terms (the workbook lists them per suggestion).
 */
export async function countThemesInTurns(
  texts: Iterable<string>,
  options: { limit?: number; onTerms?: (text: string, terms: string[]) => void | Promise<void> } = {},
): Promise<ThemeCount> {
  const counter = createThemeCounter();
  let inChunk = 0;
  for (const text of texts) {
    const terms = counter.add(text);
    await options.onTerms?.(text, terms);
    if (++inChunk >= THEME_CHUNK) {
      inChunk = 0;
      await nextTurn();
    }
  }
  return counter.result(options.limit);
}
