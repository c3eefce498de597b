import { GrammyError, HttpError, type Api } from 'grammy';
import type { Db } from '../../db/client.js';
import { findContact, recordPrompt } from '../../db/contacts.js';
import { deletePreview, findPreview, setPreviewPrompt } from '../../db/previews.js';
import { findQuestion } from '../../questionnaire/engine.js';
import type { Language } from '../../questionnaire/languages.js';
import type { Questionnaire } from '../../questionnaire/schema.js';
import type { Walk } from '../../questionnaire/walk.js';
import type { BotContext } from '../context.js';
import { receivedAtOf } from '../../transport/receive/handle-update.js';
import { sentAfterLostAttempt } from '../../transport/send/network-retry.js';
import { telegramLength } from '../../render/fit.js';
import { renderQuestion, renderRecorded, renderSummary, SURVEY_MODE, type Rendered, type RenderMode } from './question-view.js';

/*
 * The "prompt" is the one message in a resident's chat that carries live
 * buttons: the question being asked, or the summary. The chat's contact row
 * records which message it is and what it shows. A press edits it in place
 * into the next question (one call to the chat per step); a prompt sent anew
 * retires the old one first (edited into what was recorded, or stripped of
 * its buttons), so no answered question keeps buttons that could mislead,
 * and there is never more than one live prompt.
 *
 * A message can also keep buttons the bot does not know about: a copy whose
 * sending looked lost (the connection died after Telegram took it, or the
 * process died before it recorded the id). Such a copy is retired when the
 * next prompt goes out (it sits just below it) or when it is pressed.
 *
 * An admin's private chat may show a preview instead (features/preview.ts):
 * its live prompt is kept in the preview's row and drawn with the preview's
 * own button data. The rule holds across both: showing a prompt of one kind
 * retires the other's first, and a real question ends the preview.
 */

/** What prompts are drawn from: a round's questionnaire (a resident's survey), or an admin's preview. */
export interface PromptSource {
  questionnaire: Questionnaire;
  /** Set for a preview: its button data and room. Its live prompt is the one in `ctx.preview`. */
  preview?: RenderMode;
}

/** Where a kind of prompt is kept and how it is drawn. */
interface Place {
  mode: RenderMode;
  live(): LivePrompt | null;
  remember(prompt: LivePrompt | null): void;
  /** Retires the chat's live prompt of the other kind, so that one stays live. */
  retireOther(): Promise<void>;
}

export interface LivePrompt {
  messageId: number;
  shows: string;
}

/** What a prompt for this state shows: the response (or preview), the question at the cursor (or the summary), the language. */
export function promptShows(state: Walk, language: Language): string {
  return `${state.id}:${state.cursor ?? '='}:${language}`;
}

function shownQuestion(shows: string): { responseId: number; questionId: string | null } {
  const [responseId, questionId] = shows.split(':');
  return { responseId: Number(responseId), questionId: questionId === '=' || questionId === undefined ? null : questionId };
}

function chatIdOf(ctx: BotContext): number {
  if (!ctx.chat) throw new Error('a prompt needs a chat');
  return ctx.chat.id;
}

function surveyPrompt(ctx: BotContext): LivePrompt | null {
  const contact = ctx.contact;
  if (!contact || contact.promptMessageId === null) return null;
  return { messageId: contact.promptMessageId, shows: contact.promptShows ?? '' };
}

/**
 * Records the survey's live prompt for this update; it is written once, when
 * the update is done (createBot), not at every step: a press usually retires
 * one prompt and sends the next. Written even if the update fails half-way.
 */
function rememberSurveyPrompt(ctx: BotContext, prompt: LivePrompt | null): void {
  ctx.promptChanged = true;
  ctx.contact = ctx.contact && {
    ...ctx.contact,
    promptMessageId: prompt?.messageId ?? null,
    promptShows: prompt?.shows ?? null,
  };
  ctx.promptRecord = prompt;
}

/**
 * Records the live prompt of this update, if it changed (called once per
 * update); it is written with the update's finished mark (db/contacts).
 */
export function persistPrompt(ctx: BotContext): void {
  if (!ctx.promptChanged || !ctx.chat) return;
  recordPrompt(ctx.deps.db, ctx.chat.id, ctx.promptRecord ?? null);
  ctx.promptChanged = false;
}

function previewPrompt(ctx: BotContext): LivePrompt | null {
  const preview = ctx.preview;
  if (!preview || preview.promptMessageId === null) return null;
  return { messageId: preview.promptMessageId, shows: preview.promptShows ?? '' };
}

