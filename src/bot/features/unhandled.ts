import { Composer } from 'grammy';
import type { BotContext } from '../context.js';
import { TEXTS } from '../../texts/resident.js';

const composer = new Composer<BotContext>();

// Whatever no feature took: a private chat learns how to begin; a press gets
// its spinner stopped; groups and the rest are left in peace.
composer.chatType('private').on('message', async (ctx) => {
  await ctx.reply(TEXTS[ctx.language].startHint);
});
composer.on('callback_query', async (ctx) => {
  await ctx.answerCallbackQuery(TEXTS[ctx.language].invalidButton);
});

export const unhandledFeature = composer;
