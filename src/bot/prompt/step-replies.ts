import { findQuestion, optionAt } from '../../questionnaire/engine.js';
import type { Questionnaire } from '../../questionnaire/schema.js';
import type { Action, ActionOutcome } from '../../survey/actions.js';
import type { Refusal, Walk } from '../../questionnaire/walk.js';
import type { SurveyButton } from './callback-data.js';
import type { BotContext } from '../context.js';
import {
  adoptPrompt,
  advancePrompt,
  answerPress,
  editIfChanged,
  editQuietly,
  ensurePrompt,
  livePrompt,
  pressedMessageHasButtons,
  promptIsCurrent,
  releasePrompt,
  renderCursor,
  sendHint,
  settleMessage,
  settlePressedCopy,
  showPrompt,
  type PromptSource,
} from './live-prompt.js';
import { answerLabel, renderAnswerLine, renderRecorded, SELECTED_MARK } from './question-view.js';
import { TEXTS, type Texts } from '../../texts/resident.js';

/*
 * What the chat is shown after a step through the questionnaire (a press or
 * a typed answer), once the step is stored: the same for a resident's
 * response and an admin's preview, which differ only in their `source` and
 * in what Submit ends with.
 */

const texts = (ctx: BotContext): Texts => TEXTS[ctx.language];

/**
 * Replies to a message that fits no question, unless the chat is flooding:
 * then it gets one "please slow down" and silence (bot/prompt/flood.ts).
 */
export async function replyToJunk(ctx: BotContext, reply: () => Promise<unknown>): Promise<void> {
  const verdict = ctx.deps.flood.junk(ctx.chat!.id, ctx.deps.clock());
  if (verdict === 'quiet') return;
  if (verdict === 'slow-down') {
    ctx.log.info({ chatId: ctx.chat!.id }, 'chat is flooding: slowed down');
    await ctx.reply(texts(ctx).slowDown);
    return;
  }
  await reply();
}

/**
 * Whether the pressed toggle showed its option as selected, on the message
 * as Telegram holds it (undefined: not known). A toggle asks for the
 * opposite, so pressing again on a screen that was slow to show the first
 * press does not undo it.
 */
function shownSelected(ctx: BotContext, questionnaire: Questionnaire, questionId: string, optionIndex: number): boolean | undefined {
  const query = ctx.callbackQuery;
  const shown = query?.message?.reply_markup?.inline_keyboard
    .flat()
    .find((b) => 'callback_data' in b && b.callback_data === query.data)?.text;
  const question = findQuestion(questionnaire, questionId);
  const option = question && optionAt(question, optionIndex);
  if (shown === undefined || !option) return undefined;
  // Any language: the resident may have switched since the keyboard was drawn.
  return Object.values(option.label).some((label) => shown === SELECTED_MARK + label);
}

/** The step a button asks for. */
export function toAction(ctx: BotContext, source: PromptSource, button: SurveyButton): Action {
  switch (button.type) {
    case 'choose':
      return { type: button.type, questionId: button.questionId, optionIndex: button.optionIndex };
    case 'toggle': {
      const shown = shownSelected(ctx, source.questionnaire, button.questionId, button.optionIndex);
      const select = shown === undefined ? {} : { select: !shown };
      return { type: 'toggle', questionId: button.questionId, optionIndex: button.optionIndex, ...select };
    }
    case 'done':
    case 'skip':
      return { type: button.type, questionId: button.questionId };
    case 'back':
      return { type: 'back', questionId: button.questionId };
    case 'submit':
      return { type: 'submit' };
  }
}

const pressedQuestionOf = (button: SurveyButton) => ('questionId' in button ? button.questionId : null);

/** What the press told the resident when it was refused: the truth about the question pressed. */
function refusalNotice(ctx: BotContext, source: PromptSource, state: Walk, button: SurveyButton, refusal: Refusal): string {
  const t = texts(ctx);
  if (refusal.reason === 'no_selection') return t.chooseAtLeastOne;
  const questionId = pressedQuestionOf(button);
  const question = questionId === null || button.responseId !== state.id ? undefined : findQuestion(source.questionnaire, questionId);
  const answer = question && state.answers.get(question.id);
  if (question && answer && button.type !== 'back') {
    return t.alreadyRecordedAs({ answer: answerLabel(question, answer, ctx.language) });
  }
  return t.staleButton;
}

/** The summary as submitted: its buttons gone, the prompt released. */
async function showSubmitted(ctx: BotContext, source: PromptSource, state: Walk, messageId: number): Promise<void> {
  const summary = renderCursor(source, state, ctx);
  await editQuietly(ctx, messageId, { html: `${summary.html}\n\n<b>${texts(ctx).submitted}</b>` });
  releasePrompt(ctx, messageId, source);
}

/**
 * Answers a press once its step is stored: the pressed prompt edited in place
 * into the next question with the answer given on a line above it (one call
 * to the chat), a toggle shown, a refusal told truthfully, a redelivery
 * repaired. `submitted` says what follows a Submit.
 */
