import pino, { type Logger } from 'pino';
import type { LogLevel } from './config.js';
import { lazyModule } from './lazy-module.js';

/** Only a person at a terminal needs it. */
const pinoPretty = lazyModule<typeof import('pino-pretty')>('pino-pretty');

export type { Logger };

export interface LoggerOptions {
  /** Lines for a person (default: when stdout is a terminal); JSON lines otherwise. */
  readable?: boolean;
  /** Strings that must never reach a log (the bot token), replaced wherever they appear. */
  secrets?: readonly string[];
  /** Where lines go; stdout by default. */
  destination?: NodeJS.WritableStream;
}

/**
 * Logs for a person in a terminal (readable lines), JSON lines otherwise
 * (a service manager, a log collector). Callers log ids and outcomes, never
 * tokens or answers; as a last guard every line is scrubbed of the secrets,
 * since a network error's text can carry the request URL, token and all.
 */
export function createLogger(level: LogLevel, options: LoggerOptions = {}): Logger {
  const readable = options.readable ?? process.stdout.isTTY === true;
  const secrets = (options.secrets ?? []).filter((secret) => secret.length > 0);
  const hooks = secrets.length === 0 ? {} : { hooks: { streamWrite: (line: string) => scrub(line, secrets) } };
  const destination = options.destination;
  if (!readable) {
    const settings = { level, base: { app: 'manyi' }, ...hooks };
    return destination ? pino(settings, destination) : pino(settings);
  }
  return pino(
    { level, base: undefined, ...hooks },
    pinoPretty()({
      colorize: destination === undefined,
      translateTime: 'SYS:HH:MM:ss',
      ignore: 'pid,hostname',
      sync: true,
      ...(destination ? { destination } : {}),
    }),
  );
}

function scrub(line: string, secrets: readonly string[]): string {
  let clean = line;
  for (const secret of secrets) if (clean.includes(secret)) clean = clean.split(secret).join('<secret>');
  return clean;
}
