import type { Bot, Context } from 'grammy';
import type { ApiResponse } from 'grammy/types';
import type { FakeTelegram, Params } from './fake-telegram.js';

/**
 * Answers every Bot API call of `bot` from `telegram` (no network) and makes
 * user actions run `bot.handleUpdate`. Failures come back as ApiError objects,
 * so grammY throws GrammyError exactly as with real Telegram.
 * The bot needs `botInfo` (or `await bot.init()` after connecting).
 */
export function connectBotToFake<C extends Context>(bot: Bot<C>, telegram: FakeTelegram): void {
  bot.api.config.use(async (_prev, method, payload) => {
    const result = await telegram.callAsync(method, (payload ?? {}) as Params);
    // ApiSuccess<never> fits every method's response type.
    return result as ApiResponse<never>;
  });
  telegram.setDelivery((update) => bot.handleUpdate(update));
}
