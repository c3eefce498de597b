import { readdirSync, readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/*
 * The rooms of src/ in layers, bottom to top: a room imports only from rooms in
 * layers below its own, so no two rooms import each other. A room is a folder
 * under src/ (`texts/`) or a file at its top (`config.ts`). The README's Layout
 * section lists the same layers.
 */
const LAYERS: readonly (readonly string[])[] = [
  ['questionnaire/', 'lazy-module.ts', 'heap-tuning.ts'],
  ['texts/', 'render/', 'config.ts'],
  ['logger.ts'],
  ['db/'],
  ['privacy/', 'figures/'],
  ['survey/'],
  ['transport/'],
  ['rounds/'],
  ['reach/'],
  ['reports/'],
  ['digest/', 'export/'],
  ['off-thread/'],
  ['bot/'],
  ['app.ts'],
  ['main.ts'],
];

const SRC = fileURLToPath(new URL('../src/', import.meta.url));
const layerOf = new Map(LAYERS.flatMap((rooms, layer) => rooms.map((room) => [room, layer] as const)));
const roomOf = (path: string) => (path.includes('/') ? `${path.split('/')[0]}/` : path.replace(/\.js$/, '.ts'));
const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)'(\.{1,2}\/[^']+)'/g;

/** Every relative import in src/: the importing file and the file it names, both relative to src/, and the line. */
function imports(): { file: string; line: number; target: string; text: string }[] {
  const files = readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  return files.flatMap((file) =>
    readFileSync(SRC + file, 'utf8')
      .split('\n')
      .flatMap((text, index) =>
        [...text.matchAll(IMPORT)].map((m) => ({ file, line: index + 1, target: posix.normalize(posix.join(posix.dirname(file), m[1]!)), text })),
      ),
  );
}

describe('the layers of src/', () => {
  it('places every room of src/ in exactly one layer', () => {
    const rooms = new Set(readdirSync(SRC, { withFileTypes: true }).map((e) => (e.isDirectory() ? `${e.name}/` : e.name)));
    expect([...rooms].filter((room) => room.endsWith('/') || room.endsWith('.ts')).sort()).toEqual([...layerOf.keys()].sort());
    expect(LAYERS.flat()).toHaveLength(layerOf.size);
  });

  it('has every room import only from the layers below it', () => {
    const upward = imports()
      .filter(({ file, target }) => roomOf(file) !== roomOf(target) && !(layerOf.get(roomOf(target))! < layerOf.get(roomOf(file))!))
      .map(({ file, line, target }) => `src/${file}:${line} imports src/${target} (${roomOf(file)} -> ${roomOf(target)})`);
    expect(upward).toEqual([]);
  });

  it('leaves whole-round figures and pictures to the figures worker: the bot imports none of their computations', () => {
    // The bot asks off-thread/ (figures.run) instead; only types may come from here.
    const heavy = ['reports/round-report.ts', 'figures/figures.ts', 'render/pictures/draw.ts'];
    const direct = imports().filter(
      ({ file, target, text }) => file.startsWith('bot/') && heavy.includes(target.replace(/\.js$/, '.ts')) && !text.startsWith('import type '),
    );
    expect(direct).toEqual([]);
  });

  it('leaves the questionnaire engine free of the rest of the bot', () => {
    expect(imports().filter(({ file, target }) => file.startsWith('questionnaire/') && !target.startsWith('questionnaire/'))).toEqual([]);
  });

  it('is the list the README shows under Layout', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const block = /## Layout[\s\S]*?```\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    // Each line: the rooms of one layer, then what they hold.
    const listed = block.split('\n').filter(Boolean).map((line) => /^(?:[\w-]+(?:\/|\.ts)\s+)+/.exec(line)?.[0].trim().split(/\s+/));
    expect(listed).toEqual(LAYERS);
  });
});
