import { isIP } from 'node:net';
import { fileURLToPath } from 'node:url';
import cron from 'node-cron';
import { z } from 'zod';
import { isLanguage, LANGUAGES, type Language } from './questionnaire/languages.js';

// From the package root, so the compiled bot (dist/config.js) reads the same file as src/config.ts.
export const DEFAULT_QUESTIONNAIRE_PATH = fileURLToPath(
  new URL('../src/questionnaire/default-questionnaire.yaml', import.meta.url),
);

export interface Config {
  botToken: string;
  adminChatIds: readonly number[];
  /** The people who may change things or take data out in admin chats; empty: every member may. */
  adminUserIds: readonly number[];
  /** PSEUDONYM_SECRET; when unset, the key file beside the database holds it (privacy/pseudonym.ts). */
  pseudonymSecret: string | undefined;
  databasePath: string;
  questionnairePath: string;
  digestCron: string;
  digestTimezone: string;
  defaultLanguage: Language;
  telegramApiRoot: string | undefined;
  /** Keep outgoing calls under Telegram's limits; off only against a fake server (benchmarks). */
  telegramRateLimits: boolean;
  /** Set: Telegram posts updates to us (webhook mode); unset: we poll. */
  webhook: WebhookConfig | undefined;
  /** Leave responses flagged for quality (too fast, straight line) out of the indexes. */
  qualityFilter: boolean;
  /** Remind unfinished residents this long after their last answer; null: never (REMIND_AFTER=off). */
  remindAfterMs: number | null;
  logLevel: LogLevel;
}

export interface WebhookConfig {
  /** The public URL Telegram posts to. */
  url: string;
  /** Where our server listens: an interface (WEBHOOK_HOST; undefined: all of them) and a port. */
  host: string | undefined;
  port: number;
  path: string;
  /** WEBHOOK_SECRET; when unset, one is generated and kept in the database. */
  secret: string | undefined;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Thrown when the environment cannot run the bot; the message names the variable and what it expects. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

const optional = (value: string | undefined) =>
  value === undefined || value.trim() === '' ? undefined : value.trim();

const isTimeZone = (zone: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

const isHttpUrl = (value: string) => {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
};

const chatId = /^-?\d{1,16}$/;
const userId = /^\d{1,16}$/;

const DURATION_UNITS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `24h`, `90m`, `45s`, `2d` in milliseconds; null for anything else (zero included). */
export function parseDuration(value: string): number | null {
  const match = /^(\d{1,6})([smhd])$/.exec(value);
  if (!match) return null;
  const ms = Number(match[1]) * DURATION_UNITS[match[2] as keyof typeof DURATION_UNITS];
  return ms > 0 ? ms : null;
}

/** A comma-separated list of numeric ids, each matching `id`; empty by default. */
const idList = (id: RegExp, expected: string) =>
  z
    .string()
    .default('')
    .refine((value) => value.split(',').every((part) => part.trim() === '' || id.test(part.trim())), expected)
    .transform((value) =>
      value
        .split(',')
        .map((part) => part.trim())
        .filter((part) => part !== '')
        .map(Number),
    );

const SECRETS = new Set(['BOT_TOKEN', 'WEBHOOK_SECRET', 'PSEUDONYM_SECRET']);

/*
 * One entry per variable: its schema says what a good value looks like, in
 * words that end up in the start-up error.
 */
const fields = {
  BOT_TOKEN: z
    .string()
    .regex(/^\d+:[\w-]{20,}$/, 'should look like 123456789:AA… as @BotFather gives it'),
  ADMIN_CHAT_IDS: idList(chatId, 'should be comma-separated numeric chat ids, like 123456789,-1001234567890'),
  ADMIN_USER_IDS: idList(userId, 'should be comma-separated numeric Telegram user ids, like 123456789,987654321'),
  DATABASE_PATH: z.string().default('data/manyi.sqlite'),
  PSEUDONYM_SECRET: z
    .string()
    .regex(/^[A-Za-z0-9_+\/=-]{32,256}$/, 'should be 32 to 256 characters of letters, digits and _ + / = - (for instance the output of openssl rand -hex 32)')
    .optional(),
  QUESTIONNAIRE_PATH: z.string().default(DEFAULT_QUESTIONNAIRE_PATH),
  DIGEST_CRON: z
    .string()
    .default('0 9 * * 1')
    .refine(
      (value) => cron.validate(value),
      'should be a cron expression of 5 fields (or 6 with seconds), like "0 9 * * 1"',
    ),
  DIGEST_TIMEZONE: z
    .string()
    .default('Asia/Shanghai')
    .refine(isTimeZone, 'should be an IANA time zone, like Asia/Shanghai'),
  DEFAULT_LANGUAGE: z
    .string()
    .default('zh-Hant')
    .refine(isLanguage, `should be one of ${LANGUAGES.join(', ')}`)
    .transform((value) => value as Language),
  TELEGRAM_API_ROOT: z
    .string()
    .refine(isHttpUrl, 'should be an http(s) URL, like http://127.0.0.1:8081')
    .transform((value) => value.replace(/\/+$/, ''))
    .optional(),
  TELEGRAM_RATE_LIMITS: z
    .enum(['on', 'off'], 'should be on or off')
    .default('on')
    .transform((value) => value === 'on'),
  WEBHOOK_URL: z
    .string()
    .refine(isHttpUrl, 'should be the public https:// URL Telegram posts updates to, like https://bot.example.org/telegram')
    .optional(),
  PORT: z
    .string()
    .default('8080')
    .refine((value) => /^\d{1,5}$/.test(value) && Number(value) >= 1 && Number(value) <= 65535, 'should be a port number from 1 to 65535, like 8080')
    .transform(Number),
  WEBHOOK_HOST: z
    .string()
    .refine((value) => isIP(value) !== 0, 'should be the IP address of an interface to listen on, like 127.0.0.1 (behind a proxy on the same machine) or 0.0.0.0')
    .optional(),
  WEBHOOK_PATH: z
    .string()
    .regex(/^\/[A-Za-z0-9._~!$&'()*+,;=:@%\/-]*$/, 'should be a URL path starting with /, like /telegram/webhook')
    .optional(),
  WEBHOOK_SECRET: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,256}$/, "should be 1 to 256 characters of A-Z, a-z, 0-9, _ and - (Telegram's rule for a secret token)")
    .optional(),
  QUALITY_FILTER: z
    .enum(['on', 'off'], 'should be on or off')
    .default('on')
    .transform((value) => value === 'on'),
  REMIND_AFTER: z
    .string()
    .default('24h')
    .refine((value) => value === 'off' || parseDuration(value) !== null, 'should be a duration like 24h, 90m or 45s, or off')
    .transform((value) => (value === 'off' ? null : parseDuration(value))),
  LOG_LEVEL: z.enum(LOG_LEVELS, `should be one of ${LOG_LEVELS.join(', ')}`).default('info'),
};

/**
 * Reads the configuration from the environment once. Throws a ConfigError that
 * names the first wrong variable; the values of secrets never appear in it.
 */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  if (optional(env['BOT_TOKEN']) === undefined) {
    throw new ConfigError(
      'BOT_TOKEN is not set: create a bot with @BotFather in Telegram, then set BOT_TOKEN to the token it gives you (in the environment or in a .env file).',
    );
  }
  const values: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(fields)) {
    const parsed = schema.safeParse(optional(env[name]));
    if (!parsed.success) {
      const reason = parsed.error.issues[0]?.message ?? 'is not valid';
      // Secrets are never repeated, not even malformed ones.
      const shown = SECRETS.has(name) ? '' : ` (got ${JSON.stringify(env[name])})`;
      throw new ConfigError(`${name} ${reason}${shown}.`);
    }
    values[name] = parsed.data;
  }
  const v = values as Values;
  return {
    ...pick(v),
    webhook: webhookConfig(v.WEBHOOK_URL, v),
  };
}

