import type { Api } from 'grammy';
import type { BotCommand, LanguageCode } from 'grammy/types';
import type { Logger } from '../logger.js';
import type { Language } from '../questionnaire/languages.js';
import { ADMIN_COMMANDS, ADMIN_TEXTS } from './admin-texts.js';
import { TEXTS } from './texts.js';

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

/** Sets the command menus: residents' everywhere, plus the admin commands in each admin chat. */
export async function setCommandMenus(
  api: Api,
  options: { adminChatIds: readonly number[]; defaultLanguage: Language; logger: Logger },
): Promise<void> {
  for (const { languageCode, language } of variants(options.defaultLanguage)) {
    const code = languageCode ? { language_code: languageCode } : {};
    await api.setMyCommands(residentMenu(language), { scope: { type: 'default' }, ...code });
    for (const chatId of options.adminChatIds) {
      try {
        await api.setMyCommands(adminMenu(language), { scope: { type: 'chat', chat_id: chatId }, ...code });
      } catch (error) {
        // An admin chat the bot cannot see yet should not keep the bot from starting.
        options.logger.warn({ chatId, err: error }, 'could not set the admin command menu');
      }
    }
  }
}
