import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BOT_ENTRY } from '../helpers/bot-process.js';

/*
 * `npm start` compiles src/ to dist/ (prestart) and runs the JavaScript with
 * source maps; every other end-to-end test runs that same dist/main.js
 * (vitest's globalSetup builds it), so migrations, the default questionnaire
 * and fonts found from dist/ are tested there. Here: the command itself, and
 * stack traces that name .ts lines.
 */
const REPO = fileURLToPath(new URL('../..', import.meta.url));

describe('npm start', () => {
  it('builds dist/ and runs the compiled bot: a fresh start without BOT_TOKEN says where to get one', () => {
    // BOT_TOKEN set but empty: a developer's .env in the repo cannot fill it in (dotenv never overrides).
    const run = spawnSync('npm', ['start', '--silent'], {
      cwd: REPO,
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? REPO, BOT_TOKEN: '' },
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('BOT_TOKEN is not set: create a bot with @BotFather');
    expect(existsSync(BOT_ENTRY)).toBe(true);
    const scripts = (JSON.parse(readFileSync(`${REPO}package.json`, 'utf8')) as { scripts: Record<string, string> }).scripts;
    // vitest's global setup built dist/ already, so the file's existence proves nothing: the script must build it.
    expect(scripts['prestart']).toBe('npm run build');
    expect(scripts['build']).toBe('tsc -p tsconfig.build.json');
    expect(scripts['start']).toBe('node --max-semi-space-size=32 --enable-source-maps dist/main.js');
    // The README's systemd unit runs what npm start runs, flags and all.
    expect(readFileSync(`${REPO}README.md`, 'utf8')).toContain(`ExecStart=/usr/bin/${scripts['start']}\n`);
  }, 130_000);

  it('names the .ts file and line in a stack trace of the compiled code', () => {
    const script =
      `import(${JSON.stringify(new URL('../../dist/config.js', import.meta.url).href)})` +
      `.then((m) => m.loadConfig({ BOT_TOKEN: '123456789:AAExampleTokenForStartUpTests_xyz', DIGEST_CRON: 'never' }))` +
      '.catch((error) => console.log(error.stack))';
    const run = spawnSync(process.execPath, ['--enable-source-maps', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(run.stdout).toContain('DIGEST_CRON should be a cron expression');
    expect(run.stdout).toMatch(/src\/config\.ts:\d+:\d+/);
    expect(run.stdout).not.toMatch(/dist\/config\.js:\d+/);
  }, 30_000);
});
