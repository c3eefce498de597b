import { Composer, InlineKeyboard } from 'grammy';
import { findContact, markAnnounced, setContactLanguage, setPromptMessage, touchContact } from '../../db/contacts.js';
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
  editIfChanged,
  editQuietly,
  pressedMessageHasButtons,
  promptMessageId,
  releasePrompt,
  renderCursor,
  retireButtons,
  sendPrompt,
} from '../prompt.js';
import { estimatedMinutes, renderRecorded } from '../render.js';
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

const composer = new Composer<BotContext>();
const privateChat = composer.chatType('private');

privateChat.command('start', async (ctx) => {
  const { db, clock } = ctx.deps;
  const t = texts(ctx);
  touchContact(db, ctx.chat.id, clock(), ctx.language);
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
  if (outcome.kind === 'completed') {
    await ctx.reply(t.alreadyCounted({ title: escapeHtml(round.title) }), { parse_mode: 'HTML' });
    return;
  }
  if (outcome.kind === 'started') {
    await ctx.reply(
      t.greeting({
        title: escapeHtml(q.title[ctx.language]),
        description: escapeHtml(q.description[ctx.language]),
        questions: q.questions.length,
        minutes: estimatedMinutes(q),
      }),
      { parse_mode: 'HTML' },
    );
  } else if (outcome.state.cursor !== null) {
    const { position, total } = progressOf(q, outcome.state.answers, outcome.state.cursor);
    await ctx.reply(t.welcomeBack({ position, total }));
  }
  await sendPrompt(ctx, round, outcome.state);
});

