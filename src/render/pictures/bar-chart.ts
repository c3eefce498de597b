import { chartFonts, type ChartFonts } from './fonts.js';
import {
  CHART_WIDTH,
  COLOURS,
  PAD_BOTTOM,
  PAD_X,
  chartCanvas,
  line,
  n,
  rect,
  renderPicture,
  seriesColour,
  type Canvas,
  type ChartText,
  type Picture,
} from './draw.js';
import { baselineFor, fitText, shapeText, wrapText } from './text.js';

/**
 * The weekly digest's picture: a horizontal bar chart of the satisfaction index per
 * dimension, one bar per series (this week, last week), drawn as SVG with the bundled
 * Noto Sans CJK fonts and rasterised to PNG by resvg. No system font is ever used.
 */

export interface ChartInput extends ChartText {
  /** dimension names, one bar group each (long names wrap to two lines, then shorten) */
  categories: readonly string[];
  /** usually '本週' then '上週'; values 0–100, null where there is no data; `withheld` marks nulls withheld for fewer than 5 */
  series: readonly { name: string; values: readonly (number | null)[]; withheld?: readonly boolean[] }[];
}

const LABEL = { size: 28, lineHeight: 36, maxLines: 2, maxShare: 0.4, gap: 22 } as const;
const VALUE = { size: 24, gap: 10 } as const;
const TICK = { size: 22, gap: 14 } as const;
const AXIS = { size: 24, gap: 18 } as const;
const PLOT_TOP_GAP = 30;
const GROUP_PADDING = 30;
const BAR_GAP = 6;
const TICKS = [0, 20, 40, 60, 80, 100] as const;

/** Renders the chart as a PNG (about 1080 px wide, height grows with the categories). */
export async function renderBarChart(input: ChartInput): Promise<Buffer> {
  return renderPicture(await buildBarChartSvg(input));
}

const formatValue = (value: number) => value.toFixed(1);

const cleanValue = (value: number | null | undefined): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? Math.min(100, Math.max(0, value)) : null;

/** The chart as an SVG document whose text is all paths; exported for tests. */
export async function buildBarChartSvg(input: ChartInput, fonts: ChartFonts = chartFonts()): Promise<Picture> {
  return layoutChart(input, await chartCanvas(fonts, input, input.categories), input.noDataLabel ?? 'n/a');
}

