import { Composer, InlineKeyboard } from 'grammy';
import { markAnnounced, setContactLanguage, touchContact } from '../../db/contacts.js';
import { recordParticipant } from '../../db/participants.js';
import { findOpenRound, type Round } from '../../db/rounds.js';
import { progressOf } from '../../questionnaire/engine.js';
import { LANGUAGES } from '../../questionnaire/languages.js';
import { respondentKey } from '../../privacy/pseudonym.js';
import { isSourceTag } from '../../reach/deep-link.js';
import {
  act,
  currentResponse,
  setResponseLanguage,
  startOrResume,
  type Respondent,
} from '../../survey/actions.js';
import { decodeButton, encodeButton } from '../prompt/callback-data.js';
import type { BotContext } from '../context.js';
import {
  answerPress,
  editQuietly,
  ensurePrompt,
  livePrompt,
  pressedMessageHasButtons,
  releasePrompt,
  removeButtons,
  sendHint,
  showPrompt,
} from '../prompt/live-prompt.js';
import { continueFromReminder, pressNotify } from '../outbound/buttons.js';
import { renderGreeting } from '../prompt/question-view.js';
import { answerButton, answerTyped, inputHint, replyToJunk, toAction } from '../prompt/step-replies.js';
import { escapeHtml } from '../../render/html.js';
import { TEXTS, type Texts } from '../../texts/resident.js';

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
  ctx.contact = touchContact(db, ctx.chat.id, clock(), ctx.language);
  const round = findOpenRound(db);
  if (!round) {
    await ctx.reply(t.noOpenRound);
    return;
  }
  // Someone who has come to this round needs no announcement of it.
  markAnnounced(db, ctx.chat.id, round.id, false);
  // Who took part hears "you said, we did" after the close (db/participants.ts): recorded apart from the response.
  recordParticipant(db, round.id, ctx.chat.id);
  const tag = ctx.match.trim();
  const outcome = startOrResume(db, {
    ...respondent(ctx, round),
    language: ctx.language,
    source: isSourceTag(tag) ? tag : null,
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
      await ctx.reply(renderGreeting(q, ctx.language), { parse_mode: 'HTML' });
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
  if (button.type === 'continue') return continueFromReminder(ctx, button.roundId);
  if (button.type === 'notify') return pressNotify(ctx, button.on);
  const round = findOpenRound(ctx.deps.db);
  if (!round) {
    await answerPress(ctx, t.roundClosed);
    const messageId = ctx.callbackQuery.message?.message_id;
    if (messageId !== undefined && pressedMessageHasButtons(ctx) && !ctx.settled.has(ctx.chat.id, messageId)) {
      await removeButtons(ctx, messageId);
      releasePrompt(ctx, messageId);
    }
    return;
  }
  const outcome = act(ctx.deps.db, {
    ...respondent(ctx, round),
    responseId: button.responseId,
    updateId: ctx.update.update_id,
    now: ctx.deps.clock(),
    action: toAction(ctx, round, button),
  });
  await answerButton(ctx, round, outcome, button, () => ctx.reply(t.thanks));
});

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
  if (answerPicker) {
    await editQuietly(ctx, messageId, { html: TEXTS[language].languageSet });
    // Its buttons are gone: a press still queued on it must not edit it again.
    ctx.settled.add(chatId, messageId);
  }
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
    default:
      await answerTyped(ctx, round, outcome);
  }
});

// Stickers, photos, voice and the like: a hint (one message).
privateChat.on('message', async (ctx) => {
  const t = texts(ctx);
  const round = findOpenRound(ctx.deps.db);
  const state = round ? currentResponse(ctx.deps.db, respondent(ctx, round)) : null;
  if (!round || !state || state.status !== 'partial') {
    await replyToJunk(ctx, () => ctx.reply(round ? t.startHint : t.noOpenRound));
    return;
  }
  await replyToJunk(ctx, () => sendHint(ctx, round, state, inputHint(t, round.questionnaire, state.cursor)));
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
