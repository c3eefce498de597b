import { InlineKeyboard } from 'grammy';
import {
  applicableQuestions,
  isFirstQuestion,
  optionsOf,
  progressOf,
  type Answer,
} from '../../questionnaire/engine.js';
import type { Language } from '../../questionnaire/languages.js';
import type { Question, Questionnaire } from '../../questionnaire/schema.js';
import { currentSelection, type Walk } from '../../questionnaire/walk.js';
import { encodeButton, type SurveyButton } from './callback-data.js';
import { fitMessage, MESSAGE_LIMIT } from '../../render/fit.js';
import { escapeHtml } from '../../render/html.js';
import { TEXTS } from '../../texts/resident.js';
import { joinList } from '../../texts/list.js';

/*
 * Messages built from the questionnaire and a response: plain functions, so
 * what a resident sees can be tested without Telegram.
 */

/** Marks a selected option on a multi question's button. */
export const SELECTED_MARK = '✅ ';

export interface Rendered {
  html: string;
  keyboard?: InlineKeyboard;
}

/** How a walk is drawn: a resident's survey, or an admin's preview with its own button data and a mark above. */
export interface RenderMode {
  encode(action: SurveyButton): string;
  /** The longest a message may be, leaving room for what goes above it. */
  limit: number;
}

export const SURVEY_MODE: RenderMode = { encode: encodeButton, limit: MESSAGE_LIMIT };

/** Rough on-screen width: CJK characters take about two Latin ones. */
function width(label: string): number {
  let total = 0;
  for (const char of label) total += /[\u2E80-\u9FFF\uF900-\uFAFF\uFF00-\uFFEF]/.test(char) ? 2 : 1;
  return total;
}

/** Lays buttons out in rows that fit a phone screen: up to three, narrower ones side by side. */
function rows<T>(items: readonly T[], labelOf: (item: T) => string): T[][] {
  const result: T[][] = [];
  let row: T[] = [];
  let used = 0;
  for (const item of items) {
    const w = width(labelOf(item)) + 3;
    if (row.length > 0 && (row.length === 3 || used + w > 30)) {
      result.push(row);
      row = [];
      used = 0;
    }
    row.push(item);
    used += w;
  }
  if (row.length > 0) result.push(row);
  return result;
}