type Values = { [K in keyof typeof fields]: z.output<(typeof fields)[K]> };

/**
 * Webhook mode needs an https URL: Telegram posts only there. A plain http
 * URL is allowed only beside TELEGRAM_API_ROOT (a local Bot API server,
 * which may post anywhere, or the fake server of the tests).
 */
function webhookConfig(url: string | undefined, v: Values): WebhookConfig | undefined {
  if (url === undefined) return undefined;
  const parsed = new URL(url);
  if (parsed.protocol === 'http:' && v.TELEGRAM_API_ROOT === undefined) {
    throw new ConfigError(
      `WEBHOOK_URL should be an https:// URL: Telegram posts only to https (got ${JSON.stringify(url)}); http:// is accepted only with TELEGRAM_API_ROOT, for a local Bot API server.`,
    );
  }
  return {
    url,
    host: v.WEBHOOK_HOST,
    port: v.PORT,
    path: v.WEBHOOK_PATH ?? (parsed.pathname === '' ? '/' : parsed.pathname),
    secret: v.WEBHOOK_SECRET,
  };
}

function pick(v: Values): Omit<Config, 'webhook'> {
  return {
    botToken: v.BOT_TOKEN,
    adminChatIds: v.ADMIN_CHAT_IDS,
    adminUserIds: v.ADMIN_USER_IDS,
    pseudonymSecret: v.PSEUDONYM_SECRET,
    databasePath: v.DATABASE_PATH,
    questionnairePath: v.QUESTIONNAIRE_PATH,
    digestCron: v.DIGEST_CRON,
    digestTimezone: v.DIGEST_TIMEZONE,
    defaultLanguage: v.DEFAULT_LANGUAGE,
    telegramApiRoot: v.TELEGRAM_API_ROOT,
    telegramRateLimits: v.TELEGRAM_RATE_LIMITS,
    qualityFilter: v.QUALITY_FILTER,
    remindAfterMs: v.REMIND_AFTER,
    logLevel: v.LOG_LEVEL,
  };
}
