import { estimatedMinutes } from '../../src/bot/prompt/question-view.js';
import { escapeHtml } from '../../src/render/html.js';
import { TEXTS } from '../../src/texts/resident.js';
import { optionsOf } from '../../src/questionnaire/engine.js';
import type { Language } from '../../src/questionnaire/languages.js';
import type { Question, Questionnaire } from '../../src/questionnaire/schema.js';

/*
 * The floor bot's fixed script: the questions a benchmark resident (who always
 * picks the first option) sees in manyi, with the same texts, the same button
 * labels and the same keyboard layout, worked out once by the benchmark and
 * handed to the floor bot as a JSON file. The floor bot itself loads no
 * questionnaire, no database and none of manyi's modules but the polling loop.
 */

export interface FloorQuestion {
  type: 'choice' | 'multi' | 'text';
  optional: boolean;
  /** The question as sent (HTML). */
  html: string;
  /** The pressed message once answered (HTML); `{answer}` stands for the escaped answer. */
  recordedHtml: string;
  options: string[];
  /** Option indexes per keyboard row. */
  rows: number[][];
}

export interface FloorScript {
  greetingHtml: string;
  questions: FloorQuestion[];
  summaryHtml: string;
  labels: { back: string; skip: string; done: string; submit: string };
  submitted: string;
  thanks: string;
  chooseAtLeastOne: string;
  skipped: string;
}

/** The questions shown to a resident who always picks the first option. */
export function firstOptionPath(questionnaire: Questionnaire): Question[] {
  const picked = new Map<string, string>();
  const path: Question[] = [];
  for (const question of questionnaire.questions) {
    const when = question.when;
    if (when && !when.in.includes(picked.get(when.question) ?? '\u0000')) continue;
    path.push(question);
    const first = optionsOf(question)[0];
    if (first) picked.set(question.id, first.value);
  }
  return path;
}

/** Same measure and layout rule as manyi's bot/prompt/question-view.ts: up to three per row, about 30 columns. */
function width(label: string): number {
  let total = 0;
  for (const char of label) total += /[\u2E80-\u9FFF\uF900-\uFAFF\uFF00-\uFFEF]/.test(char) ? 2 : 1;
  return total;
}

function layout(labels: readonly string[]): number[][] {
  const result: number[][] = [];
  let row: number[] = [];
  let used = 0;
  labels.forEach((label, index) => {
    const w = width(label) + 3;
    if (row.length > 0 && (row.length === 3 || used + w > 30)) {
      result.push(row);
      row = [];
      used = 0;
    }
    row.push(index);
    used += w;
  });
  if (row.length > 0) result.push(row);
  return result;
}

function shorten(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

export function buildFloorScript(questionnaire: Questionnaire, language: Language): FloorScript {
  const t = TEXTS[language];
  const path = firstOptionPath(questionnaire);
  const total = path.length;
  const questions = path.map((question, index): FloorQuestion => {
    const heading =
      `<b>${index + 1} / ${total}</b>${question.optional ? t.optionalMark : ''}\n` +
      `<b>${escapeHtml(question.text[language])}</b>`;
    const parts = [heading];
    if (question.note) parts.push(`<i>${escapeHtml(question.note[language])}</i>`);
    if (question.type === 'multi') parts.push(t.multiHint);
    if (question.type === 'text') parts.push(t.textHint({ max: question.max_length }));
    const options = optionsOf(question).map((option) => option.label[language]);
    return {
      type: question.type === 'scale' ? 'choice' : question.type,
      optional: question.optional ?? false,
      html: parts.join('\n\n'),
      recordedHtml: `${heading}\n\n${escapeHtml(t.recorded({ answer: '{answer}' }))}`,
      options,
      rows: layout(options),
    };
  });
  const lines = path.map((question, index) => {
    const answer = optionsOf(question)[0]?.label[language] ?? 'suggestion';
    return `<b>${index + 1}.</b> ${escapeHtml(shorten(question.text[language], 60))}\n→ ${escapeHtml(answer)}`;
  });
  return {
    greetingHtml: t.greeting({
      title: escapeHtml(questionnaire.title[language]),
      description: escapeHtml(questionnaire.description[language]),
      questions: questionnaire.questions.length,
      minutes: estimatedMinutes(questionnaire),
    }),
    questions,
    summaryHtml: `<b>${t.summaryTitle}</b>\n\n${lines.join('\n\n')}\n\n${t.summaryHint}`,
    labels: { back: t.back, skip: t.skip, done: t.done, submit: t.submit },
    submitted: t.submitted,
    thanks: t.thanks,
    chooseAtLeastOne: t.chooseAtLeastOne,
    skipped: t.skipped,
  };
}
