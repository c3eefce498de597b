import type { Language } from '../questionnaire/languages.js';

/** Between the items of a list in running text: 、 in Chinese, a comma in English. */
const LIST_SEPARATOR: Record<Language, string> = { 'zh-Hant': '、', 'zh-Hans': '、', en: ', ' };

/** The items as a list in running text, in `language`. */
export function joinList(items: readonly string[], language: Language): string {
  return items.join(LIST_SEPARATOR[language]);
}
