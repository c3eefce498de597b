import {
  checkText,
  findQuestion,
  firstUnanswered,
  nextQuestion,
  optionAt,
  previousQuestion,
  withAnswer,
  type Answer,
} from './engine.js';
import type { Question, Questionnaire } from './schema.js';

/*
 * One step through a questionnaire, computed in memory: what a press or a
 * typed answer does to where someone stands. Pure, so a resident's response
 * (survey/actions.ts) and an admin's preview (survey/preview.ts) take the
 * same steps and differ only in what they write.
 */

/** A walk is partial until it is submitted; a stored response keeps this status. */
export const RESPONSE_STATUSES = ['partial', 'completed'] as const;
export type ResponseStatus = (typeof RESPONSE_STATUSES)[number];

/** Where someone stands in a questionnaire: a stored response, or a preview. */
export interface Walk {
  /** The response's id, or the preview's: button data carries it, so a press on another one is stale. */
  id: number;
  status: ResponseStatus;
  /** The question being asked; null once every question is answered and the summary is shown. */
  cursor: string | null;
  /** Options toggled so far on the multi question at the cursor, until Done. */
  draft: readonly string[] | null;
  answers: ReadonlyMap<string, Answer>;
}

export type Action =
  | { type: 'choose'; questionId: string; optionIndex: number }
  /**
   * `select`: what the resident asks for, read from the keyboard they pressed
   * on (the opposite of what it showed), so a press repeated on a screen that
   * was slow to show the first one changes nothing; absent: flip.
   */
  | { type: 'toggle'; questionId: string; optionIndex: number; select?: boolean }
  | { type: 'done'; questionId: string }
  | { type: 'skip'; questionId: string }
  /** questionId null: from the summary. */
  | { type: 'back'; questionId: string | null }
  | { type: 'submit' }
  | { type: 'text'; text: string };

export type Refusal =
  | { reason: 'stale' }
  | { reason: 'no_selection' }
  | { reason: 'expects_buttons'; question: Question }
  | { reason: 'expects_submit' }
  | { reason: 'empty_text' }
  | { reason: 'too_long'; length: number; max: number };

export type Step<S extends Walk> =
  | {
      kind: 'applied';
      state: S;
      /** The question at the cursor before the step. */
      asked: Question | null;
      /** Set when a question was answered (or skipped); `dropped` are the answers that no longer apply. */
      recorded?: { question: Question; answer: Answer; dropped: string[] };
    }
  | { kind: 'refused'; refusal: Refusal };

/** The options shown as selected on a multi question: the draft, else the stored answer. */
export function currentSelection(state: Pick<Walk, 'cursor' | 'draft' | 'answers'>, questionId: string): readonly string[] {
  if (state.cursor === questionId && state.draft) return state.draft;
  const answer = state.answers.get(questionId);
  return answer?.kind === 'options' ? answer.values : [];
}

/** What `action` does to `state`; buttons are accepted only for the question being asked. */
export function step<S extends Walk>(questionnaire: Questionnaire, state: S, action: Action): Step<S> {
  const asked = state.cursor === null ? null : (findQuestion(questionnaire, state.cursor) ?? null);
  const refuse = (refusal: Refusal): Step<S> => ({ kind: 'refused', refusal });
  const moved = (changes: Partial<Walk>): Step<S> => ({ kind: 'applied', state: { ...state, ...changes }, asked });
  const record = (question: Question, answer: Answer): Step<S> => {
    const { answers, dropped } = withAnswer(questionnaire, state.answers, question.id, answer);
    const cursor = nextQuestion(questionnaire, answers, question.id)?.id ?? null;
    return { kind: 'applied', state: { ...state, answers, cursor, draft: null }, asked, recorded: { question, answer, dropped } };
  };

  if (action.type === 'text') {
    if (!asked) return refuse({ reason: 'expects_submit' });
    if (asked.type !== 'text') return refuse({ reason: 'expects_buttons', question: asked });
    const checked = checkText(asked.max_length, action.text);
    if (!checked.ok) return refuse(checked.reason === 'empty' ? { reason: 'empty_text' } : checked);
    return record(asked, { kind: 'text', text: checked.text });
  }
  if (action.type === 'submit') {
    if (asked || firstUnanswered(questionnaire, state.answers)) return refuse({ reason: 'stale' });
    return moved({ status: 'completed' });
  }
  if (action.type === 'back') {
    if (action.questionId !== (asked?.id ?? null)) return refuse({ reason: 'stale' });
    const previous = previousQuestion(questionnaire, state.answers, action.questionId);
    if (!previous) return refuse({ reason: 'stale' });
    return moved({ cursor: previous.id, draft: null });
  }

  // The remaining actions are presses on the question at the cursor.
  if (!asked || action.questionId !== asked.id) return refuse({ reason: 'stale' });
  switch (action.type) {
    case 'choose': {
      const option = asked.type === 'scale' || asked.type === 'choice' ? optionAt(asked, action.optionIndex) : undefined;
      if (!option) return refuse({ reason: 'stale' });
      return record(asked, { kind: 'option', value: option.value });
    }
    case 'toggle': {
      const option = asked.type === 'multi' ? optionAt(asked, action.optionIndex) : undefined;
      if (!option) return refuse({ reason: 'stale' });
      const selected = currentSelection(state, asked.id);
      const select = action.select ?? !selected.includes(option.value);
      const others = selected.filter((value) => value !== option.value);
      return moved({ draft: select ? [...others, option.value] : others });
    }
    case 'done': {
      if (asked.type !== 'multi') return refuse({ reason: 'stale' });
      const selected = currentSelection(state, asked.id);
      if (selected.length > 0) {
        // Keep the questionnaire's option order, whatever order they were pressed in.
        const ordered = asked.options.map((o) => o.value).filter((value) => selected.includes(value));
        return record(asked, { kind: 'options', values: ordered });
      }
      return asked.optional ? record(asked, { kind: 'skipped' }) : refuse({ reason: 'no_selection' });
    }
    case 'skip':
      return asked.optional ? record(asked, { kind: 'skipped' }) : refuse({ reason: 'stale' });
  }
}
