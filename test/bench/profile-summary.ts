import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { REPO } from './processes.js';

/*
 * Summarises a .cpuprofile written by `npm run bench -- --profile`: self time
 * by function and by package (or source folder), and total (inclusive) time
 * of manyi's own functions.
 *
 *   node --import tsx test/bench/profile-summary.ts bench-results/profiles/manyi.cpuprofile [top]
 */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const [path, topText] = process.argv.slice(2);
if (!path) {
  console.error('usage: profile-summary.ts <file.cpuprofile> [top]');
  process.exit(2);
}
const top = Number(topText ?? 25);
const profile = JSON.parse(readFileSync(path, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const selfMs = new Map<number, number>();
profile.samples.forEach((id, i) => selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000));
const totalMs = (profile.endTime - profile.startTime) / 1000;

function where(url: string): string {
  if (url === '') return '(native/V8)';
  if (url.startsWith('node:')) return url.split('/')[0]!;
  const file = url.startsWith('file://') ? relative(REPO, new URL(url).pathname) : url;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
  if (pkg) return pkg[1]!;
  return file.split('/').slice(0, 2).join('/');
}

const add = (map: Map<string, number>, key: string, ms: number) => map.set(key, (map.get(key) ?? 0) + ms);
const byFunction = new Map<string, number>();
const byPlace = new Map<string, number>();
for (const [id, ms] of selfMs) {
  const { callFrame } = byId.get(id)!;
  const file = callFrame.url.startsWith('file://') ? relative(REPO, new URL(callFrame.url).pathname) : callFrame.url;
  add(byFunction, `${callFrame.functionName || '(anonymous)'} ${file}:${callFrame.lineNumber + 1}`, ms);
  add(byPlace, where(callFrame.url), ms);
}

// Inclusive time of manyi's functions, in src/ or compiled in dist/ (counted once per sample even when recursive).
const inclusive = new Map<string, number>();
profile.samples.forEach((leaf, i) => {
  const ms = (profile.timeDeltas[i] ?? 0) / 1000;
  const seen = new Set<string>();
  for (let id: number | undefined = leaf; id !== undefined; id = parent.get(id)) {
    const { callFrame } = byId.get(id)!;
    if (!/\/(src|dist)\//.test(callFrame.url) || callFrame.url.includes('/node_modules/')) continue;
    const key = `${callFrame.functionName || '(anonymous)'} ${relative(REPO, new URL(callFrame.url).pathname)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    add(inclusive, key, ms);
  }
});

const print = (title: string, map: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [key, ms] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${ms.toFixed(0).padStart(8)} ms ${((ms / totalMs) * 100).toFixed(1).padStart(5)}%  ${key}`);
  }
};
console.log(`${path}: ${totalMs.toFixed(0)} ms profiled`);
print('self time by package / folder', byPlace);
print('self time by function', byFunction);
print("inclusive time of manyi's functions (src/ or dist/)", inclusive);
