import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * A module loaded the first time it is used. The big ones that only drawing
 * and reports need (exceljs, fontkit, resvg, qrcode: some 70 MB of memory
 * between them) stay out of a bot that is only answering residents.
 */
export function lazyModule<T>(id: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= require(id) as T);
}
