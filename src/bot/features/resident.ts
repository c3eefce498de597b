import { Composer, InlineKeyboard } from 'grammy';
import { markAnnounced, setContactLanguage, touchContact } from '../../db/contacts.js';
import type { ResponseState } from '../../db/responses.js';
import { findOpenRound, type Round } from '../../db/rounds.js';
import { findQuestion, progressOf } from '../../questionnaire/engine.js';
import { LANGUAGES } from '../../questionnaire/languages.js';
import { respondentKey } from '../../privacy/pseudonym.js';
import {
  act,
  currentResponse,
  setResponseLanguage,
  startOrResume,
  type Action,
  type ActionOutcome,
  type Refusal,
  type Respondent,
} from '../../survey/actions.js';
import { decodeButton, encodeButton, type ButtonAction } from '../callback-data.js';
import type { BotContext } from '../context.js';
import {
  adoptPrompt,
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
} from '../prompt.js';
import { answerLabel, estimatedMinutes, renderRecorded } from '../render.js';
import { escapeHtml, TEXTS, type Texts } from '../texts.js';

/** Deep-link tags as Telegram allows them (t.me/<bot>?start=<tag>). */
const SOURCE_TAG = /^[A-Za-z0-9_-]{1,64}$/;

function respondent(ctx: BotContext, round: Round): Respondent {
  if (!ctx.from) throw new Error('a resident update without a sender');
  return { round, respondentKey: respondentKey(ctx.deps.pseudonymSecret, ctx.from.id) };
}

function texts(ctx: BotContext): Texts {
  return TEXTS[ctx.language];
}

/**
 * Replies to a message that fits no question, unless the chat is flooding:
 * then it gets one "please slow down" and silence (bot/flood.ts).
 */
async function replyToJunk(ctx: BotContext, reply: () => Promise<unknown>): Promise<void> {
  const verdict = ctx.deps.flood.junk(ctx.chat!.id, ctx.deps.clock());
  if (verdict === 'quiet') return;
  if (verdict === 'slow-down') {
    ctx.log.info({ chatId: ctx.chat!.id }, 'chat is flooding: slowed down');
    await ctx.reply(texts(ctx).slowDown);
    return;
  }
  await reply();
}

const composer = new Composer<BotContext>();
const privateChat = composer.chatType('private');

privateChat.command('start', async (ctx) => {
  const { db, clock } = ctx.deps;
  const t = texts(ctx);
  ctx.contact = touchContact(db, ctx.chat.id, clock(), ctx.language);
  const round = findOpenRound(db);
  if (!round) {
    await ctx.reply(t.noOpenRound);
    return;
  }
  // Someone who has come to this round needs no announcement of it.
  markAnnounced(db, ctx.chat.id, round.id, false);
  const tag = ctx.match.trim();
  const outcome = startOrResume(db, {
    ...respondent(ctx, round),
    language: ctx.language,
    source: SOURCE_TAG.test(tag) ? tag : null,
    updateId: ctx.update.update_id,
    now: clock(),
  });
  const q = round.questionnaire;
  switch (outcome.kind) {
    case 'completed':
      await ctx.reply(t.alreadyCounted({ title: escapeHtml(round.title) }), { parse_mode: 'HTML' });
      return;
    case 'duplicate':
      // Handled before, and its replies may not all have gone out.
      if (outcome.state.status === 'partial') await ensurePrompt(ctx, round, outcome.state);
      return;
    case 'started':
      await ctx.reply(
        t.greeting({
          title: escapeHtml(q.title[ctx.language]),
          description: escapeHtml(q.description[ctx.language]),
          questions: q.questions.length,
          minutes: estimatedMinutes(q),
        }),
        { parse_mode: 'HTML' },
      );
      break;
    case 'resumed':
      if (outcome.state.cursor !== null) {
        const { position, total } = progressOf(q, outcome.state.answers, outcome.state.cursor);
        await ctx.reply(t.welcomeBack({ position, total }));
      }
  }
  await showPrompt(ctx, round, outcome.state);
});

privateChat.command('language', async (ctx) => {
  ctx.contact = touchContact(ctx.deps.db, ctx.chat.id, ctx.deps.clock(), ctx.language);
  const keyboard = new InlineKeyboard();
  for (const language of LANGUAGES) {
    const mark = language === ctx.language ? '✓ ' : '';
    keyboard.text(mark + TEXTS[language].languageName, encodeButton({ type: 'language', language }));
  }
  await ctx.reply(texts(ctx).languagePrompt, { reply_markup: keyboard });
});

privateChat.command('help', async (ctx) => {
  await ctx.reply(texts(ctx).helpResident);
});

