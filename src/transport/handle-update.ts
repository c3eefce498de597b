import { BotError, GrammyError, HttpError, type Bot, type Context } from 'grammy';
import type { Logger } from '../logger.js';
import type { UpdateHandler } from './inbox.js';

/** A failure that may pass by itself: the network, Telegram's flood control, Telegram's own errors. */
export function isPassingFailure(error: unknown): boolean {
  if (error instanceof HttpError) return true;
  return error instanceof GrammyError && (error.error_code === 429 || error.error_code >= 500);
}

/**
 * Runs an update through the bot for the inbox. A reply that failed for a
 * reason that passes asks for the update to be handled again (which repairs
 * what the resident sees); on the last attempt, and for every other error,
 * the bot's error handler has its say (a log line, a short apology).
 */
export function createUpdateHandler<C extends Context>(bot: Bot<C>, logger: Logger): UpdateHandler {
  return async (update, attempt) => {
    try {
      await bot.handleUpdate(update);
      return 'handled';
    } catch (error) {
      if (!(error instanceof BotError)) throw error;
      if (isPassingFailure(error.error) && !attempt.last) {
        const cause = error.error instanceof GrammyError ? error.error.description : (error.error as Error).message;
        logger.warn({ updateId: update.update_id, attempt: attempt.number, cause }, 'reply failed; the update will be handled again');
        return 'retry';
      }
      await bot.errorHandler(error);
      return 'failed';
    }
  };
}
