import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { LogLevel } from './config.js';

export type { Logger };

/**
 * Logs for a person in a terminal (readable lines), JSON lines otherwise
 * (a service manager, a log collector). Callers log ids and outcomes, never
 * tokens or answers.
 */
export function createLogger(level: LogLevel, { readable = process.stdout.isTTY === true } = {}): Logger {
  if (!readable) return pino({ level, base: { app: 'manyi' } });
  return pino(
    { level, base: undefined },
    pretty({ colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname', sync: true }),
  );
}
