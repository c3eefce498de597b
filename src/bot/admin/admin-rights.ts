import { Composer, Context } from 'grammy';
import { isYamlFileName } from '../../questionnaire/upload.js';
import { ADMIN_TEXTS } from '../../texts/admin.js';
import type { BotContext } from '../context.js';
import { inAdminChat } from './admin-filter.js';

/*
 * Rights by person in admin chats. Every member reads (status, rounds,
 * groups, trend, sources, coverage, themes, help) and receives digests and reports; with
 * ADMIN_USER_IDS set, only those people change things or take data out.
 * Checked here, once, before any feature sees the update, so a refused
 * command or upload changes nothing.
 */

/** Commands that change things or take data out. */
export const RESTRICTED_COMMANDS: ReadonlySet<string> = new Set(['open_round', 'close_round', 'export', 'report', 'preview', 'target', 'feedback']);

/**
 * grammY's own test for the restricted commands (the message's leading
 * bot_command entity, addressed to this bot or to none), so that exactly what
 * the features would handle is refused: `/close_round!` is /close_round to them.
 */
const restrictedCommand = Context.has.command([...RESTRICTED_COMMANDS]);

/** Whether the update asks to change something or take data out: a restricted command, or a questionnaire upload. */
export function isRestricted(ctx: BotContext): boolean {
  const message = ctx.message;
  if (!message) return false;
  if (message.document) return isYamlFileName(message.document.file_name);
  return restrictedCommand(ctx);
}

/** Whether the sender may change things: anyone when ADMIN_USER_IDS is unset. */
export function mayChange(ctx: BotContext): boolean {
  const named = ctx.deps.config.adminUserIds;
  return named.length === 0 || (ctx.from !== undefined && named.includes(ctx.from.id));
}

const composer = new Composer<BotContext>();

composer.filter(inAdminChat).use(async (ctx, next) => {
  if (!isRestricted(ctx) || mayChange(ctx)) return next();
  ctx.log.info({ chatId: ctx.chat?.id, userId: ctx.from?.id }, 'refused: not in ADMIN_USER_IDS');
  await ctx.reply(ADMIN_TEXTS[ctx.language].onlyNamedAdmins);
});

export const adminRightsFeature = composer;
