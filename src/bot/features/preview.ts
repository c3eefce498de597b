import { Composer, InlineKeyboard, type Transformer } from 'grammy';
import type { Preview } from '../../db/previews.js';
import { LANGUAGES, type Language } from '../../questionnaire/languages.js';
import { shorten } from '../../render/format.js';
import { nextRoundQuestionnaire } from '../../rounds/next-questionnaire.js';
import { actOnPreview, startPreview } from '../../survey/preview.js';
import { inAdminChat, refuseOutsideAdminChats } from '../admin/admin-filter.js';
import { describeQuestionnaire } from '../admin/questionnaire-label.js';
import { replyWithProblems } from '../admin/questionnaire-problems.js';
import { decodePreviewButton, encodePreviewButton, isPreviewData } from '../prompt/callback-data.js';
import type { BotContext } from '../context.js';
import { PREVIEW_TEXTS } from '../../texts/preview.js';
import {
  answerPress,
  endPreview,
  ensurePrompt,
  retirePressedMessage,
  sendHint,
  showPrompt,
  type PromptSource,
} from '../prompt/live-prompt.js';
import { MESSAGE_LIMIT } from '../../render/fit.js';
import { renderGreeting } from '../prompt/question-view.js';
import { answerButton, answerTyped, inputHint, replyToJunk, toAction } from '../prompt/step-replies.js';
import { TEXTS } from '../../texts/resident.js';

/*
 * /preview: an admin walks through the questionnaire the next round will
 * use, in their private chat, exactly as a resident would (the same
 * rendering, steps and replies: bot/prompt/question-view.ts, questionnaire/walk.ts, step-replies.ts),
 * with every message marked as a preview. Its state is the chat's row in
 * `previews`, never a response; the row goes when the preview ends (Submit,
 * or a real question taking the chat, see bot/prompt/live-prompt.ts).
 */

/** The deep link into a preview: `t.me/<bot>?start=preview`, or `preview-<language>`. */
const PREVIEW_LINK = /^preview(?:-(.+))?$/;

const composer = new Composer<BotContext>();
const admin = composer.filter(inAdminChat);
const adminPrivate = admin.chatType('private');

/** The language asked for: the chat's when none is given, null when the argument names none. */
function previewLanguage(argument: string, chatLanguage: Language): Language | null {
  if (argument === '') return chatLanguage;
  return LANGUAGES.find((language) => language.toLowerCase() === argument.toLowerCase()) ?? null;
}

/** Puts `mark` above every message sent or edited through this update's API, so none can pass for the real survey. */
function markEveryMessage(mark: string): Transformer {
  return (prev, method, payload, signal) => {
    if ((method === 'sendMessage' || method === 'editMessageText') && 'text' in payload) {
      return prev(method, { ...payload, text: `${mark}\n\n${payload.text}` }, signal);
    }
    return prev(method, payload, signal);
  };
}

/** From here on this update speaks as the preview: in its language, every message marked. */
function speakAsPreview(ctx: BotContext, preview: Preview): PromptSource {
  ctx.language = preview.language;
  const { mark } = PREVIEW_TEXTS[preview.language];
  ctx.api.config.use(markEveryMessage(mark));
  // The summary is fitted into what the mark leaves of a message.
  const mode = { encode: encodePreviewButton, limit: MESSAGE_LIMIT - mark.length - 2 };
  return { questionnaire: preview.questionnaire, preview: mode };
}

async function beginPreview(ctx: BotContext, argument: string): Promise<void> {
  const { db, clock, loadQuestionnaire } = ctx.deps;
  const t = PREVIEW_TEXTS[ctx.language];
  const language = previewLanguage(argument, ctx.language);
  if (language === null) return void (await ctx.reply(t.badLanguage({ argument: shorten(argument, 20) })));

  const next = nextRoundQuestionnaire(db, loadQuestionnaire);
  if (!next.ok) {
    const version = next.origin === 'upload' ? (next.version?.id ?? null) : null;
    return replyWithProblems(ctx, t.refused({ count: next.problems.length, version }), next.problems);
  }
  const what = describeQuestionnaire(ctx, next.version, next.source);
  const outcome = startPreview(db, {
    chatId: ctx.chat!.id,
    questionnaire: next.questionnaire,
    language,
    updateId: ctx.update.update_id,
    now: clock(),
  });
  const preview = (ctx.preview = outcome.preview);
  const source = speakAsPreview(ctx, preview);
  // Handled before, and its replies may not all have gone out.
  if (outcome.kind === 'duplicate') return ensurePrompt(ctx, source, preview);
  ctx.log.info({ previewId: preview.id, version: next.version?.id ?? null }, 'preview started');
  const intro = PREVIEW_TEXTS[language].intro({ what, language: TEXTS[language].languageName });
  await ctx.reply(`${intro}\n\n${renderGreeting(preview.questionnaire, language)}`, { parse_mode: 'HTML' });
  // Retires the chat's live prompt, a real question's or an earlier preview's.
  await showPrompt(ctx, source, preview);
}

