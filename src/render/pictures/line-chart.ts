import { chartFonts, type ChartFonts } from './fonts.js';
import { CHART_WIDTH, COLOURS, PAD_BOTTOM, PAD_X, chartCanvas, line, n, rect, renderPicture, seriesColour } from './draw.js';
import type { Canvas, ChartText, Picture } from './draw.js';
import { baselineFor, fitText, shapeText } from './text.js';

/**
 * The trend picture: a line per headline index over the weeks (0–100 up the
 * side), the weeks of each round on a shaded band that names the round. A
 * withheld week is a gap in the line; where a week's 95% interval is known
 * it is a faint band around the line, so a wobble inside it reads as noise.
 * Same frame, fonts and renderer as the bar chart.
 */

export interface LineChartInput extends ChartText {
  /** Labels along the x axis, one per point (W1, W2, …). */
  points: readonly string[];
  /** Rounds: the first point of each and its name, in order. */
  bands: readonly { from: number; label: string }[];
  /** Values 0–100 per point; null where withheld or no data; `margins` the half-width of each point's 95% interval. */
  series: readonly { name: string; values: readonly (number | null)[]; margins?: readonly (number | null)[] }[];
}

const PLOT = { topGap: 24, height: 420, bandLabel: 24, bandGap: 8 } as const;
const TICK = { size: 22, gap: 12 } as const;
const X_LABEL = { size: 22, gap: 12, minGap: 14 } as const;
const VALUE = { size: 24, gap: 10 } as const;
const AXIS = { size: 24, gap: 16 } as const;
const TICKS = [0, 20, 40, 60, 80, 100] as const;

export async function buildLineChartSvg(input: LineChartInput, fonts: ChartFonts = chartFonts()): Promise<Picture> {
  const canvas = await chartCanvas(fonts, input, [...input.points, ...input.bands.map((b) => b.label)]);
  return layout(input, canvas, input.noDataLabel ?? 'n/a');
}

/** Renders the trend as a PNG, 1080 px wide. */
export async function renderLineChart(input: LineChartInput): Promise<Buffer> {
  return renderPicture(await buildLineChartSvg(input));
}

const clean = (value: number | null | undefined): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? Math.min(100, Math.max(0, value)) : null;

