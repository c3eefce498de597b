import pino, { type Logger } from 'pino';
import type { LogLevel } from './config.js';

export type { Logger };

/** Structured JSON logs on stdout. Callers log ids and outcomes, never tokens or answers. */
export function createLogger(level: LogLevel): Logger {
  return pino({ level, base: { app: 'manyi' } });
}
