import { GrammyError, HttpError, type Api } from 'grammy';
import type { Logger } from '../../logger.js';
import { backoffMs, describeNetworkFailure } from '../network.js';
import { MAX_BACKLOG, type Inbox } from './inbox.js';

/*
 * Long polling into the inbox. Each batch is written to the inbox and then
 * confirmed by the very next getUpdates (its offset), at once: fetching
 * never waits for handling, so no resident waits for another's batch.
 *
 * Stopping aborts the long poll and confirms nothing more: Telegram would
 * answer a second getUpdates with 409 Conflict while the aborted one is still
 * open on its side. What the last batch held is in the inbox already; when
 * Telegram delivers it again after a restart, the inbox knows the ids and
 * skips them.
 */

export interface PollingOptions {
  /** A client for getUpdates whose timeout exceeds the long poll's. */
  api: Api;
  inbox: Inbox;
  allowedUpdates: readonly string[];
  logger: Logger;
  /** Where Telegram is, for messages a person reads. */
  apiRoot: string;
  /** Seconds a getUpdates call waits for updates. */
  timeoutSeconds?: number;
  /** Fetching pauses while the inbox's backlog is this large (Telegram keeps the rest); default MAX_BACKLOG. */
  maxPending?: number;
  onStart?: () => void;
}

export interface Polling {
  /** Resolves when polling has stopped; rejects when Telegram refused it for good (a 401, a 409). */
  done: Promise<void>;
  /** Stops fetching and resolves once the long poll is closed (at most `graceMs`). */
  stop(graceMs?: number): Promise<void>;
}

const delay = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });

/** Updates one getUpdates may return. */
const POLL_LIMIT = 100;

export function startPolling(options: PollingOptions): Polling {
  const { api, inbox, logger } = options;
  const abort = new AbortController();
  const timeout = options.timeoutSeconds ?? 30;
  const maxPending = options.maxPending ?? MAX_BACKLOG;
  let offset = 0;

  const loop = async () => {
    let failures = 0;
    let storeFailures = 0;
    let paused = false;
    options.onStart?.();
    while (!abort.signal.aborted) {
      // Counted with each chat's share capped, so one chat's backlog never pauses everyone.
      if (inbox.backlog() >= maxPending) {
        if (!paused) logger.warn({ pending: inbox.pending() }, 'the inbox is full; fetching pauses until it drains');
        paused = true;
        await delay(250, abort.signal);
        continue;
      }
      paused = false;
      let updates;
      try {
        inbox.watch.pollStarted();
        updates = await api.getUpdates(
          { offset, limit: POLL_LIMIT, timeout, allowed_updates: options.allowedUpdates as never },
          // grammY types its signal with the abort-controller polyfill; Node's is the same at run time.
          abort.signal as Parameters<Api['getUpdates']>[1],
        );
      } catch (error) {
        inbox.watch.pollFailed();
        if (abort.signal.aborted) break;
        const wait = retryableWait(error, ++failures);
        if (wait === null) throw error;
        const reason = error instanceof GrammyError ? error.description : describeNetworkFailure(error as HttpError);
        logger.warn(
          { apiRoot: options.apiRoot, reason, retryInSeconds: Math.round(wait / 1000) },
          `cannot fetch updates from Telegram at ${options.apiRoot} (${reason}); trying again in ${Math.round(wait / 1000)} s`,
        );
        await delay(wait, abort.signal);
        continue;
      }
      if (failures > 0) logger.info({ apiRoot: options.apiRoot }, 'reached Telegram again; fetching updates');
      failures = 0;
      if (updates.length === 0) {
        inbox.watch.pollStored(0, POLL_LIMIT);
        continue;
      }
      try {
        // Written before the next getUpdates confirms them.
        inbox.add(updates);
        inbox.watch.pollStored(updates.length, POLL_LIMIT);
      } catch (error) {
        inbox.watch.pollFailed();
        // Not stored, so not confirmed: Telegram keeps them, and the same batch is fetched again.
        const wait = backoffMs(++storeFailures);
        logger.error({ err: error, retryInSeconds: wait / 1000 }, 'updates could not be stored; fetching them again shortly');
        await delay(wait, abort.signal);
        continue;
      }
      storeFailures = 0;
      offset = updates.at(-1)!.update_id + 1;
    }
  };

  const done = loop();
  return {
    done,
    async stop(graceMs = 3_000) {
      abort.abort();
      await Promise.race([
        done.catch(() => undefined),
        new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref()),
      ]);
    },
  };
}

/** How long to wait before fetching again, or null when the failure is final (a bad token, another instance). */
function retryableWait(error: unknown, failures: number): number | null {
  if (error instanceof HttpError) return backoffMs(failures);
  if (error instanceof GrammyError) {
    if (error.error_code === 429) return Math.max(1, error.parameters.retry_after ?? 1) * 1000;
    if (error.error_code >= 500) return backoffMs(failures);
  }
  return null;
}
