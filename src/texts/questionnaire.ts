import type { Language } from '../questionnaire/languages.js';
import type { QuestionType } from '../questionnaire/schema.js';

/*
 * What the bot says to administrators about questionnaire files: uploads,
 * downloads and a questionnaire that cannot open a round. HTML: callers
 * escape whatever came from a file.
 */

/** Which questionnaire a message speaks of, for `describe`. */
export interface VersionLabel {
  version: number | null;
  origin: 'upload' | 'file';
  /** When it was uploaded, as shown to admins. */
  created: string;
  hash: string;
}

export interface QuestionnaireTexts {
  describe(p: VersionLabel): string;
  notYaml(p: { kb: number }): string;
  tooBig(p: { kb: number }): string;
  notText: string;
  downloadFailed: string;
  uploadRefused(p: { count: number }): string;
  /** `version` null: the questionnaire file on the server. */
  openRefused(p: { count: number; version: number | null }): string;
  moreProblems(p: { count: number }): string;
  saved(p: { version: number; hash: string }): string;
  unchanged(p: { version: number; hash: string }): string;
  roundKeeps(p: { id: number; title: string }): string;
  types: Record<QuestionType, string>;
  summaryQuestions(p: { total: number; types: string }): string;
  summaryDimensions(p: { count: number; names: string }): string;
  summaryIndexes(p: { count: number; names: string }): string;
  indexEntry(p: { name: string; dimensions: string }): string;
  summaryLanguages(p: { names: string }): string;
  nextCaption(p: { what: string }): string;
  versionCaption(p: { what: string }): string;
  brokenCaption(p: { count: number }): string;
  editHint: string;
  fileUnreadable: string;
  usage: string;
  unknownVersion(p: { version: number }): string;
}

const zhHant: QuestionnaireTexts = {
  describe: ({ version, origin, created, hash }) =>
    origin === 'upload'
      ? `第 ${version} 版，${created} 上傳（${hash}）`
      : `${version === null ? '' : `第 ${version} 版，`}伺服器上的問卷檔案（${hash}）`,
  notYaml: ({ kb }) => `這裡只能上傳問卷：.yaml 或 .yml 檔案，最大 ${kb} KB。`,
  tooBig: ({ kb }) => `檔案太大了：問卷檔案最大 ${kb} KB。`,
  notText: '這個檔案不是 UTF-8 文字，不可能是問卷。',
  downloadFailed: '暫時無法從 Telegram 取得這個檔案，請再傳送一次。',
  uploadRefused: ({ count }) =>
    `<b>問卷未儲存。</b>檔案有 ${count} 個問題，下一輪調查仍使用原來的問卷。請修正後再傳送：`,
  openRefused: ({ count, version }) =>
    `${version === null ? '伺服器上的問卷檔案' : `問卷第 ${version} 版`}有 ${count} 個問題，未開放新一輪調查：`,
  moreProblems: ({ count }) => `…另有 ${count} 個問題。`,
  saved: ({ version, hash }) => `✅ 已儲存為問卷第 ${version} 版（${hash}）。下一次 /open_round 將使用這份問卷。`,
  unchanged: ({ version, hash }) => `這份檔案與第 ${version} 版（${hash}）相同，下一輪調查已在使用它，沒有任何變更。`,
  roundKeeps: ({ id, title }) => `正在進行的第 ${id} 輪「${title}」繼續使用開放時的問卷。`,
  types: { scale: '量表題', choice: '單選題', multi: '多選題', text: '文字題' },
  summaryQuestions: ({ total, types }) => `題目：${total} 題（${types}）`,
  summaryDimensions: ({ count, names }) => `維度（${count}）：${names}`,
  summaryIndexes: ({ count, names }) => `綜合指數（${count}）：${names}`,
  indexEntry: ({ name, dimensions }) => `${name}（${dimensions}）`,
  summaryLanguages: ({ names }) => `語言：${names}`,
  nextCaption: ({ what }) => `下一輪調查將使用這份問卷：${what}。`,
  versionCaption: ({ what }) => `問卷${what}。`,
  brokenCaption: ({ count }) => `⚠️ 它有 ${count} 個問題：在上傳修正後的檔案之前，/open_round 會拒絕開放。`,
  editHint: '修改後傳回這裡，即成為下一輪調查的問卷。',
  fileUnreadable: '伺服器上的問卷檔案無法讀取，也還沒有人上傳問卷。',
  usage: '用法：/questionnaire 取得下一輪的問卷，或 /questionnaire 版本號，例如 /questionnaire 2',
  unknownVersion: ({ version }) => `沒有第 ${version} 版問卷。/rounds 會顯示每一輪使用的版本。`,
};

