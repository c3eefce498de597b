import type { Language } from '../questionnaire/languages.js';

/*
 * What the bot says around an admin's preview of the questionnaire. The
 * questions themselves are the residents' texts (texts/resident.ts), as they see them.
 */

export interface PreviewTexts {
  /** Above every message of a preview. Plain text, so it fits HTML and plain messages alike. */
  mark: string;
  /** HTML; `what` names the questionnaire (already escaped), `language` the language shown. */
  intro(p: { what: string; language: string }): string;
  finished: string;
  /** Plain text: `argument` is what the admin typed. */
  badLanguage(p: { argument: string }): string;
  /** `version` null: the questionnaire file on the server. */
  refused(p: { count: number; version: number | null }): string;
  groupPointer: string;
  groupButton: string;
}

const zhHant: PreviewTexts = {
  mark: '🔍 預覽・不會記錄任何回答',
  intro: ({ what, language }) =>
    `以下是下一輪調查將使用的問卷（${what}），以${language}顯示，和居民看到的一樣。` +
    '請像居民一樣作答：不會記錄任何回答，也不影響任何統計。傳送 /preview 可重新開始。',
  finished: '預覽結束，沒有記錄任何回答。傳送 /preview 可以再看一次。',
  badLanguage: ({ argument }) => `無法以「${argument}」預覽。請傳送 /preview，或 /preview zh-Hant、/preview zh-Hans、/preview en 指定語言。`,
  refused: ({ count, version }) =>
    `${version === null ? '伺服器上的問卷檔案' : `問卷第 ${version} 版`}有 ${count} 個問題，無法預覽：`,
  groupPointer: '預覽在與我的私人對話中進行（那裡也須是管理對話）。請點下方按鈕。',
  groupButton: '在私人對話中預覽',
};

const zhHans: PreviewTexts = {
  mark: '🔍 预览・不会记录任何回答',
  intro: ({ what, language }) =>
    `以下是下一轮调查将使用的问卷（${what}），以${language}显示，和居民看到的一样。` +
    '请像居民一样作答：不会记录任何回答，也不影响任何统计。发送 /preview 可重新开始。',
  finished: '预览结束，没有记录任何回答。发送 /preview 可以再看一次。',
  badLanguage: ({ argument }) => `无法以“${argument}”预览。请发送 /preview，或 /preview zh-Hant、/preview zh-Hans、/preview en 指定语言。`,
  refused: ({ count, version }) =>
    `${version === null ? '服务器上的问卷文件' : `问卷第 ${version} 版`}有 ${count} 个问题，无法预览：`,
  groupPointer: '预览在与我的私聊中进行（那里也须是管理对话）。请点下方按钮。',
  groupButton: '在私聊中预览',
};

const en: PreviewTexts = {
  mark: '🔍 Preview · nothing is recorded',
  intro: ({ what, language }) =>
    `This is the questionnaire the next round will use (${what}), in ${language}, exactly as residents see it. ` +
    'Answer as a resident would: nothing is recorded, and no figure changes. /preview starts again.',
  finished: 'Preview finished: nothing was recorded. Send /preview to go through it again.',
  badLanguage: ({ argument }) =>
    `“${argument}” is not a language to preview in. Send /preview, or /preview zh-Hant, /preview zh-Hans or /preview en.`,
  refused: ({ count, version }) =>
    `${version === null ? 'The questionnaire file on the server' : `Questionnaire version ${version}`} has ${count} ${count === 1 ? 'problem' : 'problems'}, so it cannot be previewed:`,
  groupPointer: 'Previews run in a private chat with me (one that is an admin chat too). Tap the button below.',
  groupButton: 'Preview in a private chat',
};

export const PREVIEW_TEXTS: Record<Language, PreviewTexts> = { 'zh-Hant': zhHant, 'zh-Hans': zhHans, en };
