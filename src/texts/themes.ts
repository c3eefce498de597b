import type { Language } from '../questionnaire/languages.js';

/*
 * The words of themes (what residents wrote about): /themes, the digest line
 * and the workbook's Themes sheet, per language. HTML where it goes into a
 * message: callers escape terms, quotes and question texts.
 */

export interface ThemeTexts {
  title(p: { id: number; title: string }): string;
  question(p: { question: string; texts: number }): string;
  theme(p: { term: string; responses: number }): string;
  noThemes: string;
  noTextQuestion: string;
  legend(p: { min: number }): string;
  digestSection: string;
  digestLine(p: { list: string }): string;
  sheet: string;
  questionColumn: string;
  textColumn: string;
  termsColumn: string;
  termColumn: string;
  responsesColumn: string;
}

const zhHant: ThemeTexts = {
  title: ({ id, title }) => `<b>第 ${id} 輪「${title}」居民寫了什麼</b>`,
  question: ({ question, texts }) => `<b>${question}</b>（${texts} 份回答）`,
  theme: ({ term, responses }) => `${term}（${responses}）`,
  noThemes: '還沒有哪個詞有 5 份以上的回答提到。',
  noTextQuestion: '這一輪的問卷沒有文字題。',
  legend: ({ min }) => `括號內是提到該詞的回答份數；至少 ${min} 份回答提到的詞才列出。`,
  digestSection: '居民寫了什麼',
  digestLine: ({ list }) => `本週居民寫得最多的是：${list}`,
  sheet: '主題',
  questionColumn: '題目',
  textColumn: '回答',
  termsColumn: '提到的主題詞',
  termColumn: '主題詞',
  responsesColumn: '回答份數',
};

const zhHans: ThemeTexts = {
  title: ({ id, title }) => `<b>第 ${id} 轮“${title}”居民写了什么</b>`,
  question: ({ question, texts }) => `<b>${question}</b>（${texts} 份回答）`,
  theme: ({ term, responses }) => `${term}（${responses}）`,
  noThemes: '还没有哪个词有 5 份以上的回答提到。',
  noTextQuestion: '这一轮的问卷没有文字题。',
  legend: ({ min }) => `括号内是提到该词的回答份数；至少 ${min} 份回答提到的词才列出。`,
  digestSection: '居民写了什么',
  digestLine: ({ list }) => `本周居民写得最多的是：${list}`,
  sheet: '主题',
  questionColumn: '题目',
  textColumn: '回答',
  termsColumn: '提到的主题词',
  termColumn: '主题词',
  responsesColumn: '回答份数',
};

const en: ThemeTexts = {
  title: ({ id, title }) => `<b>Round ${id} “${title}”: what residents wrote about</b>`,
  question: ({ question, texts }) => `<b>${question}</b> (${texts} responses)`,
  theme: ({ term, responses }) => `${term} (${responses})`,
  noThemes: 'No term is mentioned by 5 responses or more yet.',
  noTextQuestion: 'This round’s questionnaire has no text question.',
  legend: ({ min }) => `In brackets: the responses that mention the term; only terms mentioned by ${min} responses or more are listed.`,
  digestSection: 'What residents wrote about',
  digestLine: ({ list }) => `This week residents wrote most about: ${list}`,
  sheet: 'Themes',
  questionColumn: 'Question',
  textColumn: 'Answer',
  termsColumn: 'Terms it matched',
  termColumn: 'Term',
  responsesColumn: 'Responses',
};

export const THEME_TEXTS: Record<Language, ThemeTexts> = { 'zh-Hant': zhHant, 'zh-Hans': zhHans, en };