function layout(input: LineChartInput, canvas: Canvas, noData: string): Picture {
  const { fonts } = canvas;
  const contentWidth = CHART_WIDTH - 2 * PAD_X;
  const top = canvas.header(input.title, input.series) + PLOT.topGap;
  const bandTop = top;
  const plotTop = top + PLOT.bandLabel + PLOT.bandGap;
  const plotBottom = plotTop + PLOT.height;
  const tickWidth = Math.ceil(shapeText(fonts, '100', canvas.style(TICK.size)).width);
  const valueReserve = Math.ceil(shapeText(fonts, '100.0', canvas.style(VALUE.size, 700)).width) + VALUE.gap;
  const plotLeft = PAD_X + tickWidth + TICK.gap;
  const plotRight = PAD_X + contentWidth - valueReserve;
  const count = input.points.length;
  const step = count > 0 ? (plotRight - plotLeft) / count : 0;
  const xAt = (i: number) => plotLeft + (i + 0.5) * step;
  const yAt = (value: number) => plotBottom - (PLOT.height * value) / 100;

  // Round bands: shaded every other round, named above the plot.
  input.bands.forEach((band, b) => {
    const end = input.bands[b + 1]?.from ?? count;
    const x = plotLeft + band.from * step;
    const width = (end - band.from) * step;
    if (b % 2 === 1) canvas.parts.push(rect(x, bandTop, width, plotBottom - bandTop, COLOURS.band, 0));
    if (b > 0) canvas.parts.push(line(x, bandTop, x, plotBottom, COLOURS.baseline, 1.5, '6 4'));
    const label = fitText(fonts, band.label, Math.max(0, width - 8), canvas.style(PLOT.bandLabel - 4));
    canvas.text(label, x + 4, baselineFor(bandTop + PLOT.bandLabel / 2, PLOT.bandLabel - 4), COLOURS.muted);
  });

  for (const tick of TICKS) {
    const y = yAt(tick);
    canvas.parts.push(line(plotLeft, y, plotRight, y, tick === 0 ? COLOURS.baseline : COLOURS.grid, tick === 0 ? 2 : 1.5));
    const label = shapeText(fonts, String(tick), canvas.style(TICK.size));
    canvas.text(label, plotLeft - TICK.gap - label.width, baselineFor(y, TICK.size), COLOURS.muted);
  }

  // Week labels under the axis, every k-th when they would collide.
  const labelStyle = canvas.style(X_LABEL.size);
  const widest = Math.max(0, ...input.points.map((p) => shapeText(fonts, p, labelStyle).width));
  const every = step > 0 ? Math.max(1, Math.ceil((widest + X_LABEL.minGap) / step)) : 1;
  input.points.forEach((point, i) => {
    if (i % every !== 0 && i !== count - 1) return;
    const label = shapeText(fonts, point, labelStyle);
    canvas.text(label, xAt(i) - label.width / 2, plotBottom + X_LABEL.gap + X_LABEL.size * 0.9, COLOURS.muted);
  });
  let bottom = plotBottom + X_LABEL.gap + X_LABEL.size * 1.2;
  if (input.axisLabel) {
    const axis = fitText(fonts, input.axisLabel, contentWidth, canvas.style(AXIS.size));
    canvas.text(axis, (plotLeft + plotRight) / 2 - axis.width / 2, bottom + AXIS.gap + AXIS.size * 0.9, COLOURS.axisLabel);
    bottom += AXIS.gap + AXIS.size * 1.2;
  }

  const values = input.series.map((s) => input.points.map((_, i) => clean(s.values[i])));
  if (values.every((list) => list.every((v) => v === null))) {
    const empty = fitText(fonts, noData, contentWidth, canvas.style(28));
    canvas.text(empty, PAD_X + (contentWidth - empty.width) / 2, baselineFor((plotTop + plotBottom) / 2, 28), COLOURS.noData);
  }
  // Interval bands first, under every line: one polygon per run of points with a margin.
  values.forEach((list, s) => {
    const margins = input.series[s]?.margins;
    if (!margins) return;
    const colour = seriesColour(s);
    let run: number[] = [];
    const flush = () => {
      if (run.length > 1) {
        const upper = run.map((i) => `${n(xAt(i))},${n(yAt(Math.min(100, list[i]! + margins[i]!)))}`);
        const lower = run.map((i) => `${n(xAt(i))},${n(yAt(Math.max(0, list[i]! - margins[i]!)))}`).reverse();
        canvas.parts.push(`<polygon fill="${colour.bar}" fill-opacity="0.15" stroke="none" points="${[...upper, ...lower].join(' ')}"/>`);
      }
      run = [];
    };
    list.forEach((value, i) => {
      const margin = margins[i];
      if (value === null || margin === null || margin === undefined || !Number.isFinite(margin)) return flush();
      run.push(i);
    });
    flush();
  });
  values.forEach((list, s) => {
    const colour = seriesColour(s);
    // A line through each run of weeks with a value; a withheld week breaks it.
    let run: string[] = [];
    const flush = () => {
      if (run.length > 1) {
        canvas.parts.push(`<polyline fill="none" stroke="${colour.bar}" stroke-width="4" stroke-linejoin="round" points="${run.join(' ')}"/>`);
      }
      run = [];
    };
    list.forEach((value, i) => {
      if (value === null) return flush();
      run.push(`${n(xAt(i))},${n(yAt(value))}`);
      canvas.parts.push(`<circle cx="${n(xAt(i))}" cy="${n(yAt(value))}" r="6" fill="${colour.bar}"/>`);
    });
    flush();
    const last = list.findLastIndex((v) => v !== null);
    const value = list[last];
    if (value !== null && value !== undefined) {
      const label = shapeText(fonts, value.toFixed(1), canvas.style(VALUE.size, colour.weight));
      canvas.text(label, xAt(last) + VALUE.gap, baselineFor(yAt(value), VALUE.size), colour.text);
    }
  });

  return canvas.picture(bottom + PAD_BOTTOM);
}