/** A preview's prompt is written at once: previews are rare, and their row may go before the update ends. */
function rememberPreviewPrompt(ctx: BotContext, prompt: LivePrompt | null): void {
  const preview = ctx.preview;
  if (!preview) return;
  setPreviewPrompt(ctx.deps.db, preview.id, prompt);
  ctx.preview = { ...preview, promptMessageId: prompt?.messageId ?? null, promptShows: prompt?.shows ?? null };
}

/**
 * Ends the chat's preview, if one is under way: its live prompt loses its
 * buttons and its row is deleted. Nothing of it was ever a response.
 */
export async function endPreview(ctx: BotContext): Promise<void> {
  const preview = ctx.preview;
  if (!preview) return;
  const prompt = previewPrompt(ctx);
  if (prompt) {
    await removeButtons(ctx, prompt.messageId);
    ctx.settled.add(chatIdOf(ctx), prompt.messageId);
  }
  deletePreview(ctx.deps.db, preview.id);
  ctx.preview = undefined;
}

function placeOf(ctx: BotContext, source?: Pick<PromptSource, 'preview'>): Place {
  if (source?.preview) {
    return {
      mode: source.preview,
      live: () => previewPrompt(ctx),
      remember: (prompt) => rememberPreviewPrompt(ctx, prompt),
      // The response stays where it stood; /start brings its question back.
      retireOther: async () => {
        const real = surveyPrompt(ctx);
        if (!real) return;
        await removeButtons(ctx, real.messageId);
        rememberSurveyPrompt(ctx, null);
        ctx.settled.add(chatIdOf(ctx), real.messageId);
      },
    };
  }
  return {
    mode: SURVEY_MODE,
    live: () => surveyPrompt(ctx),
    remember: (prompt) => rememberSurveyPrompt(ctx, prompt),
    retireOther: () => endPreview(ctx),
  };
}

/** The chat's live prompt: the survey's, or with a preview's `source`, the preview's. */
export function livePrompt(ctx: BotContext, source?: PromptSource): LivePrompt | null {
  return placeOf(ctx, source).live();
}

/** Whether the chat's live prompt shows exactly this state. */
export function promptIsCurrent(ctx: BotContext, source: PromptSource, state: Walk): boolean {
  return livePrompt(ctx, source)?.shows === promptShows(state, ctx.language);
}

/** Forgets the live prompt once its buttons are gone (the caller edited it into its final form). */
export function releasePrompt(ctx: BotContext, messageId: number, source?: PromptSource): void {
  const place = placeOf(ctx, source);
  if (place.live()?.messageId === messageId) place.remember(null);
  ctx.settled.add(chatIdOf(ctx), messageId);
}

