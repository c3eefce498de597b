import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Font } from 'fontkit';
import { lazyModule } from '../../lazy-module.js';

const fontkit = lazyModule<typeof import('fontkit')>('fontkit');
const wawoff2 = lazyModule<typeof import('wawoff2/decompress.js').default>('wawoff2/decompress.js');

/**
 * The chart's fonts: Noto Sans SC and Noto Sans TC (SIL OFL 1.1), as shipped by the
 * @fontsource-variable packages. Nothing is read from the system, so a fresh machine
 * renders the same picture as a developer's.
 *
 * Those packages hold each family as ~110 WOFF2 slices, one per block of characters
 * (the way Google Fonts serves CJK). A slice is decompressed to TrueType and parsed
 * the first time a character from it is needed, then kept: a digest needs a few dozen
 * slices, not all ~220 of them.
 */

/** Which Chinese glyph forms to draw first; the other family fills any gap. */
export type GlyphForms = 'hant' | 'hans';
export type FontWeight = 400 | 700;

/** A loaded slice (or `notdef`, the empty-box glyph of the preferred family). */
export type SliceKey = string & { readonly slice: unique symbol };

interface Family {
  readonly id: 'sc' | 'tc';
  readonly filesDir: string;
  readonly prefix: string;
  /** code point → slice name ('latin', '45', …), from the package's unicode-range list */
  readonly sliceOf: ReadonlyMap<number, string>;
}

const FAMILIES = [
  { id: 'sc', pkg: '@fontsource-variable/noto-sans-sc', prefix: 'noto-sans-sc' },
  { id: 'tc', pkg: '@fontsource-variable/noto-sans-tc', prefix: 'noto-sans-tc' },
] as const;

const require = createRequire(import.meta.url);

/** Named slices first, so the Latin design wins where slices overlap. */
const sliceRank = (name: string) => (/^\d+$/.test(name) ? 1 : 0);

function loadFamily(id: 'sc' | 'tc', pkg: string, prefix: string): Family {
  const unicodePath = require.resolve(`${pkg}/unicode.json`);
  const ranges = JSON.parse(readFileSync(unicodePath, 'utf8')) as Record<string, string>;
  const sliceOf = new Map<number, string>();
  const slices = Object.entries(ranges)
    .map(([key, list]) => [key.replace(/^\[|\]$/g, ''), list] as const)
    .sort(([a], [b]) => sliceRank(a) - sliceRank(b));
  for (const [slice, list] of slices) {
    for (const part of list.split(',')) {
      const range = /^U\+([0-9a-f]+)(?:-([0-9a-f]+))?$/i.exec(part.trim());
      if (!range?.[1]) continue;
      const low = Number.parseInt(range[1], 16);
      const high = range[2] ? Number.parseInt(range[2], 16) : low;
      for (let cp = low; cp <= high; cp++) if (!sliceOf.has(cp)) sliceOf.set(cp, slice);
    }
  }
  return { id, filesDir: path.join(path.dirname(unicodePath), 'files'), prefix, sliceOf };
}

const NOTDEF_PREFIX = 'notdef:';

export class ChartFonts {
  private readonly families: Record<GlyphForms, readonly Family[]>;
  private readonly byId = new Map<string, Family>();
  private readonly loading = new Map<string, Promise<Font>>();
  private readonly loaded = new Map<string, Font>();
  private readonly instances = new Map<string, Font>();
  /** `${forms}:${codePoint}` → the slice that really has the glyph, or null for none */
  private readonly resolved = new Map<string, SliceKey | null>();

  constructor() {
    const [sc, tc] = FAMILIES.map(({ id, pkg, prefix }) => loadFamily(id, pkg, prefix));
    if (!sc || !tc) throw new Error('chart fonts: font families missing');
    this.families = { hans: [sc, tc], hant: [tc, sc] };
    for (const family of [sc, tc]) this.byId.set(family.id, family);
  }

  /**
   * Loads what is needed to draw these texts: for each character, the first slice (in
   * the preferred family, then the other) whose font really has it. The packages' range
   * lists are only a guide: a Noto Sans TC slice lists many Simplified characters it
   * does not draw.
   */
  async prepare(texts: Iterable<string>, forms: GlyphForms): Promise<void> {
    // Space and ellipsis too: wrapping and shortening lines may add them.
    const codePoints = new Set<number>([0x20, 0x2026]);
    for (const text of texts) for (const char of text) codePoints.add(char.codePointAt(0) ?? 0);
    await Promise.all([
      this.load(this.notdefFor(forms).slice(NOTDEF_PREFIX.length)),
      ...[...codePoints].map((codePoint) => this.resolve(codePoint, forms)),
    ]);
  }

