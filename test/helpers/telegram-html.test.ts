import { describe, expect, it } from 'vitest';
import { parseTelegramHtml } from './telegram-html.js';

function text(html: string): string {
  const result = parseTelegramHtml(html);
  if (!result.ok) throw new Error(`expected ${JSON.stringify(html)} to parse: ${result.description}`);
  return result.text;
}

function error(html: string): string {
  const result = parseTelegramHtml(html);
  if (result.ok) throw new Error(`expected ${JSON.stringify(html)} to be refused`);
  expect(result.description).toMatch(/^Bad Request: can't parse entities/);
  return result.description;
}

describe('parseTelegramHtml', () => {
  it('accepts every supported tag and nesting', () => {
    expect(text('<b>bold <i>both</i></b> <strong>s</strong> <em>e</em> <u>u</u> <ins>i</ins>')).toBe(
      'bold both s e u i',
    );
    expect(text('<s>a</s><strike>b</strike><del>c</del>')).toBe('abc');
    expect(text('<span class="tg-spoiler">x</span><tg-spoiler>y</tg-spoiler>')).toBe('xy');
    expect(text('<a href="https://example.com/?a=1&amp;b=2">link</a>')).toBe('link');
    expect(text('<pre><code class="language-ts">const x = 1;</code></pre>')).toBe('const x = 1;');
    expect(text('<blockquote expandable>quote</blockquote><blockquote>q</blockquote>')).toBe('quoteq');
    expect(text('<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>')).toBe('👍');
    expect(text('<B>upper</B>')).toBe('upper');
  });

  it('reports entities with UTF-16 offsets', () => {
    const result = parseTelegramHtml('滿意度 <b>很好</b> <a href="https://t.me">x</a>');
    expect(result).toEqual({
      ok: true,
      text: '滿意度 很好 x',
      entities: [
        { type: 'bold', offset: 4, length: 2 },
        { type: 'text_link', offset: 7, length: 1, url: 'https://t.me' },
      ],
    });
  });

  it('decodes the supported character entities', () => {
    expect(text('a &lt; b &gt; c &amp; d &quot;e&quot;')).toBe('a < b > c & d "e"');
    expect(text('&#65;&#x42;&#X1F600;')).toBe('AB😀');
  });

  it('refuses unsupported tags with a byte offset', () => {
    expect(error('<div>x</div>')).toContain('Unsupported start tag "div" at byte offset 0');
    expect(error('é<br>')).toContain('Unsupported start tag "br" at byte offset 2');
    expect(error('<span>x</span>')).toContain('tg-spoiler');
    expect(error('<a>x</a>')).toContain('href');
  });

  it('refuses a bare "<" in text', () => {
    expect(error('a < b')).toContain('Unsupported start tag "" at byte offset 2');
    expect(error('1<2 and 3')).toContain('Unsupported start tag "2"');
    expect(error('x<y')).toContain('Unclosed start tag');
  });

  it('refuses a bare "&" and unknown entities', () => {
    error('Q&A');
    error('fish & chips');
    error('&nbsp;');
    error('&#0;');
  });

  it('refuses unclosed and mismatched tags', () => {
    expect(error('<b>bold')).toContain('Can\'t find end tag corresponding to start tag "b"');
    expect(error('<b><i>x</b></i>')).toContain('Unmatched end tag');
    expect(error('x</b>')).toContain('Unexpected end tag');
    expect(error('<b')).toContain('Unclosed start tag');
    expect(error('<a href="x>y</a>')).toContain('Unclosed start tag');
  });

  it('keeps newlines and a literal ">"', () => {
    expect(text('line 1\nline 2 -> done')).toBe('line 1\nline 2 -> done');
  });
});
