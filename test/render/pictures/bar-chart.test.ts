import { Resvg } from '@resvg/resvg-js';
import { describe, expect, it } from 'vitest';
import { buildBarChartSvg, renderBarChart, type ChartInput } from '../../../src/render/pictures/bar-chart.js';
import { chartFonts } from '../../../src/render/pictures/fonts.js';
import { shapeText, textPathData, wrapText, type TextStyle } from '../../../src/render/pictures/text.js';
import { LANGUAGES, type Language } from '../../../src/questionnaire/languages.js';
import { defaultQuestionnaire } from '../../helpers/questionnaires.js';

const questionnaire = defaultQuestionnaire();
const fonts = chartFonts();

/** The strings a digest chart is expected to carry besides the names, per language. */
const CHART_STRINGS = {
  'zh-Hant': ['各維度滿意度指數（本週 vs 上週）', '本週', '上週', '滿意度指數 (0–100)', '無數據'],
  'zh-Hans': ['各维度满意度指数（本周 vs 上周）', '本周', '上周', '满意度指数 (0–100)', '无数据'],
  en: [
    'Satisfaction index by dimension (this week vs last week)',
    'This week',
    'Last week',
    'Satisfaction index (0–100)',
    'n/a',
  ],
} as const;

const namesIn = (language: Language) => [
  ...questionnaire.dimensions.map((d) => d.name[language]),
  ...questionnaire.indexes.map((i) => i.name[language]),
];

