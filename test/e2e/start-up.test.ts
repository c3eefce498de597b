import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBotToExit, startBotProcess } from '../helpers/bot-process.js';
import { startFakeBotApi } from '../helpers/fake-bot-api-server.js';
import { FakeTelegram } from '../helpers/fake-telegram.js';
import { SMALL_YAML } from '../helpers/questionnaires.js';

const TOKEN = '123456789:AAExampleTokenForStartUpTests_xyz';

describe('starting the bot', () => {
  it('without BOT_TOKEN, exits non-zero with one sentence saying where a token comes from', async () => {
    const { code, output } = await runBotToExit({});
    expect(code).toBe(1);
    expect(output.trim()).toBe(
      'BOT_TOKEN is not set: create a bot with @BotFather in Telegram, then set BOT_TOKEN to the token it gives you (in the environment or in a .env file).',
    );
  }, 30_000);

  it('reads a .env file in its working folder, and names a malformed variable', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'manyi-env-'));
    writeFileSync(join(cwd, '.env'), `BOT_TOKEN=${TOKEN}\nDIGEST_CRON=every monday\n`);
    const { code, output } = await runBotToExit({}, { cwd });
    expect(code).toBe(1);
    expect(output.trim()).toBe('DIGEST_CRON should be a cron expression of 5 fields (or 6 with seconds), like "0 9 * * 1" (got "every monday").');
  }, 30_000);

  it('refuses a broken questionnaire file, listing every problem by its path', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'manyi-q-')), 'q.yaml');
    writeFileSync(path, SMALL_YAML.replace('- id: channels', '- id: role').replace('max_length: 20', 'max_length: 0'));
    const { code, output } = await runBotToExit({ BOT_TOKEN: TOKEN, QUESTIONNAIRE_PATH: path });
    expect(code).toBe(1);
    expect(output).toContain(`QUESTIONNAIRE_PATH (${path}) is not a valid questionnaire:`);
    expect(output).toMatch(/questions\[4\]\.max_length \(line \d+\): at least 1/);
    // Cross-question problems come in the same pass as structural ones.
    expect(output).toMatch(/questions\[3\]\.id \(line \d+\): duplicates "role" \(first at line \d+\)/);
  }, 30_000);

  it('says so when Telegram refuses the token, without printing it', async () => {
    const telegram = new FakeTelegram();
    const server = await startFakeBotApi(telegram);
    try {
      const { code, output } = await runBotToExit({ BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: server.apiRoot });
      expect(code).toBe(1);
      expect(output).toContain('Telegram refused BOT_TOKEN (401 Unauthorized)');
      expect(output).not.toContain(TOKEN.split(':')[1]);
    } finally {
      await server.close();
    }
  }, 30_000);

  it('creates the database and its folder, migrates it, polls, and stops cleanly on SIGINT', async () => {
    const telegram = new FakeTelegram();
    const server = await startFakeBotApi(telegram);
    const cwd = mkdtempSync(join(tmpdir(), 'manyi-cwd-'));
    try {
      const bot = await startBotProcess({ BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: server.apiRoot }, { cwd });
      expect(existsSync(join(cwd, 'data', 'manyi.sqlite'))).toBe(true);
      const resident = telegram.user(42, { language_code: 'en' });
      await resident.send('/start');
      expect(resident.lastText()).toMatch(/^No survey is open right now/);
      expect(await bot.stop('SIGINT')).toBe(0);
      expect(bot.output()).not.toContain(telegram.token.split(':')[1]);
      expect(bot.output()).toContain('"msg":"stopped"');
    } finally {
      await server.close();
    }
  }, 30_000);

  it('stops within seconds on SIGTERM even when Telegram has gone away', async () => {
    const telegram = new FakeTelegram();
    const server = await startFakeBotApi(telegram);
    const bot = await startBotProcess({ BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: server.apiRoot });
    await telegram.user(42, { language_code: 'en' }).send('/start');
    await server.close();
    const started = Date.now();
    expect(await bot.stop('SIGTERM')).toBe(0);
    expect(Date.now() - started).toBeLessThan(12_000);
  }, 30_000);
});
