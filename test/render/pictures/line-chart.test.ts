import { Resvg } from '@resvg/resvg-js';
import { describe, expect, it } from 'vitest';
import { stackPictures } from '../../../src/render/pictures/draw.js';
import { buildLineChartSvg, renderLineChart, type LineChartInput } from '../../../src/render/pictures/line-chart.js';
import { buildBarChartSvg } from '../../../src/render/pictures/bar-chart.js';

const trend: LineChartInput = {
  title: '主要指數趨勢（按週）',
  points: ['W1', 'W2', 'W3', 'W1', 'W2', 'W3', 'W4'],
  bands: [
    { from: 0, label: '#1 2025 年度測評' },
    { from: 3, label: '#2 2026 年度測評' },
  ],
  series: [
    { name: '組織工作滿意度', values: [78.2, 80.1, 79.5, 81, null, 83.4, 84] },
    { name: '選人用人公信度', values: [70, 71.5, null, 72, 74, 73.9, 75.2] },
  ],
  axisLabel: '滿意度指數（0–100）',
  lang: 'zh-Hant',
  noDataLabel: '無數據',
};

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('the trend picture', () => {
  it('is a PNG of the same width as the digest chart', async () => {
    const png = await renderLineChart(trend);
    expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(png.readUInt32BE(16)).toBe(1080);
    expect(png.readUInt32BE(20)).toBeGreaterThan(500);
  });

  it('draws each week\'s 95% interval as a band around its line, broken where a margin is missing', async () => {
    const withMargins: LineChartInput = {
      ...trend,
      series: [
        { ...trend.series[0]!, margins: [2, 2.5, 3, 1.5, null, 2, 2] },
        { ...trend.series[1]!, margins: [4, 4, null, 4, 4, 4, 4] },
      ],
    };
    const { svg } = await buildLineChartSvg(withMargins);
    // Series 1: runs W1–W4 (4 points, the null value of W5 breaks it) and W6–W7; series 2: W1–W2 and W4–W7.
    const bands = svg.match(/<polygon fill="[^"]+" fill-opacity="0.15"[^>]*points="([^"]+)"/g) ?? [];
    expect(bands).toHaveLength(4);
    // The first band's top edge starts at 78.2 + 2 = 80.2 and its bottom edge ends at 78.2 − 2 = 76.2: same x, lower on the page.
    const points = /points="([^"]+)"/.exec(bands[0]!)![1]!.split(' ').map((p) => p.split(',').map(Number));
    expect(points).toHaveLength(8);
    expect(points[0]![0]).toBe(points.at(-1)![0]);
    expect(points.at(-1)![1]! - points[0]![1]!).toBeCloseTo((4 * 420) / 100, 1);
    // Without margins there is no band.
    expect((await buildLineChartSvg(trend)).svg).not.toContain('fill-opacity="0.15"');
  });

  it('draws a line per index, broken where a week is withheld, and text only as outlines', async () => {
    const { svg } = await buildLineChartSvg(trend);
    // Series 1 is broken once (W2 of round 2), series 2 once (W3 of round 1): two runs each.
    expect(svg.match(/<polyline /g)).toHaveLength(4);
    expect(svg.match(/<circle /g)).toHaveLength(12);
    expect(svg).not.toContain('<text');
    // The second round's band starts with a dashed separator.
    expect(svg).toContain('stroke-dasharray="6 4"');
  });

  it('says there is no data when every week is withheld, and renders in every language', async () => {
    const empty = { ...trend, series: trend.series.map((s) => ({ ...s, values: s.values.map(() => null) })) };
    const { svg } = await buildLineChartSvg(empty);
    expect(svg).not.toContain('<polyline');
    for (const lang of ['zh-Hans', 'en'] as const) {
      const png = await renderLineChart({ ...trend, lang, points: [], bands: [] });
      expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    }
  });

  it('stacks under the bar chart as one picture through the same renderer', async () => {
    const bar = await buildBarChartSvg({ title: '各維度', categories: ['甲', '乙'], series: [{ name: '本週', values: [80, 60] }] });
    const line = await buildLineChartSvg(trend);
    const both = stackPictures([bar, line]);
    expect(both).toMatchObject({ width: 1080, height: bar.height + line.height });
    const rendered = new Resvg(both.svg, { font: { loadSystemFonts: false } }).render();
    expect([rendered.width, rendered.height]).toEqual([1080, bar.height + line.height]);
  });
});
