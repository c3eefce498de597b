import type { Language } from '../questionnaire/languages.js';

/*
 * Which of manyi's languages someone reads before they chose one: Telegram's
 * language tag of the user, mapped here beside the texts it selects.
 */

/**
 * The language for someone Telegram describes with `code` (an IETF tag such
 * as zh-hans, zh-TW or en-GB). A bare `zh` says nothing about the script, so
 * it follows the configured default when that is Chinese.
 */
export function languageFromTelegram(code: string | undefined, fallback: Language): Language {
  const tag = code?.toLowerCase() ?? '';
  if (/^zh-(hant|tw|hk|mo)/.test(tag)) return 'zh-Hant';
  if (/^zh-(hans|cn|sg|my)/.test(tag)) return 'zh-Hans';
  if (tag === 'zh') return fallback === 'en' ? 'zh-Hans' : fallback;
  if (tag === 'en' || tag.startsWith('en-')) return 'en';
  return fallback;
}
