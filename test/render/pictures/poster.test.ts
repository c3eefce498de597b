import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { buildPoster, escapeXml, POSTER, renderPoster, type PosterInput } from '../../../src/render/pictures/poster.js';
import { decodeQrPng } from '../../helpers/qr-decode.js';

const input = (overrides: Partial<PosterInput> = {}): PosterInput => ({
  headline: '2026 年第四季組織工作滿意度測評',
  callToAction: '用手機掃描二維碼，在 Telegram 參加滿意度調查',
  link: 'https://t.me/manyi_test_bot?start=east_gate',
  facts: '匿名 · 約 4 分鐘 · 16 題',
  lang: 'zh-Hant',
  ...overrides,
});

const CM_PER_UNIT = 2.54 / POSTER.unitsPerInch;

describe('the poster', () => {
  it('is an A4 portrait PNG whose QR code reads back as exactly the link, also at a quarter of its resolution', async () => {
    const png = await renderPoster(input());
    const { width, height } = PNG.sync.read(png);
    expect([width, height]).toEqual([2480, 3508]);
    expect(width / height).toBeCloseTo(210 / 297, 2);
    expect(decodeQrPng(png)).toBe('https://t.me/manyi_test_bot?start=east_gate');
    // 620 × 877 pixels: what a phone's camera makes of the page from further away.
    expect(decodeQrPng(png, 4)).toBe('https://t.me/manyi_test_bot?start=east_gate');
  }, 30_000);

  it('prints the code at least 10 cm wide, which reads from a metre away (distance about ten times the width)', async () => {
    for (const tag of ['p', 'x'.repeat(64)]) {
      const poster = await buildPoster(input({ link: `https://t.me/manyi_test_bot?start=${tag}`, headline: '長'.repeat(300) }));
      // The box holds the quiet zone, 4 modules each side; the code itself is over 10 cm.
      expect((poster.qr.size - 8 * poster.qr.module) * CM_PER_UNIT).toBeGreaterThan(10);
      expect(poster.qr.module * CM_PER_UNIT * 10).toBeGreaterThan(1.2);
      expect(poster.qr.y + poster.qr.size).toBeLessThan(POSTER.height);
    }
  });

  it('keeps a headline that tries to break out of the SVG as text: escaped, shortened, still rendering', async () => {
    const headline = `</title><script>alert(1)</script> & "quotes" 'too' \u0007 ${'很長的標題'.repeat(40)}`;
    const link = `https://t.me/manyi_test_bot?start=${'Y_'.repeat(32)}`;
    const poster = await buildPoster(input({ headline, link }));
    expect(poster.svg).toContain(`<title>${escapeXml(headline)}</title>`);
    expect(poster.svg).not.toContain('<script>');
    const png = await renderPoster(input({ headline, link }));
    expect(decodeQrPng(png)).toBe(link);
  }, 30_000);

  it('escapes what XML cannot hold as it is', () => {
    expect(escapeXml(`a<b>&"c"'d'\u0000\u001f\ud800e`)).toBe('a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;e');
    expect(escapeXml('滿意 🎉')).toBe('滿意 🎉');
  });
});
