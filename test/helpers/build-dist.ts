import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/*
 * vitest's globalSetup: compiles src/ to dist/ once per test run, as `npm start`
 * does before it starts, so the end-to-end tests run the bot that ships
 * (bot-process.ts spawns dist/main.js). Incremental: a second run with nothing
 * changed takes a few seconds.
 */
const REPO = fileURLToPath(new URL('../..', import.meta.url));

/** Compiles src/ to dist/ as `npm start`'s prestart does (also vitest's globalSetup, below). */
export function buildDist(): void {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: REPO, stdio: 'inherit' });
}

export default buildDist;
