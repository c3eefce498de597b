import { describe, expect, it } from 'vitest';
import { contactLanguage } from '../../src/db/contacts.js';

describe('the language a contact is written to in (announcements, feedback)', () => {
  it('is the one they chose, else the one their Telegram last spoke, else the default', () => {
    expect(contactLanguage({ language: 'en', lastLanguage: 'zh-Hans' }, 'zh-Hant')).toBe('en');
    expect(contactLanguage({ language: null, lastLanguage: 'zh-Hans' }, 'zh-Hant')).toBe('zh-Hans');
    expect(contactLanguage({ language: null, lastLanguage: null }, 'en')).toBe('en');
  });

  it('passes over a stored value that is no language of the bot (an old or hand-edited row)', () => {
    expect(contactLanguage({ language: 'fr', lastLanguage: 'klingon' }, 'zh-Hant')).toBe('zh-Hant');
    expect(contactLanguage({ language: 'fr', lastLanguage: 'en' }, 'zh-Hant')).toBe('en');
  });
});
