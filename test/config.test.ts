import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_QUESTIONNAIRE_PATH, loadConfig } from '../src/config.js';

const TOKEN = '123456789:AAExampleTokenForTests_abcdef';

function failure(env: NodeJS.ProcessEnv): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected the configuration to be refused');
}

describe('configuration from the environment', () => {
  it('gives the documented defaults', () => {
    expect(loadConfig({ BOT_TOKEN: TOKEN })).toEqual({
      botToken: TOKEN,
      adminChatIds: [],
      databasePath: 'data/manyi.sqlite',
      questionnairePath: DEFAULT_QUESTIONNAIRE_PATH,
      digestCron: '0 9 * * 1',
      digestTimezone: 'Asia/Shanghai',
      defaultLanguage: 'zh-Hant',
      telegramApiRoot: undefined,
      telegramRateLimits: true,
      logLevel: 'info',
    });
  });

  it('reads every variable', () => {
    const config = loadConfig({
      BOT_TOKEN: TOKEN,
      ADMIN_CHAT_IDS: ' 42, -1001234567890 ',
      DATABASE_PATH: '/tmp/x.sqlite',
      QUESTIONNAIRE_PATH: '/tmp/q.yaml',
      DIGEST_CRON: '*/5 * * * * *',
      DIGEST_TIMEZONE: 'Europe/Berlin',
      DEFAULT_LANGUAGE: 'en',
      TELEGRAM_API_ROOT: 'http://127.0.0.1:8081/',
      LOG_LEVEL: 'debug',
      TELEGRAM_RATE_LIMITS: 'off',
    });
    expect(config).toMatchObject({
      adminChatIds: [42, -1001234567890],
      digestCron: '*/5 * * * * *',
      defaultLanguage: 'en',
      telegramApiRoot: 'http://127.0.0.1:8081',
      logLevel: 'debug',
      telegramRateLimits: false,
    });
  });

  it('says where a token comes from when BOT_TOKEN is missing', () => {
    expect(failure({})).toMatch(/^BOT_TOKEN is not set: .*@BotFather/);
  });

  it('never repeats a malformed token', () => {
    const message = failure({ BOT_TOKEN: 'not-a-token-secret' });
    expect(message).toMatch(/^BOT_TOKEN should look like/);
    expect(message).not.toContain('not-a-token-secret');
  });

  it.each([
    ['ADMIN_CHAT_IDS', 'abc', /^ADMIN_CHAT_IDS should be comma-separated numeric chat ids.*"abc"/],
    ['DEFAULT_LANGUAGE', 'fr', /^DEFAULT_LANGUAGE should be one of zh-Hant, zh-Hans, en/],
    ['DIGEST_CRON', 'every monday', /^DIGEST_CRON should be a cron expression/],
    ['DIGEST_CRON', '0 9 * * 1 * *', /^DIGEST_CRON should be a cron expression/],
    ['DIGEST_TIMEZONE', 'Mars/Olympus', /^DIGEST_TIMEZONE should be an IANA time zone/],
    ['TELEGRAM_API_ROOT', 'localhost:8081', /^TELEGRAM_API_ROOT should be an http\(s\) URL/],
    ['LOG_LEVEL', 'loud', /^LOG_LEVEL should be one of/],
    ['TELEGRAM_RATE_LIMITS', 'maybe', /^TELEGRAM_RATE_LIMITS should be on or off/],
  ])('names %s when it is %j', (name, value, expected) => {
    expect(failure({ BOT_TOKEN: TOKEN, [name]: value })).toMatch(expected);
  });
});
