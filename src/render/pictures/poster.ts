import { chartFonts, type ChartFonts, type FontWeight } from './fonts.js';
import { baselineFor, shapeText, textPathData, wrapText, type ShapedText } from './text.js';
import { renderPicture, type Picture } from './draw.js';
import type { Language } from '../../questionnaire/languages.js';
import { QUIET_ZONE, qrCode, qrPathData } from './qr.js';

/*
 * The printable poster: A4 portrait, a band with the headline, a call to
 * action, a QR code of the deep link as large as the page allows, the link
 * in words under it, and what taking part costs. A layout on the shared
 * renderer (render/pictures/draw.ts) with the chart's fonts.
 */

/** A4 portrait in layout units of 1/150 inch; the PNG is drawn at twice that (300 dpi). */
export const POSTER = { width: 1240, height: 1754, unitsPerInch: 150, scale: 2 } as const;

export interface PosterInput {
  /** The round's title, or the admin's headline: untrusted, wrapped and shortened to fit. */
  headline: string;
  callToAction: string;
  link: string;
  /** "anonymous · about 4 minutes · 16 questions" */
  facts: string;
  lang: Language;
}

export interface PosterPicture extends Picture {
  /** Where the QR code sits, quiet zone included, and the side of one module, in layout units. */
  qr: { x: number; y: number; size: number; module: number };
}

const MARGIN = 90;
const CONTENT = POSTER.width - 2 * MARGIN;
const HEADLINE = { size: 80, lineHeight: 100, maxLines: 3, top: 84, bottom: 60 } as const;
const CALL = { size: 46, lineHeight: 64, maxLines: 2, gap: 64 } as const;
const LINK = { size: 30, lineHeight: 42, gap: 14 } as const;
const FACTS = { size: 36, lineHeight: 50, gap: 26 } as const;
const QR = { max: 860, gap: 36 } as const;
const FOOT = { band: 22, margin: 70 } as const;
const COLOURS = { band: '#a61b1f', onBand: '#ffffff', text: '#111827', link: '#1f2937', muted: '#4b5563', qr: '#000000' } as const;

/**
 * Text people wrote, made safe inside SVG markup (the poster's <title>):
 * markup characters escaped, and characters XML cannot hold at all dropped.
 */
export function escapeXml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Renders the poster as a PNG of 2480 × 3508 pixels. */
export async function renderPoster(input: PosterInput): Promise<Buffer> {
  return renderPicture(await buildPoster(input));
}

/** The poster as an SVG document whose text is all outlines; exported for tests. */
export async function buildPoster(input: PosterInput, fonts: ChartFonts = chartFonts()): Promise<PosterPicture> {
  const forms = input.lang === 'zh-Hans' ? 'hans' : 'hant';
  await fonts.prepare([input.headline, input.callToAction, input.link, input.facts, '…'], forms);
  const style = (size: number, weight: FontWeight = 400) => ({ size, weight, forms }) as const;
  const parts: string[] = [];
  const draw = (shaped: ShapedText, x: number, middle: number, fill: string) => {
    if (shaped.glyphs.length > 0) parts.push(`<path fill="${fill}" d="${textPathData(shaped, x, baselineFor(middle, shaped.size))}"/>`);
  };
  const centred = (lines: readonly ShapedText[], top: number, lineHeight: number, fill: string) => {
    lines.forEach((line, i) => draw(line, (POSTER.width - line.width) / 2, top + lineHeight * (i + 0.5), fill));
    return top + lines.length * lineHeight;
  };

  // The band: the headline, white on colour, three lines at most.
  const headline = wrapText(fonts, input.headline, CONTENT, HEADLINE.maxLines, style(HEADLINE.size, 700));
  const bandBottom = HEADLINE.top + Math.max(1, headline.length) * HEADLINE.lineHeight + HEADLINE.bottom;
  parts.push(`<rect width="${POSTER.width}" height="${bandBottom}" fill="${COLOURS.band}"/>`);
  centred(headline, HEADLINE.top, HEADLINE.lineHeight, COLOURS.onBand);

  const call = wrapText(fonts, input.callToAction, CONTENT, CALL.maxLines, style(CALL.size, 700));
  const qrTop = centred(call, bandBottom + CALL.gap, CALL.lineHeight, COLOURS.text) + QR.gap;

  // Under the code, from the foot up: the facts, the link.
  const link = linkLines(fonts, input.link, style(LINK.size));
  const footTop = POSTER.height - FOOT.band;
  const below = LINK.gap + link.length * LINK.lineHeight + FACTS.gap + FACTS.lineHeight + FOOT.margin;
  const room = Math.min(QR.max, CONTENT, footTop - below - qrTop);
  const code = qrCode(input.link);
  // Whole pixels per module at 300 dpi keep the edges sharp.
  const module = Math.floor((room / (code.size + 2 * QUIET_ZONE)) * POSTER.scale) / POSTER.scale;
  const size = module * (code.size + 2 * QUIET_ZONE);
  // What the code leaves of the room goes above it, so the group sits in the middle.
  const y = qrTop + Math.floor((footTop - below - qrTop - size) / 2);
  const x = (POSTER.width - size) / 2;
  parts.push(`<path fill="${COLOURS.qr}" d="${qrPathData(code, x + QUIET_ZONE * module, y + QUIET_ZONE * module, module)}"/>`);

  const linkBottom = centred(link, y + size + LINK.gap, LINK.lineHeight, COLOURS.link);
  const facts = wrapText(fonts, input.facts, CONTENT, 1, style(FACTS.size));
  centred(facts, linkBottom + FACTS.gap, FACTS.lineHeight, COLOURS.muted);
  parts.push(`<rect y="${footTop}" width="${POSTER.width}" height="${FOOT.band}" fill="${COLOURS.band}"/>`);

  const width = POSTER.width * POSTER.scale;
  const height = POSTER.height * POSTER.scale;
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${POSTER.width} ${POSTER.height}">` +
    `<title>${escapeXml(input.headline)}</title>` +
    `<rect width="${POSTER.width}" height="${POSTER.height}" fill="#ffffff"/>` +
    parts.join('') +
    '</svg>';
  return { svg, width, height, qr: { x, y, size, module } };
}

/**
 * The link never loses a character: one line if it fits, else broken before
 * its start parameter, each line made smaller until it fits.
 */
function linkLines(fonts: ChartFonts, link: string, style: { size: number; weight: FontWeight; forms: 'hant' | 'hans' }): ShapedText[] {
  const whole = shapeText(fonts, link, style);
  if (whole.width <= CONTENT) return [whole];
  const split = link.indexOf('?');
  const pieces = split > 0 ? [link.slice(0, split), link.slice(split)] : [link];
  return pieces.map((piece) => {
    const shaped = shapeText(fonts, piece, style);
    return shaped.width <= CONTENT ? shaped : shapeText(fonts, piece, { ...style, size: (style.size * CONTENT) / shaped.width });
  });
}