adminPrivate.command('preview', (ctx) => beginPreview(ctx, ctx.match.trim()));

// The group's link lands here.
adminPrivate.command('start', async (ctx, next) => {
  const link = PREVIEW_LINK.exec(ctx.match.trim());
  return link ? beginPreview(ctx, link[1] ?? '') : next();
});

// Anywhere else a link into a preview is refused as /preview is, not taken for a survey's source.
composer.chatType('private').command('start', async (ctx, next) => {
  return PREVIEW_LINK.test(ctx.match.trim()) ? refuseOutsideAdminChats(ctx) : next();
});

// Not in a group: the preview is a private walk-through, as a resident's survey is.
admin.chatType(['group', 'supergroup']).command('preview', async (ctx) => {
  const t = PREVIEW_TEXTS[ctx.language];
  const argument = ctx.match.trim();
  const language = previewLanguage(argument, ctx.language);
  if (language === null) return void (await ctx.reply(t.badLanguage({ argument: shorten(argument, 20) })));
  const tag = argument === '' ? 'preview' : `preview-${language}`;
  const link = `https://t.me/${ctx.me.username}?start=${tag}`;
  await ctx.reply(t.groupPointer, { reply_markup: new InlineKeyboard().url(t.groupButton, link) });
});

adminPrivate.on('callback_query:data', async (ctx, next) => {
  if (!isPreviewData(ctx.callbackQuery.data)) return next();
  const button = decodePreviewButton(ctx.callbackQuery.data);
  const preview = ctx.preview;
  if (!button) return answerPress(ctx, TEXTS[ctx.language].invalidButton);
  if (!preview) {
    // The preview has ended (submitted, or a real question took the chat).
    await answerPress(ctx, TEXTS[ctx.language].staleButton);
    return retirePressedMessage(ctx);
  }
  const source = speakAsPreview(ctx, preview);
  const outcome = actOnPreview(ctx.deps.db, {
    chatId: ctx.chat.id,
    previewId: button.responseId,
    updateId: ctx.update.update_id,
    now: ctx.deps.clock(),
    action: toAction(ctx, source, button),
  });
  if (outcome.kind === 'applied') ctx.preview = outcome.state;
  await answerButton(ctx, source, outcome, button, async () => {
    await ctx.reply(PREVIEW_TEXTS[ctx.language].finished);
    // Only now: a retry of this update, after the reply above failed, finds the preview and finishes it.
    await endPreview(ctx);
  });
});

// While a preview is under way, what the admin types or sends answers it (commands go on as ever).
adminPrivate.on('message', async (ctx, next) => {
  const preview = ctx.preview;
  const text = ctx.message.text;
  if (!preview || text?.startsWith('/')) return next();
  const source = speakAsPreview(ctx, preview);
  if (text === undefined) {
    const hint = inputHint(TEXTS[ctx.language], preview.questionnaire, preview.cursor);
    return replyToJunk(ctx, () => sendHint(ctx, source, preview, hint));
  }
  const outcome = actOnPreview(ctx.deps.db, {
    chatId: ctx.chat.id,
    updateId: ctx.update.update_id,
    now: ctx.deps.clock(),
    action: { type: 'text', text },
  });
  if (outcome.kind === 'missing' || outcome.kind === 'completed') return next();
  if (outcome.kind === 'applied') ctx.preview = outcome.state;
  await answerTyped(ctx, source, outcome);
});

// An edit during a preview is answered as a resident's is, marked as the preview's.
adminPrivate.on('edited_message', async (ctx, next) => {
  if (ctx.preview) speakAsPreview(ctx, ctx.preview);
  await next();
});

export const previewFeature = composer;
