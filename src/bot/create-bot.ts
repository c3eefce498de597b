import { Bot, GrammyError, HttpError } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import { findContact, setContactOptedOut } from '../db/contacts.js';
import { findPreview } from '../db/previews.js';
import type { Logger } from '../logger.js';
import { isAdminChatId } from './admin/admin-filter.js';
import { adminRightsFeature } from './admin/admin-rights.js';
import type { BotContext, BotDeps } from './context.js';
import { adminFeature } from './features/admin.js';
import { notifyFeature } from './features/notify.js';
import { previewFeature } from './features/preview.js';
import { reachFeature } from './features/reach.js';
import { questionnaireFeature } from './features/questionnaire.js';
import { insightFeature } from './features/insight.js';
import { feedbackFeature } from './features/feedback.js';
import { residentFeature } from './features/resident.js';
import { unhandledFeature } from './features/unhandled.js';
import { languageFromTelegram } from '../texts/telegram-language.js';
import { apiClientOptions, useApiTransformers } from '../transport/send/api.js';
import { isResidentData } from './prompt/callback-data.js';
import { persistPrompt } from './prompt/live-prompt.js';
import { createSettledMessages } from './prompt/settled-messages.js';
import { createStorageFullNotice } from './storage-full.js';
import { TEXTS } from '../texts/resident.js';

export interface CreateBotOptions extends BotDeps {
  /** Known bot identity; tests pass one so no getMe is sent. */
  botInfo?: UserFromGetMe;
}

/** The updates manyi acts on; anything else Telegram is not asked to send. */
export const ALLOWED_UPDATES = ['message', 'edited_message', 'callback_query', 'my_chat_member'] as const;

/** A press on a resident's button (survey, language, reminder, notifications) in a private chat. */
function isResidentPress(ctx: BotContext): boolean {
  return ctx.chat?.type === 'private' && isResidentData(ctx.callbackQuery?.data);
}

/** Builds the bot from its dependencies. Nothing is started: app.ts does that. */
export function createBot(options: CreateBotOptions): Bot<BotContext> {
  const { botInfo, ...deps } = options;
  const { config, logger } = deps;
  const bot = new Bot<BotContext>(config.botToken, {
    ...(botInfo ? { botInfo } : {}),
    client: apiClientOptions(config),
  });
  const settled = createSettledMessages();
  const storageFull = createStorageFullNotice(logger);
  useApiTransformers(bot.api, config);

  bot.use(async (ctx, next) => {
    ctx.deps = deps;
    ctx.settled = settled;
    let log: Logger | undefined;
    // Made on first use: most updates log nothing.
    Object.defineProperty(ctx, 'log', {
      get: () => (log ??= logger.child({ updateId: ctx.update.update_id })),
      configurable: true,
    });
    ctx.contact = ctx.chat?.type === 'private' ? findContact(deps.db, ctx.chat.id) : undefined;
    // Only admins preview; other chats need not look.
    ctx.preview = ctx.chat?.type === 'private' && isAdminChatId(config, ctx.chat.id) ? findPreview(deps.db, ctx.chat.id) : undefined;
    const stored = ctx.contact?.language;
    ctx.language =
      stored === 'zh-Hant' || stored === 'zh-Hans' || stored === 'en'
        ? stored
        : languageFromTelegram(ctx.from?.language_code, config.defaultLanguage);
    try {
      await next();
      persistPrompt(ctx);
      storageFull.handled(ctx);
    } catch (error) {
      // The prompt is recorded whatever failed, unless storage itself did.
      try {
        persistPrompt(ctx);
      } catch {
        // Storage trouble: the update is handled again, which records it then.
      }
      await storageFull.met(ctx, error);
      throw error;
    }
  });

  // A resident who blocks the bot is kept off announcements until they come back.
  bot.on('my_chat_member', (ctx) => {
    if (ctx.chat.type !== 'private') return;
    const status = ctx.myChatMember.new_chat_member.status;
    setContactOptedOut(deps.db, ctx.chat.id, status === 'kicked');
  });

  // A resident's press, the most common update, needs none of the admin features: it goes straight to its own.
  bot.filter(isResidentPress, residentFeature);
  // Before the admin feature, whose refusal of admin commands outside admin chats they leave in place;
  // the preview before the resident feature too, whose messages and presses it takes while it runs.
  // Who may change things in admin chats is decided once, before any feature.
  bot.use(adminRightsFeature);
  bot.use(questionnaireFeature);
  bot.use(previewFeature);
  bot.use(insightFeature);
  bot.use(feedbackFeature);
  bot.use(reachFeature);
  bot.use(adminFeature);
  bot.use(notifyFeature);
  bot.use(residentFeature);
  bot.use(unhandledFeature);

  bot.catch(async (error) => {
    const ctx = error.ctx;
    const cause = error.error;
    const details =
      cause instanceof GrammyError
        ? { kind: 'telegram', method: cause.method, code: cause.error_code, description: cause.description }
        : cause instanceof HttpError
          ? { kind: 'network', message: cause.message }
          : { kind: 'internal', err: cause };
    ctx.log.error(details, 'update failed');
    // A blocked chat cannot be told anything; others hear a short, kind sentence.
    if (cause instanceof GrammyError && cause.error_code === 403) return;
    if (ctx.chat?.type === 'private') {
      await ctx.reply(TEXTS[ctx.language].somethingWentWrong).catch(() => undefined);
    }
  });
  return bot;
}