function realisticChart(language: Language = 'zh-Hant'): ChartInput {
  const [title = '', thisWeek = '', lastWeek = '', axisLabel = '', noData = ''] =
    CHART_STRINGS[language];
  const categories = questionnaire.dimensions.map((d) => d.name[language]);
  return {
    title,
    categories,
    series: [
      { name: thisWeek, values: [78.4, 82.1, 65, null, 71.25, 88.9, 59.2, 74.6, 100] },
      { name: lastWeek, values: [75, 84.3, 61.7, 69.9, null, 86, 62.5, 70.1, 96.4] },
    ],
    axisLabel,
    lang: language,
    noDataLabel: noData,
  };
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function pngDimensions(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  expect(png.toString('latin1', 12, 16)).toBe('IHDR'); // the first chunk
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/** Draws one line of text with the chart's fonts and returns its RGBA pixels. */
async function pixelsOf(text: string, forms: TextStyle['forms'] = 'hant'): Promise<Buffer> {
  await fonts.prepare([text], forms);
  const shaped = shapeText(fonts, text, { size: 32, weight: 400, forms });
  const svg =
    '<svg xmlns="http://www.w3.org/2000/svg" width="320" height="48">' +
    `<path fill="#000" d="${textPathData(shaped, 4, 38)}"/></svg>`;
  return new Resvg(svg, { background: '#ffffff', font: { loadSystemFonts: false } }).render()
    .pixels;
}

const inkOf = (pixels: Buffer) => {
  let dark = 0;
  for (let i = 0; i < pixels.length; i += 4) if ((pixels[i] ?? 255) < 128) dark++;
  return dark;
};

describe('the weekly chart picture', () => {
  it('is a PNG Telegram accepts as a photo, sized for a phone', async () => {
    const png = await renderBarChart(realisticChart());
    const { width, height } = pngDimensions(png);
    expect(width).toBeGreaterThanOrEqual(1000);
    expect(width).toBeLessThanOrEqual(1280);
    expect(height).toBeGreaterThan(600); // nine dimensions, two bars each
    expect(height).toBeLessThan(2000);
    expect(width + height).toBeLessThanOrEqual(10_000);
    expect(Math.max(width, height) / Math.min(width, height)).toBeLessThanOrEqual(20);
    expect(png.length).toBeLessThan(10 * 1024 * 1024);
  });

  it('grows with the dimensions, within Telegram limits even with very many', async () => {
    const heightFor = async (count: number) => {
      const categories = Array.from({ length: count }, (_, i) => `維度 ${i + 1}`);
      const values = categories.map((_, i) => (i * 7) % 101);
      const png = await renderBarChart({
        title: '測試',
        categories,
        series: [{ name: '本週', values }],
      });
      return pngDimensions(png);
    };
    const three = await heightFor(3);
    const twelve = await heightFor(12);
    expect(twelve.height).toBeGreaterThan(three.height);
    const huge = await heightFor(150);
    expect(huge.width + huge.height).toBeLessThanOrEqual(10_000);
  });

  it('renders every language, and no series or no dimensions, without failing', async () => {
    for (const language of LANGUAGES) pngDimensions(await renderBarChart(realisticChart(language)));
    pngDimensions(await renderBarChart({ title: '本週尚無回應', categories: [], series: [] }));
    pngDimensions(
      await renderBarChart({
        title: 'x',
        categories: ['a', 'b'],
        series: [{ name: 's', values: [] }],
      }),
    );
  });

  it('holds its text as outlines from the bundled fonts, not SVG text', async () => {
    const { svg } = await buildBarChartSvg(realisticChart());
    expect(svg).not.toMatch(/<text|font-family|<image/);
    expect(svg).toMatch(/^<svg /);
  });
});

describe('Chinese in the chart', () => {
  it('the bundled fonts cover all dimension and index names and the chart strings', async () => {
    for (const language of LANGUAGES) {
      const texts = [...namesIn(language), ...CHART_STRINGS[language], '0123456789.…'];
      for (const text of texts) expect(await fonts.missingCharacters(text), text).toEqual([]);

      // And the slice chosen for each character really maps it (checked on the font file).
      const forms = language === 'zh-Hans' ? 'hans' : 'hant';
      await fonts.prepare(texts, forms);
      for (const char of new Set(texts.join('').replace(/\s/g, ''))) {
        const codePoint = char.codePointAt(0) ?? 0;
        const slice = fonts.sliceFor(codePoint, forms);
        expect(slice, char).toBeDefined();
        if (slice) expect(fonts.font(slice, 400).hasGlyphForCodePoint(codePoint), char).toBe(true);
      }
    }
  });

  it('the coverage check does catch a character no bundled font has', async () => {
    expect(await fonts.missingCharacters('組織\uE000A')).toEqual(['\uE000']);
    expect(await fonts.missingCharacters('\u{10FFFD}')).toEqual(['\u{10FFFD}']);
  });

  it('draws every character of the names as its own outline, never the empty box', async () => {
    const chars = new Set(LANGUAGES.flatMap(namesIn).join('').replace(/\s/g, ''));
    await fonts.prepare([...chars, '\uE000'], 'hant');
    const style = { size: 32, weight: 400, forms: 'hant' } as const;
    const box = shapeText(fonts, '\uE000', style).glyphs[0]?.path.toSVG();
    expect(box).toMatch(/\d/); // the empty box is itself drawn
    for (const char of chars) {
      const outline = shapeText(fonts, char, style).glyphs[0]?.path.toSVG() ?? '';
      expect(outline, char).not.toBe(box);
      if (/\p{Script=Han}/u.test(char)) expect(outline.length, char).toBeGreaterThan(20);
    }
  });

  it('rendered Chinese differs from both blank and empty boxes (tofu)', async () => {
    const blank = await pixelsOf('');
    const tofu = await pixelsOf('\uE000\uE001\uE002\uE003\uE004\uE005\uE006');
    // Any missing character draws the same box, so equal-to-tofu means "font missing".
    expect(tofu.equals(await pixelsOf('\uE010\uE011\uE012\uE013\uE014\uE015\uE016'))).toBe(true);
    expect(inkOf(tofu)).toBeGreaterThan(0);

    for (const [text, forms] of [
      ['組織工作滿意度', 'hant'],
      ['选人用人公信度', 'hans'],
    ] as const) {
      const chinese = await pixelsOf(text, forms);
      expect(inkOf(chinese), text).toBeGreaterThan(500);
      expect(chinese.equals(blank), text).toBe(false);
      expect(chinese.equals(tofu), text).toBe(false);
    }
  });

  it('a chart of Chinese labels differs from one whose ideographs are all missing', async () => {
    const chinese = realisticChart('zh-Hant');
    // Same strings with every ideograph replaced by an unmapped code point (same width):
    // if the fonts drew no Chinese, both pictures would be identical.
    const unmap = (text: string) => text.replace(/\p{Script=Han}/gu, '\uE000');
    const unmapped: ChartInput = {
      ...chinese,
      title: unmap(chinese.title),
      categories: chinese.categories.map(unmap),
      series: chinese.series.map((s) => ({ ...s, name: unmap(s.name) })),
      axisLabel: unmap(chinese.axisLabel ?? ''),
      noDataLabel: unmap(chinese.noDataLabel ?? ''),
    };
    const [real, boxes] = await Promise.all([renderBarChart(chinese), renderBarChart(unmapped)]);
    expect(real.equals(boxes)).toBe(false);
  });

  it('prefers Traditional forms for zh-Hant and Simplified forms for zh-Hans', async () => {
    await fonts.prepare(['說'], 'hant');
    await fonts.prepare(['說'], 'hans');
    const codePoint = '說'.codePointAt(0) ?? 0;
    expect(fonts.sliceFor(codePoint, 'hant')).toMatch(/^tc:/);
    expect(fonts.sliceFor(codePoint, 'hans')).toMatch(/^sc:/);
  });
});

describe('long dimension names', () => {
  const style = { size: 28, weight: 400, forms: 'hant' } as const;
  const lines = async (text: string, width: number) => {
    await fonts.prepare([text, '…'], 'hant');
    return wrapText(fonts, text, width, 2, style);
  };

  it('wraps English between words and keeps each line within the width', async () => {
    const name = 'Selection and appointment of cadres';
    const wrapped = await lines(name, 300);
    expect(wrapped).toHaveLength(2);
    for (const line of wrapped) expect(line.width).toBeLessThanOrEqual(300);
    expect(wrapped.map((line) => line.text).join(' ')).toBe(name); // broken at spaces only
  });

  it('wraps Chinese between characters and ends what does not fit in an ellipsis', async () => {
    const name = '整治用人上不正之風和群眾身邊的不正之風問題成效明顯';
    const wrapped = await lines(name, 280);
    expect(wrapped).toHaveLength(2);
    for (const line of wrapped) expect(line.width).toBeLessThanOrEqual(280);
    expect(wrapped[0]?.text).toBe(name.slice(0, wrapped[0]?.text.length));
    expect(wrapped[1]?.text).toMatch(/^[^…]+…$/);
  });

  it('leaves a short name on one line', async () => {
    expect(await lines('公開透明', 300)).toHaveLength(1);
  });
});