privateChat.on('callback_query:data', async (ctx) => {
  const t = texts(ctx);
  const button = decodeButton(ctx.callbackQuery.data);
  if (!button) {
    await answerPress(ctx, t.invalidButton);
    return;
  }
  if (button.type === 'language') {
    await chooseLanguage(ctx, button.language);
    return;
  }
  const round = findOpenRound(ctx.deps.db);
  if (!round) {
    await answerPress(ctx, t.roundClosed);
    const messageId = ctx.callbackQuery.message?.message_id;
    if (messageId !== undefined && pressedMessageHasButtons(ctx) && !ctx.settled.has(ctx.chat.id, messageId)) {
      await editQuietly(ctx, messageId, { html: ctx.callbackQuery.message?.text ?? t.roundClosed });
      releasePrompt(ctx, messageId);
    }
    return;
  }
  const outcome = act(ctx.deps.db, {
    ...respondent(ctx, round),
    responseId: button.responseId,
    updateId: ctx.update.update_id,
    now: ctx.deps.clock(),
    action: toAction(button),
  });
  await answerButton(ctx, round, outcome, button);
});

function toAction(button: Exclude<ButtonAction, { type: 'language' }>): Action {
  switch (button.type) {
    case 'choose':
    case 'toggle':
      return { type: button.type, questionId: button.questionId, optionIndex: button.optionIndex };
    case 'done':
    case 'skip':
      return { type: button.type, questionId: button.questionId };
    case 'back':
      return { type: 'back', questionId: button.questionId };
    case 'submit':
      return { type: 'submit' };
  }
}

const pressedQuestionOf = (button: Exclude<ButtonAction, { type: 'language' }>) =>
  'questionId' in button ? button.questionId : null;

/** What the press told the resident when it was refused: the truth about the question pressed. */
function refusalNotice(ctx: BotContext, round: Round, state: ResponseState, button: Exclude<ButtonAction, { type: 'language' }>, refusal: Refusal): string {
  const t = texts(ctx);
  if (refusal.reason === 'no_selection') return t.chooseAtLeastOne;
  const questionId = pressedQuestionOf(button);
  const question = questionId === null || button.responseId !== state.id ? undefined : findQuestion(round.questionnaire, questionId);
  const answer = question && state.answers.get(question.id);
  if (question && answer && button.type !== 'back') {
    return t.alreadyRecordedAs({ answer: answerLabel(question, answer, ctx.language) });
  }
  return t.staleButton;
}

async function answerButton(
  ctx: BotContext,
  round: Round,
  outcome: ActionOutcome,
  button: Exclude<ButtonAction, { type: 'language' }>,
): Promise<void> {
  const t = texts(ctx);
  const pressedQuestion = pressedQuestionOf(button);
  switch (outcome.kind) {
    case 'missing':
      await answerPress(ctx, t.staleButton);
      return;
    case 'completed':
      await answerPress(ctx, t.alreadyRecorded);
      await settlePressedCopy(ctx, round, outcome.state, pressedQuestion);
      return;
    case 'duplicate': {
      // Handled before; its replies may not all have gone out: repair what the resident sees.
      await answerPress(ctx);
      const { state } = outcome;
      const messageId = ctx.callbackQuery?.message?.message_id;
      const live = livePrompt(ctx);
      if (messageId !== undefined && messageId === live?.messageId) {
        if (button.type === 'toggle' && state.status === 'partial' && state.cursor === pressedQuestion) {
          // Still on that question: show the selection as stored.
          await editIfChanged(ctx, messageId, renderCursor(round, state, ctx));
          return;
        }
        if (button.type === 'submit' && state.status === 'completed') {
          const summary = renderCursor(round, state, ctx);
          await editQuietly(ctx, messageId, { html: `${summary.html}\n\n<b>${t.submitted}</b>` });
          releasePrompt(ctx, messageId);
          await ctx.reply(t.thanks);
          return;
        }
        // The response moved on without the pressed prompt being shown so.
        if (!promptIsCurrent(ctx, state)) await settleMessage(ctx, round, state, messageId, pressedQuestion);
      } else {
        await settlePressedCopy(ctx, round, state, pressedQuestion);
      }
      if (state.status === 'partial') await ensurePrompt(ctx, round, state);
      return;
    }
    case 'refused':
      await answerPress(ctx, refusalNotice(ctx, round, outcome.state, button, outcome.refusal));
      await settlePressedCopy(ctx, round, outcome.state, pressedQuestion);
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
    await editIfChanged(ctx, pressed, renderCursor(round, state, ctx));
    // A toggle on a copy the bot had lost track of makes that copy the prompt.
    if (livePrompt(ctx)?.messageId !== pressed) await adoptPrompt(ctx, round, state, pressed);
    return;
  }
  if (button.type === 'submit') {
    if (pressed !== undefined) {
      const summary = renderCursor(round, state, ctx);
      await editQuietly(ctx, pressed, { html: `${summary.html}\n\n<b>${t.submitted}</b>` });
      releasePrompt(ctx, pressed);
    }
    const live = livePrompt(ctx);
    if (live) await settleMessage(ctx, round, state, live.messageId, null);
    await ctx.reply(t.thanks);
    return;
  }
  if (pressed !== undefined) {
    if (recorded) {
      await editQuietly(ctx, pressed, renderRecorded(round.questionnaire, state, recorded.question, recorded.answer, ctx.language));
      releasePrompt(ctx, pressed);
    } else {
      await settleMessage(ctx, round, state, pressed, null);
    }
  }
  await showPrompt(ctx, round, state, pressed === undefined ? {} : { handled: pressed });
}

