import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/*
 * The node flags `npm start` runs the bot with, read from package.json, so
 * the end-to-end tests and the benchmark start it exactly as shipped and
 * cannot drift from it.
 */

const packageJson = fileURLToPath(new URL('../../package.json', import.meta.url));

export function startNodeFlags(): string[] {
  const { scripts } = JSON.parse(readFileSync(packageJson, 'utf8')) as { scripts: { start: string } };
  const words = scripts.start.trim().split(/\s+/);
  const entry = words.indexOf('dist/main.js');
  if (words[0] !== 'node' || entry < 1) throw new Error(`npm start should be "node [flags] dist/main.js", got "${scripts.start}"`);
  return words.slice(1, entry);
}
