import type { Path } from 'fontkit';
import type { ChartFonts, FontWeight, GlyphForms, SliceKey } from './fonts.js';

/**
 * Text as outlines. The chart draws every string as SVG paths built from the bundled
 * fonts, so the rasteriser never looks for a font and widths are known exactly when
 * laying out (for wrapping long dimension names).
 */

export interface TextStyle {
  size: number;
  weight: FontWeight;
  forms: GlyphForms;
}

export interface ShapedText {
  readonly text: string;
  /** advance width in pixels */
  readonly width: number;
  readonly size: number;
  readonly glyphs: readonly { path: Path; x: number; y: number }[];
}

/** Control and format characters draw nothing; line breaks and tabs become spaces. */
export function cleanText(text: string): string {
  return text
    .replace(/[\t\n\r\f\v\u2028\u2029]+/gu, ' ')
    .replace(/[\p{Cc}\p{Cf}\u{FE00}-\u{FE0F}\u{E0100}-\u{E01EF}]/gu, '');
}

export function shapeText(fonts: ChartFonts, text: string, style: TextStyle): ShapedText {
  const scale = style.size / 1000; // both families use 1000 units per em
  const glyphs: { path: Path; x: number; y: number }[] = [];
  let pen = 0;

  const runs: { key: SliceKey; text: string }[] = [];
  for (const char of cleanText(text)) {
    const key =
      fonts.sliceFor(char.codePointAt(0) ?? 0, style.forms) ?? fonts.notdefFor(style.forms);
    const last = runs[runs.length - 1];
    if (last && last.key === key) last.text += char;
    else runs.push({ key, text: char });
  }

  for (const run of runs) {
    const font = fonts.font(run.key, style.weight);
    if (run.key === fonts.notdefFor(style.forms)) {
      const box = font.getGlyph(0);
      for (const _char of run.text) {
        glyphs.push({ path: box.path, x: pen, y: 0 });
        pen += box.advanceWidth * scale;
      }
      continue;
    }
    const laidOut = font.layout(run.text);
    laidOut.glyphs.forEach((glyph, i) => {
      const position = laidOut.positions[i];
      glyphs.push({
        path: glyph.path,
        x: pen + (position?.xOffset ?? 0) * scale,
        y: (position?.yOffset ?? 0) * scale,
      });
      pen += (position?.xAdvance ?? glyph.advanceWidth) * scale;
    });
  }
  return { text, width: pen, size: style.size, glyphs };
}

/** SVG path data drawing the text with its left end of the baseline at (x, baseline). */
export function textPathData(text: ShapedText, x: number, baseline: number): string {
  const scale = text.size / 1000;
  return text.glyphs
    .map((glyph) =>
      glyph.path.transform(scale, 0, 0, -scale, x + glyph.x, baseline - glyph.y).toSVG(),
    )
    .join('');
}

/**
 * Baseline that centres a line of text on `middle`: halfway up the ideographs and the
 * capitals (both about 0.37 em above the baseline in Noto Sans CJK).
 */
export const baselineFor = (middle: number, size: number) => middle + size * 0.36;

const IDEOGRAPHIC = /[\p{sc=Han}\p{sc=Hira}\p{sc=Kana}\p{sc=Hang}\u3000-\u303f\uff00-\uffef]/u;
const isIdeographic = (char: string) => IDEOGRAPHIC.test(char);
/** Punctuation that must not start a line (、，。）etc.) stays with what precedes it. */
const noLineStart = /^[、，。．：；！？）〕］｝」』》〉…‥,.:;!?)\]}%]$/u;

/** Splits text into units a line may break between: a word, a space, one ideograph. */
function breakUnits(text: string): string[] {
  const units: string[] = [];
  let word = '';
  const flush = () => {
    if (word) units.push(word);
    word = '';
  };
  for (const char of text) {
    if (char === ' ') {
      flush();
      units.push(' ');
    } else if (isIdeographic(char) || noLineStart.test(char)) {
      if (noLineStart.test(char) && (word || units.length > 0)) {
        if (word) word += char;
        else units[units.length - 1] += char;
        continue;
      }
      flush();
      units.push(char);
    } else if (/[-/–—]/u.test(char)) {
      word += char; // a line may break after a hyphen or slash
      flush();
    } else {
      word += char;
    }
  }
  flush();
  return units;
}

/** Greedy line breaking: as much as fits on each line, words kept whole when possible. */
function breakLines(
  units: readonly string[],
  maxWidth: number,
  measure: (s: string) => number,
): string[] {
  const lines: string[] = [];
  let line = '';
  for (let i = 0; i < units.length; i++) {
    const unit = units[i] ?? '';
    if (line === '' && unit === ' ') continue;
    const candidate = line + unit;
    if (measure(candidate.trimEnd()) <= maxWidth) {
      line = candidate;
      continue;
    }
    if (line.trim() !== '') {
      lines.push(line.trimEnd());
      line = '';
      if (unit !== ' ') i--; // place the unit again, on the new line
      continue;
    }
    // A single unit wider than the line (a very long word): break it between characters.
    let part = '';
    for (const char of unit) {
      if (part && measure(part + char) > maxWidth) {
        lines.push(part);
        part = '';
      }
      part += char;
    }
    line = part;
  }
  if (line.trim() !== '') lines.push(line.trimEnd());
  return lines;
}

/**
 * Wraps text into at most `maxLines` lines no wider than `maxWidth`, breaking between
 * words and between ideographs, with lines of similar length (no lone last word); what
 * does not fit ends in an ellipsis.
 */
export function wrapText(
  fonts: ChartFonts,
  text: string,
  maxWidth: number,
  maxLines: number,
  style: TextStyle,
): ShapedText[] {
  const widths = new Map<string, number>();
  const measure = (s: string) => {
    let width = widths.get(s);
    if (width === undefined) {
      width = shapeText(fonts, s, style).width;
      widths.set(s, width);
    }
    return width;
  };
  const units = breakUnits(cleanText(text).trim().replace(/ +/g, ' '));
  let lines = breakLines(units, maxWidth, measure);

  if (lines.length > maxLines) {
    const kept = lines.slice(0, maxLines);
    kept[maxLines - 1] = withEllipsis(measure, kept[maxLines - 1] ?? '', maxWidth);
    return kept.map((l) => shapeText(fonts, l, style));
  }
  if (lines.length > 1) {
    // Balance: the narrowest width that still needs no more lines.
    let low = maxWidth / 2;
    let high = maxWidth;
    for (let step = 0; step < 8; step++) {
      const middle = (low + high) / 2;
      if (breakLines(units, middle, measure).length <= lines.length) high = middle;
      else low = middle;
    }
    lines = breakLines(units, high, measure);
  }
  return lines.map((l) => shapeText(fonts, l, style));
}

/** Shortens text from the end until it fits with a trailing ellipsis. */
function withEllipsis(measure: (s: string) => number, text: string, maxWidth: number): string {
  const chars = [...text];
  while (chars.length > 0 && measure(`${chars.join('').trimEnd()}…`) > maxWidth) chars.pop();
  return `${chars.join('').trimEnd()}…`;
}

/** One line, shortened with an ellipsis if wider than `maxWidth`. */
export function fitText(
  fonts: ChartFonts,
  text: string,
  maxWidth: number,
  style: TextStyle,
): ShapedText {
  const shaped = shapeText(fonts, text, style);
  if (shaped.width <= maxWidth) return shaped;
  return shapeText(
    fonts,
    withEllipsis((s) => shapeText(fonts, s, style).width, text, maxWidth),
    style,
  );
}