privateChat.command('language', async (ctx) => {
  touchContact(ctx.deps.db, ctx.chat.id, ctx.deps.clock(), ctx.language);
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
    await ctx.answerCallbackQuery(t.invalidButton);
    return;
  }
  if (button.type === 'language') {
    await chooseLanguage(ctx, button.language);
    return;
  }
  const round = findOpenRound(ctx.deps.db);
  const messageId = ctx.callbackQuery.message?.message_id;
  if (!round) {
    await ctx.answerCallbackQuery(t.roundClosed);
    if (messageId !== undefined && messageId === promptMessageId(ctx)) await retireButtons(ctx, messageId);
    return;
  }
  const outcome = act(ctx.deps.db, {
    ...respondent(ctx, round),
    responseId: button.responseId,
    updateId: ctx.update.update_id,
    now: ctx.deps.clock(),
    action: toAction(button),
  });
  await answerPress(ctx, round, outcome, button, messageId);
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

async function answerPress(
  ctx: BotContext,
  round: Round,
  outcome: ActionOutcome,
  button: Exclude<ButtonAction, { type: 'language' }>,
  messageId: number | undefined,
): Promise<void> {
  const t = texts(ctx);
  switch (outcome.kind) {
    case 'missing':
      await ctx.answerCallbackQuery(t.staleButton);
      return;
    case 'completed':
      await ctx.answerCallbackQuery(t.alreadyRecorded);
      return;
    case 'duplicate': {
      // Handled before. If that run stopped after committing but before the
      // next prompt went out, the pressed message is still the prompt although
      // the response has moved on: send the prompt now.
      await ctx.answerCallbackQuery().catch(() => undefined);
      if (messageId === undefined || outcome.state.status !== 'partial') return;
      // No live prompt: that run stopped after the pressed question was shown recorded.
      if (promptMessageId(ctx) === null) return void (await sendPrompt(ctx, round, outcome.state));
      // Otherwise only a press on the live prompt can have been cut short before its reply.
      if (promptMessageId(ctx) !== messageId) return;
      const pressedQuestion = 'questionId' in button ? button.questionId : null;
      const question = pressedQuestion === null ? undefined : findQuestion(round.questionnaire, pressedQuestion);
      const answer = question && outcome.state.answers.get(question.id);
      const { state } = outcome;
      if (state.status === 'partial' && pressedQuestion === state.cursor) {
        // Still on that question (a toggle): show the selection as stored.
        await editIfChanged(ctx, messageId, renderCursor(round, state, ctx));
        return;
      }
      if (question && answer) {
        await editQuietly(ctx, messageId, renderRecorded(round.questionnaire, state, question, answer, ctx.language));
      } else {
        await retireButtons(ctx, messageId);
      }
      releasePrompt(ctx, messageId);
      if (state.status === 'partial') await sendPrompt(ctx, round, state, { retired: messageId });
      return;
    }
    case 'refused': {
      // A second press on a question just answered (same response) is not an error, just late.
      const answered =
        button.responseId === outcome.state.id &&
        'questionId' in button &&
        button.questionId !== null &&
        outcome.state.answers.has(button.questionId);
      const notice =
        outcome.refusal.reason === 'no_selection'
          ? t.chooseAtLeastOne
          : answered && button.type !== 'back'
            ? t.alreadyRecorded
            : t.staleButton;
      await ctx.answerCallbackQuery(notice);
      return;
    }
    case 'applied':
      break;
  }
  await ctx.answerCallbackQuery();
  const { state, asked, recorded } = outcome;
  // Only the live prompt is known to show buttons: a press on any other message
  // (a second tap, a forged press on an old message) leaves that message as it is.
  const pressedLive = messageId !== undefined && messageId === promptMessageId(ctx);
  if (button.type === 'toggle') {
    if (pressedLive) await editIfChanged(ctx, messageId, renderCursor(round, state, ctx));
    return;
  }
  if (button.type === 'submit') {
    if (messageId !== undefined && messageId === promptMessageId(ctx)) {
      const summary = renderCursor(round, state, ctx);
      await editQuietly(ctx, messageId, { html: `${summary.html}\n\n<b>${t.submitted}</b>` });
    }
    setPromptMessage(ctx.deps.db, ctx.chat!.id, null);
    await ctx.reply(t.thanks);
    return;
  }
  if (pressedLive) {
    if (recorded) {
      await editQuietly(
        ctx,
        messageId,
        renderRecorded(round.questionnaire, state, recorded.question, recorded.answer, ctx.language),
      );
      releasePrompt(ctx, messageId);
    } else if (asked === null || button.type === 'back') {
      await retireButtons(ctx, messageId);
    }
  }
  await sendPrompt(ctx, round, state, pressedLive ? { retired: messageId } : {});
}

async function chooseLanguage(ctx: BotContext, language: (typeof LANGUAGES)[number]): Promise<void> {
  const { db, clock } = ctx.deps;
  const chatId = ctx.chat!.id;
  const before = findContact(db, chatId)?.language;
  touchContact(db, chatId, clock(), language);
  setContactLanguage(db, chatId, language);
  ctx.language = language;
  const messageId = ctx.callbackQuery?.message?.message_id;
  // The picker is edited once: a second tap on the same language (a double tap)
  // gets a notice instead, and language data pressed on a question edits nothing.
  const answerPicker =
    messageId !== undefined && before !== language && pressedMessageHasButtons(ctx) && messageId !== promptMessageId(ctx);
  await ctx.answerCallbackQuery(answerPicker ? undefined : TEXTS[language].languageSet);
  if (answerPicker) await editQuietly(ctx, messageId, { html: TEXTS[language].languageSet });
  const round = findOpenRound(db);
  if (!round || before === language) return;
  const state = setResponseLanguage(db, respondent(ctx, round), language, clock());
  // Show the question being asked again, now in the new language.
  if (state?.status === 'partial') await sendPrompt(ctx, round, state);
}

privateChat.on('message:text', async (ctx) => {
  const t = texts(ctx);
  if (ctx.message.text.startsWith('/')) {
    await ctx.reply(t.startHint);
    return;
  }
  const round = findOpenRound(ctx.deps.db);
  if (!round) {
    await ctx.reply(t.noOpenRound);
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
      await ctx.reply(t.startHint);
      return;
    case 'completed':
      await ctx.reply(t.alreadyCounted({ title: escapeHtml(round.title) }), { parse_mode: 'HTML' });
      return;
    case 'duplicate':
      // Telegram sends a message again only when the run that handled it did not
      // finish (a crash); its reply may be missing, so the question being asked
      // goes out again (a repeat at worst).
      if (outcome.state.status === 'partial') await sendPrompt(ctx, round, outcome.state);
      return;
    case 'refused':
      await sendPrompt(ctx, round, outcome.state, { hint: refusalHint(t, outcome.refusal, round, outcome.state.cursor) });
      return;
    case 'applied': {
      const prompt = promptMessageId(ctx);
      if (prompt !== null && outcome.recorded) {
        const { question, answer } = outcome.recorded;
        await editQuietly(ctx, prompt, renderRecorded(round.questionnaire, outcome.state, question, answer, ctx.language));
        releasePrompt(ctx, prompt);
      }
      await sendPrompt(ctx, round, outcome.state, prompt === null ? {} : { retired: prompt });
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

// Stickers, photos, voice and the like: a hint and the same question again.
privateChat.on('message', async (ctx) => {
  const t = texts(ctx);
  const round = findOpenRound(ctx.deps.db);
  const state = round ? currentResponse(ctx.deps.db, respondent(ctx, round)) : null;
  if (!round || !state || state.status !== 'partial') {
    await ctx.reply(round ? t.startHint : t.noOpenRound);
    return;
  }
  await sendPrompt(ctx, round, state, { hint: inputHint(t, round, state.cursor) });
});

privateChat.on('edited_message', async (ctx) => {
  await ctx.reply(texts(ctx).editedIgnored);
});

// In groups the survey is not answered in public: point to the private chat.
const groupChat = composer.chatType(['group', 'supergroup']);
groupChat.command(['start', 'language', 'help'], async (ctx) => {
  const t = texts(ctx);
  const link = `https://t.me/${ctx.me.username}?start=group`;
  await ctx.reply(t.groupPointer, { reply_markup: new InlineKeyboard().url(t.groupButton, link) });
});

export const residentFeature = composer;