function shorten(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

export function answerLabel(question: Question, answer: Answer, language: Language): string {
  const t = TEXTS[language];
  const labelOf = (value: string) =>
    optionsOf(question).find((option) => option.value === value)?.label[language] ?? value;
  switch (answer.kind) {
    case 'skipped':
      return t.skipped;
    case 'option':
      return labelOf(answer.value);
    case 'options':
      return joinList(answer.values.map(labelOf), language);
    case 'text':
      return answer.text;
  }
}

function heading(questionnaire: Questionnaire, state: Walk, question: Question, language: Language) {
  const { position, total } = progressOf(questionnaire, state.answers, question.id);
  const optional = question.optional ? TEXTS[language].optionalMark : '';
  return `<b>${position} / ${total}</b>${optional}\n<b>${escapeHtml(question.text[language])}</b>`;
}

/** The question at the resident's cursor, with its live buttons. `hint` explains a refused input first. */
export function renderQuestion(
  questionnaire: Questionnaire,
  state: Walk,
  question: Question,
  language: Language,
  hint?: string,
  { encode }: RenderMode = SURVEY_MODE,
): Rendered {
  const t = TEXTS[language];
  const parts = [heading(questionnaire, state, question, language)];
  if (question.note) parts.push(`<i>${escapeHtml(question.note[language])}</i>`);
  if (question.type === 'multi') parts.push(t.multiHint);
  if (question.type === 'text') parts.push(t.textHint({ max: question.max_length }));
  if (hint) parts.unshift(`⚠️ ${hint}`);

  const keyboard = new InlineKeyboard();
  const responseId = state.id;
  const questionId = question.id;
  const options = optionsOf(question).map((option, optionIndex) => ({ option, optionIndex }));
  const selected = question.type === 'multi' ? currentSelection(state, questionId) : [];
  const current = state.answers.get(questionId);

  for (const row of rows(options, ({ option }) => option.label[language])) {
    for (const { option, optionIndex } of row) {
      const label = option.label[language];
      if (question.type === 'multi') {
        const mark = selected.includes(option.value) ? SELECTED_MARK : '';
        keyboard.text(mark + label, encode({ type: 'toggle', responseId, questionId, optionIndex }));
      } else {
        // Coming back to an answered question shows what was chosen.
        const mark = current?.kind === 'option' && current.value === option.value ? '✓ ' : '';
        keyboard.text(mark + label, encode({ type: 'choose', responseId, questionId, optionIndex }));
      }
    }
    keyboard.row();
  }
  if (question.type === 'multi') keyboard.text(t.done, encode({ type: 'done', responseId, questionId })).row();
  if (!isFirstQuestion(questionnaire, state.answers, questionId)) {
    keyboard.text(t.back, encode({ type: 'back', responseId, questionId }));
  }
  if (question.optional) keyboard.text(t.skip, encode({ type: 'skip', responseId, questionId }));
  return { html: parts.join('\n\n'), keyboard };
}

/** A question once answered: what was recorded, no buttons left to mislead. */
export function renderRecorded(
  questionnaire: Questionnaire,
  state: Walk,
  question: Question,
  answer: Answer,
  language: Language,
): Rendered {
  const t = TEXTS[language];
  const label = answer.kind === 'skipped' ? t.skipped : t.recorded({ answer: shorten(answerLabel(question, answer, language), 1500) });
  return { html: `${heading(questionnaire, state, question, language)}\n\n${escapeHtml(label)}` };
}

/** How long an answer may be in the one-line record above the next question. */
const ANSWER_LINE_LENGTH = 60;

/**
 * The one line that keeps an answer on screen once its question is edited
 * into the next one ("✓ 3/16 滿意"): the question's place and the answer,
 * escaped and shortened to one short line.
 */
export function renderAnswerLine(
  questionnaire: Questionnaire,
  state: Walk,
  question: Question,
  answer: Answer,
  language: Language,
): string {
  const { position, total } = progressOf(questionnaire, state.answers, question.id);
  const label = shorten(answerLabel(question, answer, language).replace(/\s+/g, ' ').trim(), ANSWER_LINE_LENGTH);
  return `✓ ${position}/${total} ${escapeHtml(label)}`;
}

/**
 * How much of each question and answer the summary shows, fullest first; the
 * last, numbers and short answers only, fits 60 questions (the validator's
 * maximum) in one message.
 */
const SUMMARY_DETAIL = [
  { question: 60, answer: 1000 },
  { question: 60, answer: 300 },
  { question: 60, answer: 80 },
  { question: 40, answer: 40 },
  { question: 25, answer: 20 },
  { question: 0, answer: 20 },
] as const;

/** Every answer for a last look, with Submit; questions and answers are shortened until the message fits. */
export function renderSummary(
  questionnaire: Questionnaire,
  state: Walk,
  language: Language,
  { encode, limit }: RenderMode = SURVEY_MODE,
): Rendered {
  const t = TEXTS[language];
  const questions = applicableQuestions(questionnaire, state.answers);
  const compose = (detail: (typeof SUMMARY_DETAIL)[number]) => {
    const lines = questions.map((question, index) => {
      const answer = state.answers.get(question.id);
      const label = escapeHtml(shorten(answer ? answerLabel(question, answer, language) : t.noneSelected, detail.answer));
      const text = detail.question > 0 ? ` ${escapeHtml(shorten(question.text[language], detail.question))}` : '';
      return `<b>${index + 1}.</b>${text}\n→ ${label}`;
    });
    return `<b>${t.summaryTitle}</b>\n\n${lines.join('\n\n')}\n\n${t.summaryHint}`;
  };
  const keyboard = new InlineKeyboard()
    .text(t.back, encode({ type: 'back', responseId: state.id, questionId: null }))
    .text(t.submit, encode({ type: 'submit', responseId: state.id }));
  return { html: fitMessage(SUMMARY_DETAIL, compose, limit), keyboard };
}

/** The greeting before the first question: what the survey is for, how long it takes, that it is anonymous. */
export function renderGreeting(questionnaire: Questionnaire, language: Language): string {
  return TEXTS[language].greeting({
    title: escapeHtml(questionnaire.title[language]),
    description: escapeHtml(questionnaire.description[language]),
    questions: questionnaire.questions.length,
    minutes: estimatedMinutes(questionnaire),
  });
}

/** About how long the questionnaire takes, rounded up to whole minutes. */
export function estimatedMinutes(questionnaire: Questionnaire): number {
  const seconds = questionnaire.questions.reduce((sum, q) => sum + (q.type === 'text' ? 45 : 12), 0);
  return Math.max(1, Math.ceil(seconds / 60));
}