export async function answerButton(
  ctx: BotContext,
  source: PromptSource,
  outcome: ActionOutcome<Walk>,
  button: SurveyButton,
  submitted: () => Promise<unknown>,
): Promise<void> {
  const t = texts(ctx);
  const pressedQuestion = pressedQuestionOf(button);
  switch (outcome.kind) {
    case 'missing':
      await answerPress(ctx, t.staleButton);
      return;
    case 'completed':
      await answerPress(ctx, t.alreadyRecorded);
      await settlePressedCopy(ctx, source, outcome.state, pressedQuestion);
      return;
    case 'duplicate': {
      // Handled before; its replies may not all have gone out: repair what the resident sees.
      await answerPress(ctx);
      const { state } = outcome;
      const messageId = ctx.callbackQuery?.message?.message_id;
      const live = livePrompt(ctx, source);
      if (messageId !== undefined && messageId === live?.messageId) {
        if (button.type === 'toggle' && state.status === 'partial' && state.cursor === pressedQuestion) {
          // Still on that question: show the selection as stored.
          await editIfChanged(ctx, messageId, renderCursor(source, state, ctx));
          return;
        }
        if (button.type === 'submit' && state.status === 'completed') {
          await showSubmitted(ctx, source, state, messageId);
          await submitted();
          return;
        }
        // The response moved on without the pressed prompt being shown so: it becomes where the resident stands.
        if (!promptIsCurrent(ctx, source, state)) {
          if (state.status === 'partial') {
            await advancePrompt(ctx, source, state, messageId, answerLineOf(ctx, source, state, button));
            return;
          }
          await settleMessage(ctx, source, state, messageId, pressedQuestion);
        }
      } else {
        await settlePressedCopy(ctx, source, state, pressedQuestion);
      }
      if (state.status === 'partial') await ensurePrompt(ctx, source, state);
      return;
    }
    case 'refused':
      await answerPress(ctx, refusalNotice(ctx, source, outcome.state, button, outcome.refusal));
      await settlePressedCopy(ctx, source, outcome.state, pressedQuestion);
      return;
    case 'applied':
      break;
  }
  await answerPress(ctx);
  const { state, recorded } = outcome;
  const messageId = ctx.callbackQuery?.message?.message_id;
  const pressed = messageId !== undefined && pressedMessageHasButtons(ctx) ? messageId : undefined;
  if (button.type === 'toggle') {
    if (pressed === undefined) return;
    await editIfChanged(ctx, pressed, renderCursor(source, state, ctx));
    // A toggle on a copy the bot had lost track of makes that copy the prompt.
    if (livePrompt(ctx, source)?.messageId !== pressed) await adoptPrompt(ctx, source, state, pressed);
    return;
  }
  if (button.type === 'submit') {
    if (pressed !== undefined) await showSubmitted(ctx, source, state, pressed);
    const live = livePrompt(ctx, source);
    if (live) await settleMessage(ctx, source, state, live.messageId, null);
    await submitted();
    return;
  }
  if (pressed === undefined) {
    await showPrompt(ctx, source, state);
    return;
  }
  const above = recorded && renderAnswerLine(source.questionnaire, state, recorded.question, recorded.answer, ctx.language);
  await advancePrompt(ctx, source, state, pressed, above);
}

/** The line that keeps the pressed question's answer on screen, when the press answered it. */
function answerLineOf(ctx: BotContext, source: PromptSource, state: Walk, button: SurveyButton): string | undefined {
  if (button.type !== 'choose' && button.type !== 'done' && button.type !== 'skip') return undefined;
  const question = findQuestion(source.questionnaire, button.questionId);
  const answer = question && state.answers.get(question.id);
  return answer && renderAnswerLine(source.questionnaire, state, question, answer, ctx.language);
}

/** Answers a typed answer that reached a stored walk: a hint when it does not fit, else the next question. */
export async function answerTyped(
  ctx: BotContext,
  source: PromptSource,
  outcome: Extract<ActionOutcome<Walk>, { kind: 'duplicate' | 'refused' | 'applied' }>,
): Promise<void> {
  switch (outcome.kind) {
    case 'duplicate':
      // Handled before; its replies may not all have gone out.
      if (outcome.state.status === 'partial') await ensurePrompt(ctx, source, outcome.state);
      return;
    case 'refused': {
      const { state, refusal } = outcome;
      const hint = refusalHint(texts(ctx), refusal, source.questionnaire, state.cursor);
      await replyToJunk(ctx, () => sendHint(ctx, source, state, hint));
      return;
    }
    case 'applied': {
      const live = livePrompt(ctx, source);
      if (live !== null && outcome.recorded) {
        const { question, answer } = outcome.recorded;
        await editQuietly(ctx, live.messageId, renderRecorded(source.questionnaire, outcome.state, question, answer, ctx.language));
        releasePrompt(ctx, live.messageId, source);
      }
      await showPrompt(ctx, source, outcome.state, live === null ? {} : { handled: live.messageId });
    }
  }
}

function refusalHint(t: Texts, refusal: Refusal, questionnaire: Questionnaire, cursor: string | null): string {
  switch (refusal.reason) {
    case 'expects_buttons':
      return refusal.question.type === 'multi' ? t.useButtonsMulti : t.useButtons;
    case 'too_long':
      return t.textTooLong(refusal);
    case 'empty_text':
      return t.textEmpty;
    case 'expects_submit':
      return t.useSubmit;
    case 'no_selection':
      return t.chooseAtLeastOne;
    case 'stale':
      return inputHint(t, questionnaire, cursor);
  }
}

/** What to tell someone who sent something the question at `cursor` cannot take. */
export function inputHint(t: Texts, questionnaire: Questionnaire, cursor: string | null): string {
  const question = cursor === null ? undefined : findQuestion(questionnaire, cursor);
  if (!question) return t.useSubmit;
  if (question.type === 'text') return t.useText({ max: question.max_length });
  return question.type === 'multi' ? t.useButtonsMulti : t.useButtons;
}
