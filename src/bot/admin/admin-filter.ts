import type { Config } from '../../config.js';
import { TEXTS } from '../../texts/resident.js';
import type { BotContext } from '../context.js';

/*
 * Which chats may give admin commands: the ones in ADMIN_CHAT_IDS. Every admin
 * feature filters on this; anywhere else the command gets a refusal that
 * reveals nothing.
 */

export function isAdminChatId(config: Config, chatId: number): boolean {
  return config.adminChatIds.includes(chatId);
}

/** The short refusal of an admin command anywhere else: it reveals nothing. */
export async function refuseOutsideAdminChats(ctx: BotContext): Promise<void> {
  // The log line gives the operator the chat id to add to ADMIN_CHAT_IDS.
  ctx.log.info({ chatId: ctx.chat?.id, chatType: ctx.chat?.type }, 'admin command refused in a chat that is not an admin chat');
  await ctx.reply(TEXTS[ctx.language].notHere);
}

/** Whether an update comes from an admin chat: the filter of every admin command. */
export function inAdminChat(ctx: { chat?: { id: number } | undefined; deps: { config: Config } }): boolean {
  return ctx.chat !== undefined && isAdminChatId(ctx.deps.config, ctx.chat.id);
}