/** Telegram refuses an edit that changes nothing or names a message now gone; neither matters here. */
export function isHarmlessEditError(error: unknown): boolean {
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

/** Takes the buttons off a message, keeping its text (and its formatting). */
export async function removeButtons(ctx: BotContext, messageId: number): Promise<void> {
  try {
    await ctx.api.editMessageReplyMarkup(chatIdOf(ctx), messageId);
  } catch (error) {
    if (!isHarmlessEditError(error)) throw error;
  }
}

/** Telegram accepts an answer to a press for a little while (about 15 s); later ones are not sent. */
export const PRESS_ANSWER_WINDOW_MS = 14_000;

/** Answers a button press; a press answered late (or twice) is not worth failing the update for. */
export async function answerPress(ctx: BotContext, text?: string): Promise<void> {
  // Telegram refuses an answer to a press this old (after a restart, a long retry): sending it would only fail.
  const received = receivedAtOf(ctx.update);
  if (received !== undefined && Date.now() - received > PRESS_ANSWER_WINDOW_MS) {
    ctx.log.debug({ ageMs: Date.now() - received }, 'press too old to answer');
    return;
  }
  try {
    await ctx.answerCallbackQuery(text === undefined ? undefined : { text: [...text].slice(0, 200).join('') });
  } catch (error) {
    if (!(error instanceof GrammyError || error instanceof HttpError)) throw error;
    ctx.log.debug({ reason: error.message }, 'press not answered');
  }
}

/**
 * Edits the pressed message only if its buttons would change (a toggle shown
 * already needs no edit), compared with what the bot last drew on it when it
 * remembers, else with the message as Telegram sent it with the press.
 */
export async function editIfChanged(ctx: BotContext, messageId: number, rendered: Rendered): Promise<void> {
  const chatId = chatIdOf(ctx);
  const shown =
    ctx.settled.keyboardOf(chatId, messageId) ?? JSON.stringify(ctx.callbackQuery?.message?.reply_markup?.inline_keyboard ?? []);
  const wanted = JSON.stringify(rendered.keyboard?.inline_keyboard ?? []);
  if (shown === wanted) return;
  await editQuietly(ctx, messageId, rendered);
  ctx.settled.rememberKeyboard(chatId, messageId, wanted);
}

/** Whether the message a button was pressed on still shows buttons (Telegram sends it as it is). */
export function pressedMessageHasButtons(ctx: BotContext): boolean {
  const message = ctx.callbackQuery?.message;
  const markup = message?.reply_markup;
  if (markup === undefined || markup.inline_keyboard.length === 0) return false;
  // Telegram sent the message as it was at the press; a press queued behind another may find it settled since.
  return !ctx.settled.has(message!.chat.id, message!.message_id);
}

/**
 * Where the resident stands, drawn: the question at the cursor or the
 * summary. `above` (HTML, one line) goes on top, and the summary leaves room
 * for it.
 */
export function renderCursor(source: PromptSource, state: Walk, ctx: BotContext, hint?: string, above?: string): Rendered {
  const { mode } = placeOf(ctx, source);
  const room = above === undefined ? mode : { ...mode, limit: mode.limit - telegramLength(above) - 2 };
  const question = state.cursor === null ? undefined : findQuestion(source.questionnaire, state.cursor);
  let rendered: Rendered;
  if (question) {
    rendered = renderQuestion(source.questionnaire, state, question, ctx.language, hint, room);
  } else {
    const summary = renderSummary(source.questionnaire, state, ctx.language, room);
    rendered = hint ? { ...summary, html: `⚠️ ${hint}\n\n${summary.html}` } : summary;
  }
  return above === undefined ? rendered : { ...rendered, html: `${above}\n\n${rendered.html}` };
}

/**
 * Puts a message that still has buttons into its final form: the question it
 * asks as recorded, when it is answered and no longer being asked, else the
 * same text without buttons.
 */
export async function settleMessage(
  ctx: BotContext,
  source: PromptSource,
  state: Walk,
  messageId: number,
  questionId: string | null,
): Promise<void> {
  const question = questionId === null ? undefined : findQuestion(source.questionnaire, questionId);
  const answer = question && state.answers.get(question.id);
  if (question && answer && state.cursor !== question.id) {
    await editQuietly(ctx, messageId, renderRecorded(source.questionnaire, state, question, answer, ctx.language));
  } else {
    await removeButtons(ctx, messageId);
  }
  releasePrompt(ctx, messageId, source);
}

/**
 * A pressed message that is not the live prompt but still shows buttons (a
 * copy the bot lost track of) is settled; one the bot settled already is
 * left alone, so no edit that changes nothing is sent.
 */
export async function settlePressedCopy(
  ctx: BotContext,
  source: PromptSource,
  state: Walk,
  questionId: string | null,
): Promise<void> {
  const messageId = ctx.callbackQuery?.message?.message_id;
  if (messageId === undefined || !pressedMessageHasButtons(ctx)) return;
  if (livePrompt(ctx, source)?.messageId === messageId || ctx.settled.has(chatIdOf(ctx), messageId)) return;
  ctx.log.info({ messageId }, 'a copy of a prompt the bot had lost track of is settled');
  await settleMessage(ctx, source, state, messageId, questionId);
}

/** Takes the buttons off the pressed message (a prompt of something that has ended), once. */
export async function retirePressedMessage(ctx: BotContext): Promise<void> {
  const messageId = ctx.callbackQuery?.message?.message_id;
  if (messageId === undefined || !pressedMessageHasButtons(ctx) || ctx.settled.has(chatIdOf(ctx), messageId)) return;
  await removeButtons(ctx, messageId);
  ctx.settled.add(chatIdOf(ctx), messageId);
}

export interface ShowOptions {
  /** Shown above the question (a refused input, when no prompt is live). */
  hint?: string;
  /** The old prompt, already put into its final form by the caller. */
  handled?: number;
  /** An earlier attempt at this update may have sent a prompt that was never recorded. */
  uncertain?: boolean;
}

/**
 * Sends where the resident stands (question or summary) as the chat's one
 * live prompt: the old prompt is retired first, then the new one is sent
 * and recorded.
 */
export async function showPrompt(ctx: BotContext, source: PromptSource, state: Walk, options: ShowOptions = {}): Promise<void> {
  const place = placeOf(ctx, source);
  await place.retireOther();
  const old = place.live();
  if (old && old.messageId !== options.handled) {
    const shown = shownQuestion(old.shows);
    await settleMessage(ctx, source, state, old.messageId, shown.responseId === state.id ? shown.questionId : null);
  }
  const rendered = renderCursor(source, state, ctx, options.hint);
  const sent = await ctx.reply(rendered.html, { parse_mode: 'HTML', reply_markup: rendered.keyboard });
  place.remember({ messageId: sent.message_id, shows: promptShows(state, ctx.language) });
  if (options.uncertain || sentAfterLostAttempt.has(sent)) {
    retireLostCopies(ctx, sent.message_id, [old?.messageId, options.handled]);
  }
}

/**
 * Edits the pressed prompt in place into where the resident now stands (the
 * next question or the summary), with `above` (the answer just given) on
 * top: one call to the chat per step instead of an edit and a send. Any
 * other live prompt is retired first, so this one is the chat's only one.
 */
export async function advancePrompt(
  ctx: BotContext,
  source: PromptSource,
  state: Walk,
  messageId: number,
  above?: string,
): Promise<void> {
  const place = placeOf(ctx, source);
  await place.retireOther();
  const old = place.live();
  if (old && old.messageId !== messageId) {
    const shown = shownQuestion(old.shows);
    await settleMessage(ctx, source, state, old.messageId, shown.responseId === state.id ? shown.questionId : null);
  }
  const rendered = renderCursor(source, state, ctx, undefined, above);
  await editQuietly(ctx, messageId, rendered);
  place.remember({ messageId, shows: promptShows(state, ctx.language) });
  // A toggle queued behind this press is compared with the keyboard now drawn.
  ctx.settled.rememberKeyboard(chatIdOf(ctx), messageId, JSON.stringify(rendered.keyboard?.inline_keyboard ?? []));
}

/** Makes `messageId` (a copy the bot lost track of, now showing the question being asked) the live prompt. */
export async function adoptPrompt(ctx: BotContext, source: PromptSource, state: Walk, messageId: number): Promise<void> {
  const place = placeOf(ctx, source);
  await place.retireOther();
  const old = place.live();
  if (old && old.messageId !== messageId) await settleMessage(ctx, source, state, old.messageId, null);
  place.remember({ messageId, shows: promptShows(state, ctx.language) });
}

/**
 * After a redelivery or a lost connection: makes sure the live prompt shows
 * where the resident stands, sending nothing when it already does.
 */
export async function ensurePrompt(ctx: BotContext, source: PromptSource, state: Walk): Promise<void> {
  if (promptIsCurrent(ctx, source, state)) return;
  await showPrompt(ctx, source, state, { uncertain: true });
}

/** A refused input: one short message when the question is on screen, else the question with the hint. */
export async function sendHint(ctx: BotContext, source: PromptSource, state: Walk, hint: string): Promise<void> {
  if (promptIsCurrent(ctx, source, state)) await ctx.reply(`⚠️ ${hint}`);
  else await showPrompt(ctx, source, state, { hint });
}

/**
 * A copy of the prompt that an earlier, seemingly failed attempt left sits
 * above the message this update is about (and the prompt the bot knew of)
 * and below the prompt now sent (message ids of a private chat count up).
 * The range goes on record and its copy is retired once every update is
 * fetched, never touching the resident's messages (message-watch.ts).
 */
function retireLostCopies(ctx: BotContext, sentId: number, known: readonly (number | undefined)[]): void {
  const floor = Math.max(ctx.msg?.message_id ?? 0, ...known.map((id) => id ?? 0));
  ctx.deps.messageWatch.retireLostCopies(chatIdOf(ctx), floor, sentId);
}

/** Takes the buttons off a copy the bot lost track of, unless it became the chat's live prompt meanwhile. */
export async function retireLostCopy(api: Api, db: Db, chatId: number, messageId: number): Promise<void> {
  if (findContact(db, chatId)?.promptMessageId === messageId || findPreview(db, chatId)?.promptMessageId === messageId) return;
  try {
    await api.editMessageReplyMarkup(chatId, messageId);
  } catch (error) {
    if (!isHarmlessEditError(error)) throw error;
  }
}
