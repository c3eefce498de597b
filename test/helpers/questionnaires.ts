import { readFileSync } from 'node:fs';
import { parseQuestionnaire } from '../../src/questionnaire/validate.js';
import type { Questionnaire } from '../../src/questionnaire/schema.js';
import { loadQuestionnaireFile } from '../../src/questionnaire/validate.js';
import { DEFAULT_QUESTIONNAIRE_PATH } from '../../src/config.js';
import { LANGUAGES } from '../../src/questionnaire/languages.js';
import {
  MAX_LABEL_LENGTH,
  MAX_OPTIONS,
  MAX_QUESTION_TEXT_LENGTH,
  MAX_QUESTIONS,
  MAX_TEXT_ANSWER_LENGTH,
} from '../../src/questionnaire/schema.js';

/** Same text in every language: enough for tests that are not about translation. */
export const all = (text: string) => ({ 'zh-Hant': text, 'zh-Hans': text, en: text });

/**
 * A small questionnaire with every question type and a condition:
 * role (choice) → satisfaction (scale) → reason (choice, only when satisfaction is 30 or 0)
 * → channels (multi) → comment (optional text, at most 20 characters).
 */
export const SMALL_YAML = `
title: { zh-Hant: 小問卷, zh-Hans: 小问卷, en: Small survey }
description: { zh-Hant: 測試用。, zh-Hans: 测试用。, en: For tests. }
dimensions:
  - id: overall
    name: { zh-Hant: 總體, zh-Hans: 总体, en: Overall }
indexes:
  - id: headline
    name: { zh-Hant: 總指數, zh-Hans: 总指数, en: Headline }
    dimensions: [overall]
report:
  respondent_question: role
  improvement_question: channels
  suggestion_question: comment
questions:
  - id: role
    type: choice
    text: { zh-Hant: 您的身分？, zh-Hans: 您的身份？, en: Who are you? }
    options:
      - { value: member, label: { zh-Hant: 黨員, zh-Hans: 党员, en: Member } }
      - { value: public, label: { zh-Hant: 群眾, zh-Hans: 群众, en: Public } }
  - id: satisfaction
    type: scale
    dimension: overall
    text: { zh-Hant: 您滿意嗎？, zh-Hans: 您满意吗？, en: Are you satisfied? }
  - id: reason
    type: choice
    when: { question: satisfaction, in: ['30', '0'] }
    text: { zh-Hant: 主要原因？, zh-Hans: 主要原因？, en: Main reason? }
    options:
      - { value: slow, label: { zh-Hant: 太慢, zh-Hans: 太慢, en: Too slow } }
      - { value: unfair, label: { zh-Hant: 不公平, zh-Hans: 不公平, en: Unfair } }
  - id: channels
    type: multi
    text: { zh-Hant: 從哪裡得知？, zh-Hans: 从哪里得知？, en: Where do you hear about it? }
    options:
      - { value: board, label: { zh-Hant: 公告欄, zh-Hans: 公告栏, en: Notice board } }
      - { value: online, label: { zh-Hant: 網路, zh-Hans: 网络, en: Online } }
      - { value: meeting, label: { zh-Hant: 會議, zh-Hans: 会议, en: Meetings } }
  - id: comment
    type: text
    optional: true
    max_length: 20
    text: { zh-Hant: 建議？, zh-Hans: 建议？, en: Any suggestion? }
`;

export function mustParse(source: string): Questionnaire {
  const result = parseQuestionnaire(source);
  if (!result.ok) throw new Error(`test questionnaire is invalid:\n${result.problems.join('\n')}`);
  return result.questionnaire;
}

export const smallQuestionnaire = (): Questionnaire => mustParse(SMALL_YAML);

export function defaultQuestionnaire(): Questionnaire {
  const result = loadQuestionnaireFile(DEFAULT_QUESTIONNAIRE_PATH);
  if (!result.ok) throw new Error(`the default questionnaire is invalid:\n${result.problems.join('\n')}`);
  return result.questionnaire;
}

export function defaultQuestionnaireYaml(): string {
  return readFileSync(DEFAULT_QUESTIONNAIRE_PATH, 'utf8');
}

/** `length` characters of text with HTML's special characters in it, ending in a letter. */
export function filler(length: number, word: string): string {
  const unit = `${word} <b>&amp; "x" `;
  return `${unit.repeat(Math.ceil(length / unit.length)).slice(0, length - 1)}z`;
}
const localized = (length: number, word: string) => Object.fromEntries(LANGUAGES.map((language) => [language, filler(length, `${word}-${language}`)]));
/** Ids and option values as long as allowed (32 characters): they travel in button data, at most 64 bytes. */
export const longId = (base: string) => base.padEnd(32, '_');
const options = (prefix: string) =>
  Array.from({ length: MAX_OPTIONS }, (_, i) => ({ value: longId(`${prefix}${i}`), label: localized(MAX_LABEL_LENGTH, `${prefix}${i}`) }));

/**
 * A questionnaire at every limit the validator allows (as JSON, which is YAML
 * too): 60 questions with 1,000-character texts and notes, a choice (the
 * respondent groups) and a multi of 12 options with 60-character labels, 18
 * scales over 6 dimensions, and 40 text questions taking 2,000 characters.
 */
export function maximalQuestionnaireSource(): string {
  const questions: Record<string, unknown>[] = [
    { id: longId('role'), type: 'choice', text: localized(MAX_QUESTION_TEXT_LENGTH, 'role'), note: localized(MAX_QUESTION_TEXT_LENGTH, 'note'), options: options('r') },
    { id: longId('improve'), type: 'multi', text: localized(MAX_QUESTION_TEXT_LENGTH, 'improve'), note: localized(MAX_QUESTION_TEXT_LENGTH, 'note'), options: options('m') },
  ];
  for (let i = 0; i < 18; i++) {
    questions.push({ id: longId(`scale_${i}`), type: 'scale', dimension: longId(`dimension_${i % 6}`), text: localized(MAX_QUESTION_TEXT_LENGTH, `scale${i}`), note: localized(MAX_QUESTION_TEXT_LENGTH, 'note') });
  }
  while (questions.length < MAX_QUESTIONS) {
    const i = questions.length;
    questions.push({ id: longId(`text_${i}`), type: 'text', optional: i % 2 === 0, max_length: MAX_TEXT_ANSWER_LENGTH, text: localized(MAX_QUESTION_TEXT_LENGTH, `text${i}`), note: localized(MAX_QUESTION_TEXT_LENGTH, 'note') });
  }
  const dimensions = Array.from({ length: 6 }, (_, i) => ({ id: longId(`dimension_${i}`), name: localized(MAX_LABEL_LENGTH, `dimension${i}`) }));
  return JSON.stringify({
    title: localized(200, 'title'),
    description: localized(1000, 'description'),
    dimensions,
    indexes: [{ id: longId('headline'), name: localized(MAX_LABEL_LENGTH, 'headline'), dimensions: dimensions.map((d) => d.id) }],
    report: { respondent_question: longId('role'), improvement_question: longId('improve'), suggestion_question: longId(`text_${MAX_QUESTIONS - 1}`) },
    questions,
  });
}