function layoutChart(input: ChartInput, canvas: Canvas, noData: string): Picture {
  const { fonts } = canvas;
  const width = CHART_WIDTH;
  const contentWidth = width - 2 * PAD_X;
  const parts = canvas.parts;
  const text = canvas.text.bind(canvas);
  const style = canvas.style.bind(canvas);
  const seriesCount = input.series.length;
  const y = canvas.header(input.title, input.series) + PLOT_TOP_GAP;

  // Columns: category labels, then the bars, then room for the value after the longest bar
  const labelStyle = style(LABEL.size);
  const naturalLabelWidth = Math.max(
    0,
    ...input.categories.map((c) => shapeText(fonts, c, labelStyle).width),
  );
  const labelWidth = Math.ceil(Math.min(naturalLabelWidth, contentWidth * LABEL.maxShare));
  const valueReserve =
    Math.ceil(shapeText(fonts, formatValue(100), style(VALUE.size, 700)).width) + VALUE.gap + 4;
  const plotLeft = PAD_X + labelWidth + LABEL.gap;
  const plotRight = PAD_X + contentWidth - valueReserve;
  const xFor = (value: number) => plotLeft + ((plotRight - plotLeft) * value) / 100;

  const barHeight = seriesCount <= 1 ? 36 : seriesCount === 2 ? 30 : seriesCount === 3 ? 24 : 20;
  const barsHeight = seriesCount * barHeight + Math.max(0, seriesCount - 1) * BAR_GAP;
  const plotTop = y;

  const groups = input.categories.map((category) => {
    const lines = wrapText(fonts, category, labelWidth, LABEL.maxLines, labelStyle);
    const height = Math.max(barsHeight, lines.length * LABEL.lineHeight) + GROUP_PADDING;
    return { lines, height };
  });
  const plotHeight =
    groups.length > 0 ? groups.reduce((sum, g) => sum + g.height, 0) : 3 * LABEL.lineHeight;
  const plotBottom = plotTop + plotHeight;

  // Shade every other group across labels and plot so a label is easy to match to its bars
  let top = plotTop;
  groups.forEach((group, i) => {
    if (i % 2 === 1) {
      parts.push(rect(PAD_X - 12, top, contentWidth + 24, group.height, COLOURS.band, 0));
    }
    top += group.height;
  });

  // Gridlines and the value axis
  for (const tick of TICKS) {
    const x = xFor(tick);
    const [stroke, strokeWidth] = tick === 0 ? [COLOURS.baseline, 2] : [COLOURS.grid, 1.5];
    parts.push(line(x, plotTop, x, plotBottom, stroke, strokeWidth));
    const label = shapeText(fonts, String(tick), style(TICK.size));
    text(label, x - label.width / 2, plotBottom + TICK.gap + TICK.size * 0.9, COLOURS.muted);
  }
  let bottom = plotBottom + TICK.gap + TICK.size * 1.2;
  if (input.axisLabel) {
    const axis = fitText(fonts, input.axisLabel, contentWidth, style(AXIS.size));
    const middle = (plotLeft + plotRight) / 2;
    const x = Math.min(Math.max(middle - axis.width / 2, PAD_X), PAD_X + contentWidth - axis.width);
    text(axis, x, bottom + AXIS.gap + AXIS.size * 0.9, COLOURS.axisLabel);
    bottom += AXIS.gap + AXIS.size * 1.2;
  }

  // Groups: label on the left (right-aligned), one bar per series with its value
  top = plotTop;
  if (groups.length === 0) {
    const empty = fitText(fonts, noData, contentWidth, labelStyle);
    text(
      empty,
      PAD_X + (contentWidth - empty.width) / 2,
      baselineFor(plotTop + plotHeight / 2, LABEL.size),
      COLOURS.noData,
    );
  }
  groups.forEach((group, c) => {
    const middle = top + group.height / 2;
    const firstLine = middle - ((group.lines.length - 1) * LABEL.lineHeight) / 2;
    group.lines.forEach((shaped, l) => {
      const x = PAD_X + labelWidth - shaped.width;
      text(shaped, x, baselineFor(firstLine + l * LABEL.lineHeight, LABEL.size), COLOURS.label);
    });

    let barTop = middle - barsHeight / 2;
    input.series.forEach((series, s) => {
      const colour = seriesColour(s);
      const value = cleanValue(series.values[c]);
      const barMiddle = barTop + barHeight / 2;
      if (value === null) {
        const why = series.withheld?.[c] && input.withheldLabel ? input.withheldLabel : noData;
        const mark = shapeText(fonts, why, style(VALUE.size - 2));
        text(mark, plotLeft + VALUE.gap, baselineFor(barMiddle, VALUE.size - 2), COLOURS.noData);
      } else {
        const end = xFor(value);
        if (end - plotLeft >= 0.5) {
          parts.push(barRect(plotLeft, barTop, end - plotLeft, barHeight, colour.bar));
        }
        const label = shapeText(fonts, formatValue(value), style(VALUE.size, colour.weight));
        text(label, end + VALUE.gap, baselineFor(barMiddle, VALUE.size), colour.text);
      }
      barTop += barHeight + BAR_GAP;
    });
    top += group.height;
  });

  return canvas.picture(bottom + PAD_BOTTOM);
}

/** A bar square at the axis and rounded at its end. */
function barRect(x: number, y: number, w: number, h: number, fill: string): string {
  const r = Math.min(4, w / 2, h / 2);
  return (
    `<path fill="${fill}" d="M${n(x)} ${n(y)}H${n(x + w - r)}` +
    `Q${n(x + w)} ${n(y)} ${n(x + w)} ${n(y + r)}V${n(y + h - r)}` +
    `Q${n(x + w)} ${n(y + h)} ${n(x + w - r)} ${n(y + h)}H${n(x)}Z"/>`
  );
}
