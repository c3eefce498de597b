import { Composer } from 'grammy';
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

/** The command of a message to this bot (`/close_round@manyi_bot 3` → close_round), or null. */
function commandOf(text: string | undefined, botUsername: string): string | null {
  const match = /^\/([A-Za-z0-9_]+)(?:@(\w+))?(?:\s|$)/.exec(text ?? '');
  if (!match) return null;
  // A command addressed to another bot in the group is not ours to refuse.
  if (match[2] !== undefined && match[2].toLowerCase() !== botUsername.toLowerCase()) return null;
  return match[1]!.toLowerCase();
}

/** Whether the update asks to change something or take data out: a restricted command, or a questionnaire upload. */
export function isRestricted(ctx: BotContext): boolean {
  const message = ctx.message;
  if (!message) return false;
  if (message.document) return isYamlFileName(message.document.file_name);
  const command = commandOf(message.text, ctx.me.username);
  return command !== null && RESTRICTED_COMMANDS.has(command);
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
