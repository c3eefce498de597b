import { GrammyError, type Api } from 'grammy';
import type { BotCommand, LanguageCode } from 'grammy/types';
import type { Logger } from '../logger.js';
import type { Language } from '../questionnaire/languages.js';
import { backoffMs, describeApiFailure, sleepUnlessAborted } from '../transport/network.js';
import { ADMIN_COMMANDS, ADMIN_TEXTS } from '../texts/admin.js';
import { TEXTS } from '../texts/resident.js';

/*
 * Command menus are cosmetic: residents are served without them. They are set
 * in the background, retried with growing pauses until Telegram takes them,
 * and never keep the bot from polling or taking webhooks.
 */

const RESIDENT_COMMANDS = ['start', 'language', 'notify', 'help'] as const;

function residentMenu(language: Language): BotCommand[] {
  return RESIDENT_COMMANDS.map((command) => ({ command, description: TEXTS[language].commandDescriptions[command] }));
}

function adminMenu(language: Language): BotCommand[] {
  const admin = ADMIN_COMMANDS.map((command) => ({
    command,
    description: ADMIN_TEXTS[language].commandDescriptions[command],
  }));
  return [...residentMenu(language), ...admin];
}

/*
 * Telegram keys menus by two-letter language codes, so Chinese gets one menu
 * (`zh`, in the default Chinese form) beside English; the menu without a code
 * is for everyone else and follows the default language.
 */
function variants(defaultLanguage: Language): { languageCode?: LanguageCode; language: Language }[] {
  const chinese = defaultLanguage === 'en' ? 'zh-Hant' : defaultLanguage;
  return [{ language: defaultLanguage }, { languageCode: 'zh', language: chinese }, { languageCode: 'en', language: 'en' }];
}

export interface CommandMenuOptions {
  adminChatIds: readonly number[];
  defaultLanguage: Language;
  logger: Logger;
}

/** A chat Telegram will not set a menu in (not found, bot blocked): retrying does not help. */
const isChatRefusal = (error: unknown) => error instanceof GrammyError && (error.error_code === 400 || error.error_code === 403);

/** Sets the command menus once: residents' everywhere, plus the admin commands in each admin chat. Throws when a call failed. */
export async function setCommandMenus(api: Api, options: CommandMenuOptions): Promise<void> {
  for (const { languageCode, language } of variants(options.defaultLanguage)) {
    const code = languageCode ? { language_code: languageCode } : {};
    await api.setMyCommands(residentMenu(language), { scope: { type: 'default' }, ...code });
    for (const chatId of options.adminChatIds) {
      try {
        await api.setMyCommands(adminMenu(language), { scope: { type: 'chat', chat_id: chatId }, ...code });
      } catch (error) {
        if (!isChatRefusal(error)) throw error;
        // An admin chat the bot cannot see yet should not hold up the other menus.
        options.logger.warn({ chatId, reason: describeApiFailure(error) }, 'could not set the admin command menu');
      }
    }
  }
}

/**
 * Sets the command menus, trying again after 1, 2, 4 … 30 s for as long as
 * calls fail (but not after a 400: the menu itself is refused), with a log
 * line for each failure; resolves when they are set, refused, or when
 * `signal` aborts (the bot is stopping).
 */
export async function keepSettingCommandMenus(api: Api, options: CommandMenuOptions & { signal: AbortSignal }): Promise<void> {
  const { logger, signal } = options;
  for (let failures = 1; !signal.aborted; failures++) {
    try {
      await setCommandMenus(api, options);
      if (failures > 1) logger.info({ attempts: failures }, 'command menus set');
      return;
    } catch (error) {
      if (signal.aborted) return;
      const reason = describeApiFailure(error);
      if (error instanceof GrammyError && error.error_code === 400) {
        // A menu Telegram finds malformed stays so: trying again would only fill the log.
        logger.error({ reason }, `could not set the command menus (${reason}); residents are served without them`);
        return;
      }
      const wait = backoffMs(failures);
      logger.warn(
        { reason, attempt: failures, retryInSeconds: wait / 1000 },
        `could not set the command menus (${reason}); residents are served without them. Trying again in ${wait / 1000} s`,
      );
      await sleepUnlessAborted(wait, signal);
    }
  }
}
