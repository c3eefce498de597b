import type { Api } from 'grammy';
import type { BotCommand, LanguageCode } from 'grammy/types';
import type { Logger } from '../logger.js';
import type { Language } from '../questionnaire/languages.js';
import { ADMIN_COMMANDS } from './features/admin.js';
import { TEXTS } from './texts.js';

const RESIDENT_COMMANDS = ['start', 'language', 'help'] as const;

function menu(language: Language, names: readonly (keyof (typeof TEXTS)['en']['commandDescriptions'])[]): BotCommand[] {
  return names.map((command) => ({ command, description: TEXTS[language].commandDescriptions[command] }));
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
    await api.setMyCommands(menu(language, RESIDENT_COMMANDS), { scope: { type: 'default' }, ...code });
    for (const chatId of options.adminChatIds) {
      try {
        await api.setMyCommands(menu(language, [...RESIDENT_COMMANDS, ...ADMIN_COMMANDS]), {
          scope: { type: 'chat', chat_id: chatId },
          ...code,
        });
      } catch (error) {
        // An admin chat the bot cannot see yet should not keep the bot from starting.
        options.logger.warn({ chatId, err: error }, 'could not set the admin command menu');
      }
    }
  }
}
