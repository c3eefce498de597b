import { describe, expect, it } from 'vitest';
import { fitMessage, MESSAGE_LIMIT, shortenHtml, telegramLength } from '../../src/render/fit.js';
import { escapeHtml } from '../../src/render/html.js';
import { parseTelegramHtml } from '../helpers/telegram-html.js';

/** What Telegram would show, failing the test when it would refuse the HTML. */
function shown(html: string): string {
  const parsed = parseTelegramHtml(html);
  if (!parsed.ok) throw new Error(`${parsed.description}: ${html.slice(0, 200)}`);
  return parsed.text;
}

describe('fitting a message to Telegram', () => {
  it('counts what Telegram counts: tags dropped, entities as one character', () => {
    const html = `<b>${escapeHtml('a < b & "c"')}</b> <a href="https://example.org">link</a> 😀`;
    expect(telegramLength(html)).toBe(shown(html).length);
  });

  it('takes the fullest version that fits, and composes no leaner one', () => {
    const composed: number[] = [];
    const message = fitMessage([5000, 4096, 10], (size) => {
      composed.push(size);
      return `<b>${'x'.repeat(size)}</b>`;
    });
    expect(telegramLength(message)).toBe(4096);
    expect(composed).toEqual([5000, 4096]);
  });

  it('shortens the leanest with "…" when none fits, leaving HTML that parses', () => {
    const message = fitMessage([3, 2], (n) => `<b>${'&amp;'.repeat(3000 * n)}</b>`);
    expect(shown(message)).toHaveLength(MESSAGE_LIMIT);
    expect(shown(message).endsWith('…')).toBe(true);
  });

  it('never cuts inside a tag, an entity or an emoji, and closes what it left open', () => {
    const text = `<b>1.</b> <i>${escapeHtml('<script> & "quotes" 😀'.repeat(40))}</i>\n→ <a href="https://example.org/?a=1&amp;b=2">${'link '.repeat(20)}</a>`;
    for (let limit = 1; limit < telegramLength(text); limit += 7) {
      const short = shortenHtml(text, limit);
      const visible = shown(short);
      expect(visible.length).toBeLessThanOrEqual(limit);
      expect(visible.endsWith('…')).toBe(true);
      // What is kept is the start of what Telegram would have shown, character for character.
      expect(shown(text).startsWith(visible.slice(0, -1))).toBe(true);
    }
    expect(shortenHtml(text, 10_000)).toBe(text);
  });
});
