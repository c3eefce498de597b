import { BotError, GrammyError, HttpError, type Bot, type Context } from 'grammy';
import type { Update } from 'grammy/types';
import type { Logger } from '../logger.js';

/*
 * Long polling with concurrency and at-least-once delivery.
 *
 * grammY's bot.start() handles a batch one update at a time; its runner is
 * concurrent but confirms updates to Telegram as soon as they are fetched, so
 * a crash loses them. Here a batch is handled concurrently — one queue per
 * chat, so a chat's updates stay in order — and the next getUpdates, which is
 * what confirms a batch to Telegram, is only sent once the whole batch is
 * done. A crash therefore loses nothing: Telegram redelivers the unconfirmed
 * batch, and handling an update twice changes nothing.
 */

export interface PollingOptions {
  allowedUpdates: readonly string[];
  logger: Logger;
  /** Seconds a getUpdates call waits for updates. */
  timeoutSeconds?: number;
  /**
   * Confirms updates up to `offset` when stopping. main.ts passes a client
   * without retries and with a short timeout, so a vanished server cannot
   * hold up the exit.
   */
  confirm?: (offset: number) => Promise<unknown>;
  onStart?: () => void;
}

export interface Polling {
  /** Resolves when polling has stopped (after stop(), or on a fatal error, which it rejects with). */
  done: Promise<void>;
  /** Stops fetching, lets the batch in hand finish (at most `graceMs`), confirms it, and resolves. */
  stop(graceMs?: number): Promise<void>;
}

/** The queue an update belongs to: its chat, else its sender, else a shared one. */
function queueKey(update: Update): string {
  for (const value of Object.values(update)) {
    if (typeof value !== 'object' || value === null) continue;
    const item = value as { chat?: { id: number }; message?: { chat?: { id: number } }; from?: { id: number } };
    const chat = item.chat?.id ?? item.message?.chat?.id;
    if (chat !== undefined) return `chat:${chat}`;
    if (item.from) return `user:${item.from.id}`;
  }
  return 'other';
}

/** Handles a batch: different chats at once, each chat's updates in order. */
export async function handleBatch<C extends Context>(bot: Bot<C>, updates: readonly Update[]): Promise<void> {
  const queues = new Map<string, Update[]>();
  for (const update of updates) {
    const key = queueKey(update);
    const queue = queues.get(key);
    if (queue) queue.push(update);
    else queues.set(key, [update]);
  }
  await Promise.all(
    [...queues.values()].map(async (queue) => {
      for (const update of queue) {
        try {
          await bot.handleUpdate(update);
        } catch (error) {
          // A failed update is reported and the rest go on; it is not retried forever.
          if (error instanceof BotError) await bot.errorHandler(error);
          else throw error;
        }
      }
    }),
  );
}

const delay = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });

/** Starts polling; the bot must be initialised (bot.init()) first. */
export function startPolling<C extends Context>(bot: Bot<C>, options: PollingOptions): Polling {
  const abort = new AbortController();
  const timeout = options.timeoutSeconds ?? 30;
  let offset = 0;

  const loop = async () => {
    let failures = 0;
    options.onStart?.();
    while (!abort.signal.aborted) {
      let updates: Update[];
      try {
        updates = await bot.api.getUpdates(
          { offset, limit: 100, timeout, allowed_updates: options.allowedUpdates as never },
          // grammY types its signal with the abort-controller polyfill; Node's is the same at run time.
          abort.signal as Parameters<typeof bot.api.getUpdates>[1],
        );
        failures = 0;
      } catch (error) {
        if (abort.signal.aborted) break;
        // Telegram refusing us (bad token, another instance polling) is final; the network is not.
        if (error instanceof GrammyError) throw error;
        if (!(error instanceof HttpError)) throw error;
        failures++;
        const wait = Math.min(30_000, 500 * 2 ** Math.min(failures, 6));
        options.logger.warn({ err: error.message, retryInMs: wait }, 'getUpdates failed');
        await delay(wait, abort.signal);
        continue;
      }
      if (updates.length === 0) continue;
      await handleBatch(bot, updates);
      offset = updates.at(-1)!.update_id + 1;
    }
  };

  const done = loop();
  const stop = async (graceMs = 5_000) => {
    abort.abort();
    const finished = await Promise.race([
      done.then(
        () => true,
        () => true,
      ),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), graceMs).unref()),
    ]);
    if (!finished) {
      options.logger.warn({ graceMs }, 'stopped before the batch in hand finished; Telegram will redeliver it');
      return;
    }
    // Confirm the last batch so it is not delivered again after a restart.
    if (offset > 0) {
      const confirm = options.confirm ?? ((next: number) => bot.api.getUpdates({ offset: next, limit: 1, timeout: 0 }));
      await confirm(offset).catch((error: unknown) => {
        options.logger.warn({ err: error }, 'could not confirm the last updates; they will come again');
      });
    }
  };
  return { done, stop };
}
