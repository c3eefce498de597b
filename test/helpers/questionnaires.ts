import { readFileSync } from 'node:fs';
import { parseQuestionnaire } from '../../src/questionnaire/validate.js';
import type { Questionnaire } from '../../src/questionnaire/schema.js';
import { loadQuestionnaireFile } from '../../src/questionnaire/validate.js';
import { DEFAULT_QUESTIONNAIRE_PATH } from '../../src/config.js';

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
