import { Composer } from 'grammy';
import { REACH_TEXTS } from '../../texts/reach.js';
import type { BotContext } from '../context.js';
import { setNotifications } from '../outbound/buttons.js';

/** `/notify off` and `/notify on`: the "don't notify me" button in words, and its undoing. */
const composer = new Composer<BotContext>();

composer.chatType('private').command('notify', async (ctx) => {
  const t = REACH_TEXTS[ctx.language];
  const argument = ctx.match.trim().toLowerCase();
  if (argument === 'off' || argument === 'on') {
    setNotifications(ctx, argument === 'on');
    await ctx.reply(argument === 'on' ? t.notifyOn : t.notifyOff);
    return;
  }
  // No argument, or one we do not know: where things stand, and the two commands.
  await ctx.reply(t.notifyState({ off: ctx.contact?.notificationsOff ?? false }));
});

export const notifyFeature = composer;