async function chooseLanguage(ctx: BotContext, language: (typeof LANGUAGES)[number]): Promise<void> {
  const { db, clock } = ctx.deps;
  const chatId = ctx.chat!.id;
  const before = ctx.contact?.language;
  ctx.contact = touchContact(db, chatId, clock(), language);
  setContactLanguage(db, chatId, language);
  ctx.contact = { ...ctx.contact, language };
  ctx.language = language;
  const messageId = ctx.callbackQuery?.message?.message_id;
  // The picker is edited once: a second tap on the same language (a double tap)
  // gets a notice instead, and language data pressed on a question edits nothing.
  const answerPicker =
    messageId !== undefined && before !== language && pressedMessageHasButtons(ctx) && messageId !== livePrompt(ctx)?.messageId;
  await answerPress(ctx, answerPicker ? undefined : TEXTS[language].languageSet);
  if (answerPicker) await editQuietly(ctx, messageId, { html: TEXTS[language].languageSet });
  const round = findOpenRound(db);
  if (!round || before === language) return;
  const state = setResponseLanguage(db, respondent(ctx, round), language, clock());
  // Show the question being asked again, now in the new language.
  if (state?.status === 'partial') await showPrompt(ctx, round, state);
}

privateChat.on('message:text', async (ctx) => {
  const t = texts(ctx);
  if (ctx.message.text.startsWith('/')) {
    await replyToJunk(ctx, () => ctx.reply(t.startHint));
    return;
  }
  const round = findOpenRound(ctx.deps.db);
  if (!round) {
    await replyToJunk(ctx, () => ctx.reply(t.noOpenRound));
    return;
  }
  const outcome = act(ctx.deps.db, {
    ...respondent(ctx, round),
    updateId: ctx.update.update_id,
    now: ctx.deps.clock(),
    action: { type: 'text', text: ctx.message.text },
  });
  switch (outcome.kind) {
    case 'missing':
      await replyToJunk(ctx, () => ctx.reply(t.startHint));
      return;
    case 'completed':
      await replyToJunk(ctx, () => ctx.reply(t.alreadyCounted({ title: escapeHtml(round.title) }), { parse_mode: 'HTML' }));
      return;
    case 'duplicate':
      // Handled before; its replies may not all have gone out.
      if (outcome.state.status === 'partial') await ensurePrompt(ctx, round, outcome.state);
      return;
    case 'refused': {
      const { state, refusal } = outcome;
      await replyToJunk(ctx, () => sendHint(ctx, round, state, refusalHint(t, refusal, round, state.cursor)));
      return;
    }
    case 'applied': {
      const live = livePrompt(ctx);
      if (live !== null && outcome.recorded) {
        const { question, answer } = outcome.recorded;
        await editQuietly(ctx, live.messageId, renderRecorded(round.questionnaire, outcome.state, question, answer, ctx.language));
        releasePrompt(ctx, live.messageId);
      }
      await showPrompt(ctx, round, outcome.state, live === null ? {} : { handled: live.messageId });
    }
  }
});

function refusalHint(t: Texts, refusal: Refusal, round: Round, cursor: string | null): string {
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
      return inputHint(t, round, cursor);
  }
}

/** What to tell a resident who sent something the question at `cursor` cannot take. */
function inputHint(t: Texts, round: Round, cursor: string | null): string {
  const question = cursor === null ? undefined : findQuestion(round.questionnaire, cursor);
  if (!question) return t.useSubmit;
  if (question.type === 'text') return t.useText({ max: question.max_length });
  return question.type === 'multi' ? t.useButtonsMulti : t.useButtons;
}

// Stickers, photos, voice and the like: a hint (one message).
privateChat.on('message', async (ctx) => {
  const t = texts(ctx);
  const round = findOpenRound(ctx.deps.db);
  const state = round ? currentResponse(ctx.deps.db, respondent(ctx, round)) : null;
  if (!round || !state || state.status !== 'partial') {
    await replyToJunk(ctx, () => ctx.reply(round ? t.startHint : t.noOpenRound));
    return;
  }
  await replyToJunk(ctx, () => sendHint(ctx, round, state, inputHint(t, round, state.cursor)));
});

privateChat.on('edited_message', async (ctx) => {
  await replyToJunk(ctx, () => ctx.reply(texts(ctx).editedIgnored));
});

// In groups the survey is not answered in public: point to the private chat.
const groupChat = composer.chatType(['group', 'supergroup']);
groupChat.command(['start', 'language', 'help'], async (ctx) => {
  const t = texts(ctx);
  const link = `https://t.me/${ctx.me.username}?start=group`;
  await ctx.reply(t.groupPointer, { reply_markup: new InlineKeyboard().url(t.groupButton, link) });
});

export const residentFeature = composer;
