import { GrammyError } from 'grammy';
import { findContact, setPromptMessage } from '../db/contacts.js';
import type { ResponseState } from '../db/responses.js';
import type { Round } from '../db/rounds.js';
import { findQuestion } from '../questionnaire/engine.js';
import type { BotContext } from './context.js';
import { renderQuestion, renderSummary, type Rendered } from './render.js';

/*
 * The "prompt" is the one message in a resident's chat that carries live
 * buttons: the question being asked, or the summary. Sending a new one
 * retires the old, so no answered question keeps buttons that could mislead.
 */

function chatIdOf(ctx: BotContext): number {
  if (!ctx.chat) throw new Error('a prompt needs a chat');
  return ctx.chat.id;
}

/** Telegram refuses an edit that changes nothing or names a message now gone; neither matters here. */
function isHarmlessEditError(error: unknown): boolean {
  return (
    error instanceof GrammyError &&
    error.error_code === 400 &&
    /message is not modified|message to edit not found|message can't be edited/.test(error.description)
  );
}

export async function editQuietly(ctx: BotContext, messageId: number, rendered: Rendered): Promise<void> {
  try {
    await ctx.api.editMessageText(chatIdOf(ctx), messageId, rendered.html, {
      parse_mode: 'HTML',
      reply_markup: rendered.keyboard,
    });
  } catch (error) {
    if (!isHarmlessEditError(error)) throw error;
    ctx.log.debug({ messageId }, 'edit skipped');
  }
}

/** Edits the pressed message only if its buttons would change (a toggle shown already needs no edit). */
export async function editIfChanged(ctx: BotContext, messageId: number, rendered: Rendered): Promise<void> {
  const shown = JSON.stringify(ctx.callbackQuery?.message?.reply_markup?.inline_keyboard ?? []);
  const wanted = JSON.stringify(rendered.keyboard?.inline_keyboard ?? []);
  if (shown !== wanted) await editQuietly(ctx, messageId, rendered);
}

/** Takes the buttons off a message, keeping its text. */
export async function retireButtons(ctx: BotContext, messageId: number): Promise<void> {
  try {
    await ctx.api.editMessageReplyMarkup(chatIdOf(ctx), messageId);
  } catch (error) {
    if (!isHarmlessEditError(error)) throw error;
  }
  releasePrompt(ctx, messageId);
}

/**
 * Forgets the prompt once its buttons are gone (retired, or edited into what
 * was recorded): the stored prompt is always a message with live buttons, so
 * the bot never sends Telegram an edit that would change nothing.
 */
export function releasePrompt(ctx: BotContext, messageId: number): void {
  if (promptMessageId(ctx) === messageId) setPromptMessage(ctx.deps.db, chatIdOf(ctx), null);
}

/** Whether the message a button was pressed on still shows buttons (Telegram sends it as it is). */
export function pressedMessageHasButtons(ctx: BotContext): boolean {
  const markup = ctx.callbackQuery?.message?.reply_markup;
  return markup !== undefined && markup.inline_keyboard.length > 0;
}

export function promptMessageId(ctx: BotContext): number | null {
  return findContact(ctx.deps.db, chatIdOf(ctx))?.promptMessageId ?? null;
}

export function renderCursor(round: Round, state: ResponseState, ctx: BotContext, hint?: string): Rendered {
  const question = state.cursor === null ? undefined : findQuestion(round.questionnaire, state.cursor);
  if (!question) {
    const summary = renderSummary(round.questionnaire, state, ctx.language);
    return hint ? { ...summary, html: `⚠️ ${hint}\n\n${summary.html}` } : summary;
  }
  return renderQuestion(round.questionnaire, state, question, ctx.language, hint);
}

/**
 * Sends where the resident stands (question or summary) as the new prompt,
 * then retires the previous prompt unless the caller already did.
 */
export async function sendPrompt(
  ctx: BotContext,
  round: Round,
  state: ResponseState,
  options: { hint?: string; retired?: number } = {},
): Promise<void> {
  const chatId = chatIdOf(ctx);
  const previous = promptMessageId(ctx);
  const rendered = renderCursor(round, state, ctx, options.hint);
  const sent = await ctx.reply(rendered.html, { parse_mode: 'HTML', reply_markup: rendered.keyboard });
  setPromptMessage(ctx.deps.db, chatId, sent.message_id);
  if (previous !== null && previous !== options.retired && previous !== sent.message_id) {
    try {
      await ctx.api.editMessageReplyMarkup(chatId, previous);
    } catch (error) {
      if (!isHarmlessEditError(error)) throw error;
    }
  }
}