const zhHans: QuestionnaireTexts = {
  describe: ({ version, origin, created, hash }) =>
    origin === 'upload'
      ? `第 ${version} 版，${created} 上传（${hash}）`
      : `${version === null ? '' : `第 ${version} 版，`}服务器上的问卷文件（${hash}）`,
  notYaml: ({ kb }) => `这里只能上传问卷：.yaml 或 .yml 文件，最大 ${kb} KB。`,
  tooBig: ({ kb }) => `文件太大了：问卷文件最大 ${kb} KB。`,
  notText: '这个文件不是 UTF-8 文本，不可能是问卷。',
  downloadFailed: '暂时无法从 Telegram 获取这个文件，请再发送一次。',
  uploadRefused: ({ count }) =>
    `<b>问卷未保存。</b>文件有 ${count} 个问题，下一轮调查仍使用原来的问卷。请修正后再发送：`,
  openRefused: ({ count, version }) =>
    `${version === null ? '服务器上的问卷文件' : `问卷第 ${version} 版`}有 ${count} 个问题，未开放新一轮调查：`,
  moreProblems: ({ count }) => `…另有 ${count} 个问题。`,
  saved: ({ version, hash }) => `✅ 已保存为问卷第 ${version} 版（${hash}）。下一次 /open_round 将使用这份问卷。`,
  unchanged: ({ version, hash }) => `这份文件与第 ${version} 版（${hash}）相同，下一轮调查已在使用它，没有任何变更。`,
  roundKeeps: ({ id, title }) => `正在进行的第 ${id} 轮“${title}”继续使用开放时的问卷。`,
  types: { scale: '量表题', choice: '单选题', multi: '多选题', text: '文字题' },
  summaryQuestions: ({ total, types }) => `题目：${total} 题（${types}）`,
  summaryDimensions: ({ count, names }) => `维度（${count}）：${names}`,
  summaryIndexes: ({ count, names }) => `综合指数（${count}）：${names}`,
  indexEntry: ({ name, dimensions }) => `${name}（${dimensions}）`,
  summaryLanguages: ({ names }) => `语言：${names}`,
  nextCaption: ({ what }) => `下一轮调查将使用这份问卷：${what}。`,
  versionCaption: ({ what }) => `问卷${what}。`,
  brokenCaption: ({ count }) => `⚠️ 它有 ${count} 个问题：在上传修正后的文件之前，/open_round 会拒绝开放。`,
  editHint: '修改后发回这里，即成为下一轮调查的问卷。',
  fileUnreadable: '服务器上的问卷文件无法读取，也还没有人上传问卷。',
  usage: '用法：/questionnaire 获取下一轮的问卷，或 /questionnaire 版本号，例如 /questionnaire 2',
  unknownVersion: ({ version }) => `没有第 ${version} 版问卷。/rounds 会显示每一轮使用的版本。`,
};

const plural = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;

const en: QuestionnaireTexts = {
  describe: ({ version, origin, created, hash }) =>
    origin === 'upload'
      ? `version ${version}, uploaded ${created} (${hash})`
      : `${version === null ? '' : `version ${version}, `}the questionnaire file on the server (${hash})`,
  notYaml: ({ kb }) => `Only a questionnaire can be uploaded here: a .yaml or .yml file of at most ${kb} KB.`,
  tooBig: ({ kb }) => `That file is too big: a questionnaire file is at most ${kb} KB.`,
  notText: 'That file is not UTF-8 text, so it cannot be a questionnaire.',
  downloadFailed: 'The file could not be fetched from Telegram just now. Please send it again.',
  uploadRefused: ({ count }) =>
    `<b>Not saved.</b> The file has ${plural(count, 'problem')}; the next round keeps its questionnaire. Fix them and send the file again:`,
  openRefused: ({ count, version }) =>
    `${version === null ? 'The questionnaire file on the server' : `Questionnaire version ${version}`} has ${plural(count, 'problem')}, so no round was opened:`,
  moreProblems: ({ count }) => `… and ${count} more.`,
  saved: ({ version, hash }) => `✅ Saved as questionnaire version ${version} (${hash}). The next /open_round uses it.`,
  unchanged: ({ version, hash }) =>
    `This file is the same as version ${version} (${hash}), which the next round uses already. Nothing changed.`,
  roundKeeps: ({ id, title }) => `Round ${id} “${title}”, open now, keeps the questionnaire it opened with.`,
  types: { scale: 'scale', choice: 'choice', multi: 'multi', text: 'text' },
  summaryQuestions: ({ total, types }) => `Questions: ${total} (${types})`,
  summaryDimensions: ({ count, names }) => `Dimensions (${count}): ${names}`,
  summaryIndexes: ({ count, names }) => `Composite indexes (${count}): ${names}`,
  indexEntry: ({ name, dimensions }) => `${name} (${dimensions})`,
  summaryLanguages: ({ names }) => `Languages: ${names}`,
  nextCaption: ({ what }) => `The next round will use this questionnaire: ${what}.`,
  versionCaption: ({ what }) => `Questionnaire ${what}.`,
  brokenCaption: ({ count }) =>
    `⚠️ It has ${plural(count, 'problem')}: /open_round refuses it until a corrected file is uploaded.`,
  editHint: 'Edit it and send it back here to make it the next round’s questionnaire.',
  fileUnreadable: 'The questionnaire file on the server cannot be read, and nothing has been uploaded.',
  usage: 'Usage: /questionnaire for the next round’s questionnaire, or /questionnaire 2 for version 2.',
  unknownVersion: ({ version }) => `There is no questionnaire version ${version}. /rounds shows the version each round used.`,
};

export const QUESTIONNAIRE_TEXTS: Record<Language, QuestionnaireTexts> = { 'zh-Hant': zhHant, 'zh-Hans': zhHans, en };
