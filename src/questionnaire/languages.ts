/** The languages manyi speaks; every user-facing text exists in each. */
export const LANGUAGES = ['zh-Hant', 'zh-Hans', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/** Text in each language, as questionnaire files and the texts module carry it. */
export type Localized = Record<Language, string>;
