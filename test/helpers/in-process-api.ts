import type { Bot, Context } from 'grammy';
import type { ApiResponse, Update } from 'grammy/types';
import type { FakeTelegram, Params } from './fake-telegram.js';

/**
 * Answers every Bot API call of `bot` from `telegram` (no network) and makes
 * user actions reach the bot: through `deliver` when given (the durable
 * inbox, as shipped), else straight into `bot.handleUpdate`. Failures come
 * back as ApiError objects, so grammY throws GrammyError exactly as with real
 * Telegram. The bot needs `botInfo` (or `await bot.init()` after connecting).
 * Installed last, this transformer runs first and answers at once: the
 * client's own transformers (rate limits, retries of 429 and 5xx) never see
 * the call. Tests of those run the real process (test/e2e, test/resilience).
 */
export function connectBotToFake<C extends Context>(
  bot: Bot<C>,
  telegram: FakeTelegram,
  deliver?: (update: Update) => Promise<void>,
): void {
  bot.api.config.use(async (_prev, method, payload) => {
    const result = await telegram.callAsync(method, (payload ?? {}) as Params);
    // ApiSuccess<never> fits every method's response type.
    return result as ApiResponse<never>;
  });
  telegram.setDelivery(deliver ?? ((update) => bot.handleUpdate(update)));
}
