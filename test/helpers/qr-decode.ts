import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';

// jsqr is CommonJS with ESM-style types: its default export is `.default` to the type checker.
const jsQR = jsQRModule.default;

/** Reads the QR code in a PNG as a phone would, or null; `shrink` first averages n × n pixels into one. */
export function decodeQrPng(png: Buffer, shrink = 1): string | null {
  const image = PNG.sync.read(png);
  const { width, height, data } = shrink > 1 ? downscale(image, shrink) : image;
  return jsQR(new Uint8ClampedArray(data.buffer, data.byteOffset, data.length), width, height)?.data ?? null;
}

function downscale(image: PNG, factor: number): { width: number; height: number; data: Buffer } {
  const width = Math.floor(image.width / factor);
  const height = Math.floor(image.height / factor);
  const data = Buffer.alloc(width * height * 4, 255);
  // The poster is black on white: the green channel stands for the grey level.
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let sum = 0;
      for (let dy = 0; dy < factor; dy++) {
        for (let dx = 0; dx < factor; dx++) sum += image.data[((y * factor + dy) * image.width + x * factor + dx) * 4 + 1]!;
      }
      const grey = Math.round(sum / factor ** 2);
      data.fill(grey, (y * width + x) * 4, (y * width + x) * 4 + 3);
    }
  }
  return { width, height, data };
}
