import { InlineKeyboard } from 'grammy';
import type { InlineKeyboardButton } from 'grammy/types';
import { setNotificationsOff, touchContact } from '../../db/contacts.js';
import { findOpenRound } from '../../db/rounds.js';
import { respondentKey } from '../../privacy/pseudonym.js';
import type { Language } from '../../questionnaire/languages.js';
import { REACH_TEXTS } from '../../texts/reach.js';
import { currentResponse } from '../../survey/actions.js';
import { encodeButton } from '../prompt/callback-data.js';
import type { BotContext } from '../context.js';
import { answerPress, isHarmlessEditError, livePrompt, promptIsCurrent, showPrompt } from '../prompt/live-prompt.js';
import { TEXTS } from '../../texts/resident.js';

/*
 * What residents can do with the messages the bot sends them first
 * (announcements, reminders): continue the survey, or say "don't notify me".
 */

/** The buttons under a message the bot sends first: Continue (a reminder of `roundId`) and "don't notify me". */
export function outboundKeyboard(language: Language, continueRound?: number): InlineKeyboard {
  const t = REACH_TEXTS[language];
  const keyboard = new InlineKeyboard();
  if (continueRound !== undefined) keyboard.text(t.continueButton, encodeButton({ type: 'continue', roundId: continueRound })).row();
  return keyboard.text(t.notifyOffButton, encodeButton({ type: 'notify', on: false }));
}

/**
 * Continue on a reminder: the question the resident stopped at becomes the
 * chat's one live prompt, sent anew under the reminder (the old prompt loses
 * its buttons). Writes nothing, so a second press or a redelivery finds that
 * prompt already under the reminder and sends nothing.
 */
export async function continueFromReminder(ctx: BotContext, roundId: number): Promise<void> {
  const language = ctx.language;
  const round = findOpenRound(ctx.deps.db);
  if (!round || round.id !== roundId) return answerPress(ctx, TEXTS[language].roundClosed);
  const state = currentResponse(ctx.deps.db, { round, respondentKey: respondentKey(ctx.deps.pseudonymSecret, ctx.from!.id) });
  if (!state) return answerPress(ctx, REACH_TEXTS[language].nothingToContinue);
  if (state.status === 'completed') return answerPress(ctx, TEXTS[language].alreadyRecorded);
  await answerPress(ctx);
  const reminder = ctx.callbackQuery?.message?.message_id ?? 0;
  const live = livePrompt(ctx);
  if (live && live.messageId > reminder && promptIsCurrent(ctx, round, state)) return;
  await showPrompt(ctx, round, state);
}

/** Turns notifications off (or on) for this chat and says so once; the button pressed leaves its message. */
export async function pressNotify(ctx: BotContext, on: boolean): Promise<void> {
  const t = REACH_TEXTS[ctx.language];
  const changed = setNotifications(ctx, on);
  const message = ctx.callbackQuery?.message;
  // Said in the chat the first time, in a notice when pressed again.
  await answerPress(ctx, changed ? undefined : on ? t.notifyOn : t.notifyOff);
  if (changed) await ctx.reply(on ? t.notifyOn : t.notifyOff);
  // A second press (a double tap) changed nothing, and its message was edited already.
  const rows = message?.reply_markup?.inline_keyboard;
  if (!changed || !message || !rows) return;
  const kept = rows
    .map((row) => row.filter((button) => !isNotifyButton(button)))
    .filter((row) => row.length > 0);
  if (kept.length === rows.length && kept.every((row, i) => row.length === rows[i]!.length)) return;
  try {
    await ctx.api.editMessageReplyMarkup(message.chat.id, message.message_id, { reply_markup: { inline_keyboard: kept } });
  } catch (error) {
    if (!isHarmlessEditError(error)) throw error;
  }
}

const isNotifyButton = (button: InlineKeyboardButton) => 'callback_data' in button && button.callback_data.startsWith('1N:');

/** Records the resident's choice; true when it changed anything. */
export function setNotifications(ctx: BotContext, on: boolean): boolean {
  const { db, clock } = ctx.deps;
  const chatId = ctx.chat!.id;
  const before = ctx.contact?.notificationsOff ?? false;
  ctx.contact = touchContact(db, chatId, clock(), ctx.language);
  setNotificationsOff(db, chatId, !on);
  ctx.contact = { ...ctx.contact, notificationsOff: !on };
  return before === on;
}
