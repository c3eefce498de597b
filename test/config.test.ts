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
      adminUserIds: [],
      databasePath: 'data/manyi.sqlite',
      questionnairePath: DEFAULT_QUESTIONNAIRE_PATH,
      digestCron: '0 9 * * 1',
      digestTimezone: 'Asia/Shanghai',
      defaultLanguage: 'zh-Hant',
      telegramApiRoot: undefined,
      telegramRateLimits: true,
      qualityFilter: true,
      remindAfterMs: 24 * 3_600_000,
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
      QUALITY_FILTER: 'off',
    });
    expect(config).toMatchObject({
      adminChatIds: [42, -1001234567890],
      digestCron: '*/5 * * * * *',
      defaultLanguage: 'en',
      telegramApiRoot: 'http://127.0.0.1:8081',
      logLevel: 'debug',
      telegramRateLimits: false,
      qualityFilter: false,
    });
  });

  it.each([
    ['24h', 86_400_000],
    ['90m', 5_400_000],
    ['45s', 45_000],
    ['2d', 172_800_000],
    ['off', null],
  ])('reads REMIND_AFTER=%s', (value, ms) => {
    expect(loadConfig({ BOT_TOKEN: TOKEN, REMIND_AFTER: value }).remindAfterMs).toBe(ms);
  });

  it('says where a token comes from when BOT_TOKEN is missing', () => {
    expect(failure({})).toMatch(/^BOT_TOKEN is not set: .*@BotFather/);
  });

  it('reads the webhook settings, with the port and the URL’s path as defaults', () => {
    expect(loadConfig({ BOT_TOKEN: TOKEN, WEBHOOK_URL: 'https://bot.example.org/telegram/hook' }).webhook).toEqual({
      url: 'https://bot.example.org/telegram/hook',
      host: undefined,
      port: 8080,
      path: '/telegram/hook',
      secret: undefined,
    });
    const config = loadConfig({
      BOT_TOKEN: TOKEN,
      WEBHOOK_URL: 'https://bot.example.org/',
      PORT: '3000',
      WEBHOOK_HOST: '127.0.0.1',
      WEBHOOK_PATH: '/in',
      WEBHOOK_SECRET: 'Only_Telegram-knows',
    });
    expect(config.webhook).toEqual({ url: 'https://bot.example.org/', host: '127.0.0.1', port: 3000, path: '/in', secret: 'Only_Telegram-knows' });
    expect(loadConfig({ BOT_TOKEN: TOKEN }).webhook).toBeUndefined();
  });

  it('takes an http:// webhook URL only beside a local Bot API server', () => {
    expect(failure({ BOT_TOKEN: TOKEN, WEBHOOK_URL: 'http://bot.example.org/hook' })).toMatch(
      /^WEBHOOK_URL should be an https:\/\/ URL: Telegram posts only to https .*only with TELEGRAM_API_ROOT/,
    );
    const local = loadConfig({ BOT_TOKEN: TOKEN, WEBHOOK_URL: 'http://127.0.0.1:8443/hook', TELEGRAM_API_ROOT: 'http://127.0.0.1:8081' });
    expect(local.webhook?.url).toBe('http://127.0.0.1:8443/hook');
  });

  it('listens on the interface WEBHOOK_HOST names, and refuses one that is not an IP address', () => {
    const webhook = (host: string) => loadConfig({ BOT_TOKEN: TOKEN, WEBHOOK_URL: 'https://bot.example.org/', WEBHOOK_HOST: host }).webhook;
    expect(webhook('::1')?.host).toBe('::1');
    expect(webhook('0.0.0.0')?.host).toBe('0.0.0.0');
    expect(failure({ BOT_TOKEN: TOKEN, WEBHOOK_URL: 'https://bot.example.org/', WEBHOOK_HOST: 'my laptop' })).toBe(
      'WEBHOOK_HOST should be the IP address of an interface to listen on, like 127.0.0.1 (behind a proxy on the same machine) or 0.0.0.0 (got "my laptop").',
    );
  });

  it('never repeats a malformed webhook secret', () => {
    const message = failure({ BOT_TOKEN: TOKEN, WEBHOOK_URL: 'https://bot.example.org/', WEBHOOK_SECRET: 'has spaces and ü' });
    expect(message).toMatch(/^WEBHOOK_SECRET should be 1 to 256 characters of A-Z, a-z, 0-9, _ and -/);
    expect(message).not.toContain('has spaces');
  });

  it('reads ADMIN_USER_IDS and PSEUDONYM_SECRET', () => {
    const config = loadConfig({ BOT_TOKEN: TOKEN, ADMIN_USER_IDS: ' 42, 7 ', PSEUDONYM_SECRET: 'ab'.repeat(32) });
    expect(config.adminUserIds).toEqual([42, 7]);
    expect(config.pseudonymSecret).toBe('ab'.repeat(32));
  });

  it('never repeats a malformed pseudonym secret', () => {
    const message = failure({ BOT_TOKEN: TOKEN, PSEUDONYM_SECRET: 'short secret' });
    expect(message).toMatch(/^PSEUDONYM_SECRET should be 32 to 256 characters/);
    expect(message).not.toContain('short secret');
  });

  it('never repeats a malformed token', () => {
    const message = failure({ BOT_TOKEN: 'not-a-token-secret' });
    expect(message).toMatch(/^BOT_TOKEN should look like/);
    expect(message).not.toContain('not-a-token-secret');
  });

  it.each([
    ['ADMIN_CHAT_IDS', 'abc', /^ADMIN_CHAT_IDS should be comma-separated numeric chat ids.*"abc"/],
    ['ADMIN_USER_IDS', '42,@alice', /^ADMIN_USER_IDS should be comma-separated numeric Telegram user ids, like 123456789,987654321 \(got "42,@alice"\)/],
    ['ADMIN_USER_IDS', '-1001234567890', /^ADMIN_USER_IDS should be comma-separated numeric Telegram user ids/],
    ['DEFAULT_LANGUAGE', 'fr', /^DEFAULT_LANGUAGE should be one of zh-Hant, zh-Hans, en/],
    ['DIGEST_CRON', 'every monday', /^DIGEST_CRON should be a cron expression/],
    ['DIGEST_CRON', '0 9 * * 1 * *', /^DIGEST_CRON should be a cron expression/],
    ['DIGEST_TIMEZONE', 'Mars/Olympus', /^DIGEST_TIMEZONE should be an IANA time zone/],
    ['TELEGRAM_API_ROOT', 'localhost:8081', /^TELEGRAM_API_ROOT should be an http\(s\) URL/],
    ['LOG_LEVEL', 'loud', /^LOG_LEVEL should be one of/],
    ['TELEGRAM_RATE_LIMITS', 'maybe', /^TELEGRAM_RATE_LIMITS should be on or off/],
    ['WEBHOOK_URL', 'bot.example.org/hook', /^WEBHOOK_URL should be the public https:\/\/ URL Telegram posts updates to/],
    ['PORT', '99999', /^PORT should be a port number from 1 to 65535, like 8080 \(got "99999"\)/],
    ['PORT', 'eighty', /^PORT should be a port number/],
    ['WEBHOOK_PATH', 'hook', /^WEBHOOK_PATH should be a URL path starting with \//],
    ['QUALITY_FILTER', 'yes', /^QUALITY_FILTER should be on or off \(got "yes"\)/],
    ['REMIND_AFTER', '24', /^REMIND_AFTER should be a duration like 24h, 90m or 45s, or off \(got "24"\)\.$/],
    ['REMIND_AFTER', '0h', /^REMIND_AFTER should be a duration like 24h, 90m or 45s, or off \(got "0h"\)\.$/],
    ['REMIND_AFTER', '1.5h', /^REMIND_AFTER should be a duration/],
    ['REMIND_AFTER', 'never', /^REMIND_AFTER should be a duration/],
  ])('names %s when it is %j', (name, value, expected) => {
    expect(failure({ BOT_TOKEN: TOKEN, [name]: value })).toMatch(expected);
  });
});
