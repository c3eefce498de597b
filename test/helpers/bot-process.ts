import { spawn, type ChildProcess } from 'node:child_process';
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FakeBotApiServer } from './fake-bot-api-server.js';
import { startNodeFlags } from './start-command.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
/** What `npm start` runs; vitest's globalSetup (build-dist.ts) has compiled it for this test run. */
export const BOT_ENTRY = join(REPO, 'dist/main.js');

export interface BotProcess {
  child: ChildProcess;
  /** Everything the process printed, stdout and stderr. */
  output(): string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** Sends a signal and resolves with the exit code (null when killed by a signal). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Reads the bot's database from outside, as an operator would, while the bot runs. */
export function queryDatabase<T>(path: string, sql: string): T[] {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

export function temporaryDatabasePath(): string {
  return join(mkdtempSync(join(tmpdir(), 'manyi-e2e-')), 'data', 'manyi.sqlite');
}

export interface StartOptions {
  /** Wait until the bot receives updates (polling, or its webhook set); default true. */
  waitForPolling?: boolean;
  cwd?: string;
  /**
   * The fake server the bot talks to: a user action then resolves only once
   * the bot has handled it (see `inboxProbe`), not merely stored it.
   */
  server?: FakeBotApiServer;
}

/**
 * Runs the bot exactly as `npm start` does (node with source maps on the
 * compiled dist/main.js) with the given environment, and waits until it receives updates.
 */
export async function startBotProcess(
  env: Record<string, string>,
  { waitForPolling = true, cwd: givenCwd, server }: StartOptions = {},
): Promise<BotProcess> {
  const cwd = givenCwd ?? mkdtempSync(join(tmpdir(), 'manyi-cwd-'));
  if (server) {
    const inbox = inboxProbe(resolve(cwd, env['DATABASE_PATH'] ?? 'data/manyi.sqlite'));
    server.setHandledProbe(inbox.probe);
  }
  // Same command as `npm start`, but from a scratch folder, so a developer's
  // .env in the repo cannot leak into the test and relative paths land there.
  const child = spawn(process.execPath, [...startNodeFlags(), BOT_ENTRY], {
    cwd,
    // Rate limits would make scripted residents wait like no person does; rate-limits.test.ts turns them on.
    env: { PATH: process.env['PATH'] ?? '', LOG_LEVEL: 'info', TELEGRAM_RATE_LIMITS: 'off', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));

  const handle: BotProcess = {
    child,
    exited,
    output: () => output,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
  if (!waitForPolling) return handle;

  const deadline = Date.now() + 30_000;
  const ready = env['WEBHOOK_URL'] ? 'webhook ready' : 'polling for updates';
  while (!output.includes(ready)) {
    if (child.exitCode !== null) throw new Error(`the bot exited with ${child.exitCode}:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the bot did not start receiving updates within 30 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return handle;
}

/** Runs the bot and waits for it to exit by itself (for start-up failures). */
export async function runBotToExit(
  env: Record<string, string>,
  options: { cwd?: string } = {},
): Promise<{ code: number | null; output: string }> {
  const bot = await startBotProcess(env, { ...options, waitForPolling: false });
  const code = await bot.exited;
  return { code, output: bot.output() };
}

/**
 * Resolves once the bot process has handled an update, read from its inbox
 * (inbox_updates) as an operator would read it: the bot confirms an update to
 * Telegram as soon as it is stored, before handling it, so a user action
 * waits for this too (`server.setHandledProbe`). A row that is gone was
 * handled and pruned.
 */
export function inboxProbe(databasePath: string, { timeoutMs = 30_000 } = {}) {
  let db: Database.Database | undefined;
  const probe = async (updateId: number): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        db ??= new Database(databasePath, { readonly: true, fileMustExist: true });
        const row = db.prepare('SELECT done_at FROM inbox_updates WHERE update_id = ?').get(updateId) as
          | { done_at: number | null }
          | undefined;
        if (!row || row.done_at !== null) return;
      } catch (error) {
        // The bot may be creating or migrating the file; try again.
        db?.close();
        db = undefined;
        if (Date.now() > deadline) throw error;
      }
      if (Date.now() > deadline) throw new Error(`update ${updateId} was not handled within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  return { probe, close: () => db?.close() };
}