  /** The slice that draws a prepared code point, or undefined when no bundled font has it. */
  sliceFor(codePoint: number, forms: GlyphForms): SliceKey | undefined {
    const slice = this.resolved.get(`${forms}:${codePoint}`);
    if (slice === undefined) {
      throw new Error(`chart fonts: U+${codePoint.toString(16).toUpperCase()} was not prepared`);
    }
    return slice ?? undefined;
  }

  /** The slice whose glyph 0 (an empty box) stands in for a character no font has. */
  notdefFor(forms: GlyphForms): SliceKey {
    const family = this.families[forms][0];
    return `${NOTDEF_PREFIX}${family?.id ?? 'sc'}:latin` as SliceKey;
  }

  /** The characters of `text` that no bundled font draws (they would be empty boxes). */
  async missingCharacters(text: string): Promise<string[]> {
    await this.prepare([text], 'hant');
    const missing = new Set<string>();
    for (const char of text) {
      if (/\s/u.test(char)) continue;
      if (this.sliceFor(char.codePointAt(0) ?? 0, 'hant') === undefined) missing.add(char);
    }
    return [...missing];
  }

  /** The font of a prepared slice at a weight (the families are variable fonts). */
  font(key: SliceKey, weight: FontWeight): Font {
    const sliceKey = key.startsWith(NOTDEF_PREFIX) ? key.slice(NOTDEF_PREFIX.length) : key;
    const instanceKey = `${sliceKey}@${weight}`;
    let instance = this.instances.get(instanceKey);
    if (!instance) {
      const base = this.loaded.get(sliceKey);
      if (!base) throw new Error(`chart fonts: slice ${sliceKey} was not prepared`);
      // The variable fonts' default instance is Thin (100); pick the weight explicitly.
      instance = base.getVariation({ wght: weight });
      this.instances.set(instanceKey, instance);
    }
    return instance;
  }

  private async resolve(codePoint: number, forms: GlyphForms): Promise<void> {
    const key = `${forms}:${codePoint}`;
    if (this.resolved.has(key)) return;
    let found: SliceKey | null = null;
    for (const family of this.families[forms]) {
      const slice = family.sliceOf.get(codePoint);
      if (slice === undefined) continue;
      const sliceKey = `${family.id}:${slice}` as SliceKey;
      if ((await this.load(sliceKey)).hasGlyphForCodePoint(codePoint)) {
        found = sliceKey;
        break;
      }
    }
    this.resolved.set(key, found);
  }

  private load(key: string): Promise<Font> {
    let pending = this.loading.get(key);
    if (!pending) {
      pending = this.read(key).catch((error: unknown) => {
        this.loading.delete(key); // let a later chart try again
        throw error;
      });
      this.loading.set(key, pending);
    }
    return pending;
  }

  private async read(key: string): Promise<Font> {
    const [id = '', slice = ''] = key.split(':');
    const family = this.byId.get(id);
    if (!family) throw new Error(`chart fonts: unknown family in ${key}`);
    const file = path.join(family.filesDir, `${family.prefix}-${slice}-wght-normal.woff2`);
    // fontkit reads WOFF2 itself but ignores the weight axis in that form, hence TrueType.
    const font = fontkit().create(await woff2ToTrueType(await readFile(file)));
    if (!('layout' in font)) throw new Error(`chart fonts: ${file} is a collection`);
    this.loaded.set(key, font);
    return font;
  }
}

let decompressing: Promise<unknown> = Promise.resolve();

/**
 * One decompression at a time, each copied out before the next starts: the decoder
 * returns a view of its WebAssembly memory, which the next call overwrites.
 */
function woff2ToTrueType(woff2: Uint8Array): Promise<Buffer> {
  const result = decompressing.then(async () => Buffer.from(await wawoff2()(woff2)));
  decompressing = result.catch(() => undefined);
  return result;
}

let shared: ChartFonts | undefined;

/** The process-wide font set, created on first use (loaded slices are reused). */
export function chartFonts(): ChartFonts {
  shared ??= new ChartFonts();
  return shared;
}
