import { lazyModule } from '../../lazy-module.js';

const resvg = lazyModule<typeof import('@resvg/resvg-js')>('@resvg/resvg-js');
import type { Language } from '../../questionnaire/languages.js';
import type { ChartFonts, FontWeight, GlyphForms } from './fonts.js';
import { baselineFor, fitText, textPathData, wrapText, type ShapedText } from './text.js';

/*
 * What every picture shares: one SVG → PNG renderer (resvg, text already
 * outlines from the bundled fonts), the frame (size, title, legend), colours
 * and SVG shapes. A new picture is a new layout on top of these.
 */

export const CHART_WIDTH = 1080;
export const PAD_X = 48;
const PAD_TOP = 44;
export const PAD_BOTTOM = 36;
const TITLE = { size: 38, weight: 700, lineHeight: 50, maxLines: 2 } as const;
const LEGEND = { size: 26, swatch: 24, rowHeight: 40, itemGap: 40, topGap: 14 } as const;

export const COLOURS = {
  background: '#ffffff',
  title: '#111827',
  label: '#1f2937',
  muted: '#6b7280',
  axisLabel: '#4b5563',
  noData: '#9ca3af',
  grid: '#e5e7eb',
  baseline: '#9ca3af',
  band: '#f6f8fb',
} as const;

/** First series strong blue, second light grey: apart in lightness too, not only hue. */
export const SERIES_COLOURS = [
  { bar: '#2563eb', text: '#1d4ed8', weight: 700 },
  { bar: '#bfc6d1', text: '#6b7280', weight: 400 },
  { bar: '#f59e0b', text: '#b45309', weight: 400 },
  { bar: '#0d9488', text: '#0f766e', weight: 400 },
] as const satisfies readonly { bar: string; text: string; weight: FontWeight }[];

export const seriesColour = (i: number) => SERIES_COLOURS[i % SERIES_COLOURS.length] ?? SERIES_COLOURS[0];

export interface Picture {
  svg: string;
  width: number;
  height: number;
}

/** Telegram refuses photos whose width + height exceeds 10,000 px. */
const MAX_WIDTH_PLUS_HEIGHT = 9_900;

/** The one renderer: an SVG whose text is all paths, as a PNG (scaled down to Telegram's limit). */
export async function renderPicture({ svg, width, height }: Picture): Promise<Buffer> {
  const zoom = Math.min(1, MAX_WIDTH_PLUS_HEIGHT / (width + height));
  const image = await resvg().renderAsync(svg, {
    fitTo: zoom < 1 ? { mode: 'zoom', value: zoom } : { mode: 'original' },
    background: COLOURS.background,
    // The SVG holds no text elements (text is already outlines); this only keeps resvg
    // from scanning the system's fonts.
    font: { loadSystemFonts: false },
    logLevel: 'off',
  });
  return image.asPng();
}

/** Pictures of the same width one under the other, as one picture. */
export function stackPictures(pictures: readonly Picture[]): Picture {
  const width = Math.max(0, ...pictures.map((p) => p.width));
  let y = 0;
  const parts = pictures.map((p) => {
    const inner = p.svg.replace(/^<svg[^>]*>/, '').replace(/<\/svg>$/, '');
    const part = `<g transform="translate(0 ${y})">${inner}</g>`;
    y += p.height;
    return part;
  });
  return { svg: svgDocument(width, y, parts), width, height: y };
}

export function svgDocument(width: number, height: number, parts: readonly string[]): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"` +
    ` viewBox="0 0 ${width} ${height}">` +
    `<rect width="${width}" height="${height}" fill="${COLOURS.background}"/>` +
    parts.join('') +
    '</svg>'
  );
}

/** Collects SVG parts for a layout, drawing text with the prepared fonts. */
export class Canvas {
  readonly parts: string[] = [];
  constructor(
    readonly fonts: ChartFonts,
    readonly forms: GlyphForms,
  ) {}

