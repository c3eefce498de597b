import { GrammyError, HttpError, type Api } from 'grammy';
import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import { findContact } from '../../db/contacts.js';
import type { Logger } from '../../logger.js';
import { isLanguage, type Language } from '../../questionnaire/languages.js';

/*
 * Messages to the admin chats that no admin asked for (digests, final
 * reports): each chat in its own language, one unreachable chat never
 * keeping the others from theirs.
 */

/** What an admin chat reads: the language an admin chose there with /language, else the default. */
export function adminChatLanguage(db: Db, config: Config, chatId: number): Language {
  const chosen = findContact(db, chatId)?.language;
  return isLanguage(chosen) ? chosen : config.defaultLanguage;
}

export interface AdminChatDeps {
  api: Api;
  db: Db;
  config: Config;
  logger: Logger;
}

/**
 * Sends a message to every admin chat, each in its own language. A chat that
 * cannot be reached (blocked, removed, never started, network down) is logged
 * and skipped, so the others still get theirs. Returns the chats reached.
 */
export async function sendToAdminChats(
  { api, db, config, logger }: AdminChatDeps,
  message: (language: Language) => string,
): Promise<number[]> {
  const reached: number[] = [];
  for (const chatId of config.adminChatIds) {
    try {
      await api.sendMessage(chatId, message(adminChatLanguage(db, config, chatId)), { parse_mode: 'HTML' });
      reached.push(chatId);
    } catch (error) {
      if (error instanceof GrammyError) {
        logger.warn({ chatId, code: error.error_code, description: error.description }, 'admin chat not reached');
      } else if (error instanceof HttpError) {
        logger.warn({ chatId, message: error.message }, 'admin chat not reached');
      } else {
        throw error;
      }
    }
  }
  return reached;
}
