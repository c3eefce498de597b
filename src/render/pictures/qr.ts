import { lazyModule } from '../../lazy-module.js';

const qrcode = lazyModule<typeof import('qrcode')>('qrcode');

/*
 * QR codes come from `qrcode` (node-qrcode): the encoder most used on npm,
 * ISO/IEC 18004 throughout (every version, mask and error correction level),
 * pure JavaScript. We take its module matrix and draw it ourselves, as one
 * SVG path, so it goes through the same renderer as every other picture.
 */

export interface QrCode {
  /** Modules per side, without the quiet zone. */
  size: number;
  isDark(row: number, column: number): boolean;
}

/** Modules of white a reader needs around the code. */
export const QUIET_ZONE = 4;

/**
 * The code of `text`, at level M (15% may be damaged or dirty and it still
 * reads), which keeps modules large for a link of this length.
 */
export function qrCode(text: string): QrCode {
  const { modules } = qrcode().create(text, { errorCorrectionLevel: 'M' });
  return { size: modules.size, isDark: (row, column) => modules.get(row, column) === 1 };
}

const n = (value: number) => Math.round(value * 100) / 100;

/** SVG path data of the dark modules, `module` units each, the top-left module at (x, y); runs of a row are one rectangle. */
export function qrPathData(code: QrCode, x: number, y: number, module: number): string {
  const parts: string[] = [];
  for (let row = 0; row < code.size; row++) {
    let column = 0;
    while (column < code.size) {
      if (!code.isDark(row, column)) {
        column++;
        continue;
      }
      const start = column;
      while (column < code.size && code.isDark(row, column)) column++;
      const width = (column - start) * module;
      parts.push(`M${n(x + start * module)} ${n(y + row * module)}h${n(width)}v${n(module)}h${n(-width)}z`);
    }
  }
  return parts.join('');
}