  style(size: number, weight: FontWeight = 400) {
    return { size, weight, forms: this.forms };
  }

  text(shaped: ShapedText, x: number, baseline: number, fill: string): void {
    if (shaped.glyphs.length > 0) this.parts.push(`<path fill="${fill}" d="${textPathData(shaped, x, baseline)}"/>`);
  }

  /**
   * The title (wrapped to two lines) and a legend of the series, from the top;
   * returns where the plot may begin.
   */
  header(title: string, series: readonly { name: string }[]): number {
    const contentWidth = CHART_WIDTH - 2 * PAD_X;
    let y = PAD_TOP;
    for (const line of wrapText(this.fonts, title, contentWidth, TITLE.maxLines, this.style(TITLE.size, TITLE.weight))) {
      this.text(line, PAD_X, baselineFor(y + TITLE.lineHeight / 2, TITLE.size), COLOURS.title);
      y += TITLE.lineHeight;
    }
    if (series.length === 0) return y;
    y += LEGEND.topGap;
    let x = PAD_X;
    series.forEach((s, i) => {
      const name = fitText(this.fonts, s.name, contentWidth - LEGEND.swatch - 10, this.style(LEGEND.size));
      const itemWidth = LEGEND.swatch + 10 + name.width;
      if (x > PAD_X && x + itemWidth > PAD_X + contentWidth) {
        x = PAD_X;
        y += LEGEND.rowHeight;
      }
      const middle = y + LEGEND.rowHeight / 2;
      this.parts.push(rect(x, middle - LEGEND.swatch / 2, LEGEND.swatch, LEGEND.swatch, seriesColour(i).bar, 4));
      this.text(name, x + LEGEND.swatch + 10, baselineFor(middle, LEGEND.size), COLOURS.label);
      x += itemWidth + LEGEND.itemGap;
    });
    return y + LEGEND.rowHeight;
  }

  picture(height: number): Picture {
    const h = Math.ceil(height);
    return { svg: svgDocument(CHART_WIDTH, h, this.parts), width: CHART_WIDTH, height: h };
  }
}

/** What every chart writes: a title, series names, an axis label and a mark for no data. */
export interface ChartText {
  title: string;
  series: readonly { name: string }[];
  axisLabel?: string;
  /** Picks Traditional or Simplified glyph forms for shared characters; default zh-Hant. */
  lang?: Language;
  /** Drawn where a value is null; default 'n/a'. */
  noDataLabel?: string;
  /** Drawn instead where a value is withheld by the five-respondent rule ("fewer than 5"). */
  withheldLabel?: string;
}

/** A canvas whose fonts are ready for the chart's texts, figures and the `more` strings of its layout. */
export async function chartCanvas(fonts: ChartFonts, input: ChartText, more: readonly string[]): Promise<Canvas> {
  const forms: GlyphForms = input.lang === 'zh-Hans' ? 'hans' : 'hant';
  const texts = [input.title, input.axisLabel ?? '', input.noDataLabel ?? 'n/a', input.withheldLabel ?? '', '0123456789.…', ...input.series.map((s) => s.name)];
  await fonts.prepare([...texts, ...more], forms);
  return new Canvas(fonts, forms);
}

export const n = (value: number) => Math.round(value * 100) / 100;

export function rect(x: number, y: number, w: number, h: number, fill: string, radius: number): string {
  const r = radius > 0 ? ` rx="${radius}"` : '';
  return `<rect x="${n(x)}" y="${n(y)}" width="${n(w)}" height="${n(h)}"${r} fill="${fill}"/>`;
}

export function line(x1: number, y1: number, x2: number, y2: number, stroke: string, width: number, dash?: string): string {
  return (
    `<line x1="${n(x1)}" y1="${n(y1)}" x2="${n(x2)}" y2="${n(y2)}"` +
    ` stroke="${stroke}" stroke-width="${width}"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`
  );
}
