import type { Condition, Question, Questionnaire } from './schema.js';
import { SATISFACTION_SCALE } from './scale.js';
import type { Localized } from './languages.js';

/*
 * The questionnaire engine: which questions apply, which comes next, whether
 * an input fits. Pure functions of the questionnaire and the answers so far.
 */

export type Answer =
  | { kind: 'skipped' }
  | { kind: 'option'; value: string }
  | { kind: 'options'; values: readonly string[] }
  | { kind: 'text'; text: string };

export type Answers = ReadonlyMap<string, Answer>;

export interface OptionView {
  value: string;
  label: Localized;
}

/** The options a question offers, in order; none for text questions. */
export function optionsOf(question: Question): readonly OptionView[] {
  switch (question.type) {
    case 'scale':
      return SATISFACTION_SCALE;
    case 'choice':
    case 'multi':
      return question.options;
    case 'text':
      return [];
  }
}

export function scoreOf(question: Question, value: string): number | null {
  if (question.type !== 'scale') return null;
  return SATISFACTION_SCALE.find((option) => option.value === value)?.score ?? null;
}

function holds(condition: Condition, answer: Answer | undefined): boolean {
  if (answer?.kind === 'option') return condition.in.includes(answer.value);
  if (answer?.kind === 'options') return answer.values.some((value) => condition.in.includes(value));
  return false;
}

/**
 * Questions that apply given the answers. A condition holds only when the
 * question it looks at was answered with one of its values. With `pending`,
 * a condition on a question not yet answered counts as holding, which gives
 * the most questions the resident may still see (used for "3 / 12").
 */
export function applicableQuestions(
  questionnaire: Questionnaire,
  answers: Answers,
  { pending = false } = {},
): Question[] {
  const shown = new Set<string>();
  const result: Question[] = [];
  for (const question of questionnaire.questions) {
    const when = question.when;
    const applies =
      !when ||
      (shown.has(when.question) &&
        (holds(when, answers.get(when.question)) || (pending && !answers.has(when.question))));
    if (applies) {
      shown.add(question.id);
      result.push(question);
    }
  }
  return result;
}

export function findQuestion(questionnaire: Questionnaire, id: string): Question | undefined {
  return questionnaire.questions.find((question) => question.id === id);
}

/** The first applicable question without an answer, or null when the questionnaire is complete. */
export function firstUnanswered(questionnaire: Questionnaire, answers: Answers): Question | null {
  return applicableQuestions(questionnaire, answers).find((q) => !answers.has(q.id)) ?? null;
}

/**
 * Where to go after answering `currentId`: the next unanswered question after
 * it, else the first unanswered one anywhere, else null (the summary).
 */
export function nextQuestion(questionnaire: Questionnaire, answers: Answers, currentId: string): Question | null {
  const applicable = applicableQuestions(questionnaire, answers);
  const index = applicable.findIndex((q) => q.id === currentId);
  const after = applicable.slice(index + 1).find((q) => !answers.has(q.id));
  return after ?? applicable.find((q) => !answers.has(q.id)) ?? null;
}

/** The applicable question before `currentId` (null: from the summary), or null at the first. */
export function previousQuestion(
  questionnaire: Questionnaire,
  answers: Answers,
  currentId: string | null,
): Question | null {
  const applicable = applicableQuestions(questionnaire, answers);
  const index = currentId === null ? applicable.length : applicable.findIndex((q) => q.id === currentId);
  return index > 0 ? (applicable[index - 1] ?? null) : null;
}

export function isFirstQuestion(questionnaire: Questionnaire, answers: Answers, id: string): boolean {
  return applicableQuestions(questionnaire, answers)[0]?.id === id;
}

/** Position of a question among those the resident may see, for "3 / 12". */
export function progressOf(questionnaire: Questionnaire, answers: Answers, id: string) {
  const possible = applicableQuestions(questionnaire, answers, { pending: true });
  return { position: possible.findIndex((q) => q.id === id) + 1, total: possible.length };
}

/**
 * Sets one answer and drops answers to questions that no longer apply (a
 * changed answer can turn a condition off). Returns the ids dropped.
 */
export function withAnswer(
  questionnaire: Questionnaire,
  answers: Answers,
  questionId: string,
  answer: Answer,
): { answers: Map<string, Answer>; dropped: string[] } {
  const next = new Map(answers);
  next.set(questionId, answer);
  const applicable = new Set(applicableQuestions(questionnaire, next).map((q) => q.id));
  const dropped = [...next.keys()].filter((id) => !applicable.has(id));
  for (const id of dropped) next.delete(id);
  return { answers: next, dropped };
}

export type TextCheck =
  | { ok: true; text: string }
  | { ok: false; reason: 'empty' }
  | { ok: false; reason: 'too_long'; length: number; max: number };

/** Whether typed text fits a text question; length counts characters as people do (code points). */
export function checkText(maxLength: number, input: string): TextCheck {
  const text = input.trim();
  if (text === '') return { ok: false, reason: 'empty' };
  const length = [...text].length;
  if (length > maxLength) return { ok: false, reason: 'too_long', length, max: maxLength };
  return { ok: true, text };
}

/** The option at a button's index, if the question has one there. */
export function optionAt(question: Question, index: number): OptionView | undefined {
  return Number.isInteger(index) ? optionsOf(question)[index] : undefined;
}
