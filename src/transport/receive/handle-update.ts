import { BotError, GrammyError, HttpError, type Bot, type Context } from 'grammy';
import { storageTrouble } from '../../db/client.js';
import type { Logger } from '../../logger.js';
import type { UpdateHandler } from './inbox.js';

/** A failure that may pass by itself: the network, Telegram's flood control, Telegram's own errors, storage trouble. */
export function isPassingFailure(error: unknown): boolean {
  if (error instanceof HttpError || storageTrouble(error) !== undefined) return true;
  return error instanceof GrammyError && (error.error_code === 429 || error.error_code >= 500);
}

function describe(error: unknown): string {
  if (error instanceof GrammyError) return error.description;
  return error instanceof Error ? error.message : String(error);
}

/** When each update in hand was stored (epoch ms): a press older than Telegram accepts is not answered. */
const receivedAt = new WeakMap<object, number>();

/** When this update was stored in the inbox (epoch ms), if it came through it. */
export function receivedAtOf(update: object): number | undefined {
  return receivedAt.get(update);
}

export interface UpdateHandlerOptions {
  /** Pauses before handling an update again at once, within the same attempt, ms; then the inbox's slower schedule takes over. */
  quickRetriesMs?: readonly number[];
}

/** A resident who pressed a button is waiting: a reply that failed is tried again after 1 s, then 2 s. */
const QUICK_RETRIES_MS = [1_000, 2_000];

/**
 * Runs an update through the bot for the inbox. A reply that failed for a
 * reason that passes is tried again, by handling the whole update again
 * (which repairs what the resident sees), first within a second or two
 * while the resident still looks at the screen, then on the inbox's slower
 * schedule ('retry'). On the inbox's last attempt, and for every other
 * error, the bot's error handler has its say (a log line, a short apology).
 */
export function createUpdateHandler<C extends Context>(
  bot: Bot<C>,
  logger: Logger,
  { quickRetriesMs = QUICK_RETRIES_MS }: UpdateHandlerOptions = {},
): UpdateHandler {
  return async (update, attempt) => {
    receivedAt.set(update, attempt.receivedAt);
    for (let quick = 0; ; quick++) {
      try {
        await bot.handleUpdate(update);
        return 'handled';
      } catch (error) {
        if (!(error instanceof BotError)) throw error;
        if (!isPassingFailure(error.error)) {
          await bot.errorHandler(error);
          return 'failed';
        }
        const cause = describe(error.error);
        const pause = quickRetriesMs[quick];
        if (pause !== undefined) {
          logger.warn({ updateId: update.update_id, attempt: attempt.number, cause, retryInMs: pause }, 'reply failed; handling the update again');
          await new Promise((resolve) => setTimeout(resolve, pause));
          continue;
        }
        if (!attempt.last) {
          logger.warn({ updateId: update.update_id, attempt: attempt.number, cause }, 'reply failed; the update will be handled again later');
          return 'retry';
        }
        await bot.errorHandler(error);
        return 'failed';
      }
    }
  };
}
