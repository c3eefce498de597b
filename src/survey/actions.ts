import { inTransaction, type Db } from '../db/client.js';
import {
  deleteAnswers,
  insertResponse,
  loadResponse,
  saveAnswer,
  updateResponse,
  type ResponseState,
} from '../db/responses.js';
import type { Round } from '../db/rounds.js';
import {
  checkText,
  findQuestion,
  firstUnanswered,
  nextQuestion,
  optionAt,
  previousQuestion,
  scoreOf,
  withAnswer,
  type Answer,
} from '../questionnaire/engine.js';
import type { Language } from '../questionnaire/languages.js';
import type { Question } from '../questionnaire/schema.js';

/*
 * What a resident does to their response, each step one transaction: read
 * the stored state, check the step against it, compute the new state in
 * memory, write only what changed. The caller replies only after this
 * returns, so whatever the resident is shown is already committed.
 */

export interface Respondent {
  round: Round;
  respondentKey: string;
}

export type StartOutcome =
  | { kind: 'started'; state: ResponseState }
  | { kind: 'resumed'; state: ResponseState }
  | { kind: 'completed'; state: ResponseState }
  /** The same /start again (a redelivery, or a retry after its reply failed): nothing changed. */
  | { kind: 'duplicate'; state: ResponseState };

function load(db: Db, { round, respondentKey }: Respondent): ResponseState | null {
  const typeOf = (id: string) => findQuestion(round.questionnaire, id)?.type;
  return loadResponse(db, round.id, respondentKey, typeOf);
}

/** Begins a response, or puts an unfinished one back at its first unanswered question. */
export function startOrResume(
  db: Db,
  input: Respondent & { language: Language; source: string | null; updateId: number; now: Date },
): StartOutcome {
  return inTransaction(db, (): StartOutcome => {
    const existing = load(db, input);
    if (existing?.status === 'completed') return { kind: 'completed', state: existing };
    if (existing && input.updateId <= existing.lastUpdateId) return { kind: 'duplicate', state: existing };
    if (existing) {
      const cursor = firstUnanswered(input.round.questionnaire, existing.answers)?.id ?? null;
      updateResponse(db, existing.id, { cursor, draft: null, lastUpdateId: input.updateId, now: input.now });
      return { kind: 'resumed', state: { ...existing, cursor, draft: null, lastUpdateId: input.updateId } };
    }
    const cursor = firstUnanswered(input.round.questionnaire, new Map())?.id ?? null;
    const id = insertResponse(db, {
      roundId: input.round.id,
      respondentKey: input.respondentKey,
      language: input.language,
      source: input.source,
      cursor,
      updateId: input.updateId,
      now: input.now,
    });
    const state: ResponseState = {
      id,
      roundId: input.round.id,
      status: 'partial',
      language: input.language,
      cursor,
      draft: null,
      lastUpdateId: input.updateId,
      answers: new Map(),
    };
    return { kind: 'started', state };
  });
}

export type Action =
  | { type: 'choose'; questionId: string; optionIndex: number }
  | { type: 'toggle'; questionId: string; optionIndex: number }
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

export type ActionOutcome =
  /** `recorded` is set when a question was answered (or skipped); `asked` is where the cursor was. */
  | { kind: 'applied'; state: ResponseState; asked: Question | null; recorded?: { question: Question; answer: Answer } }
  | { kind: 'refused'; state: ResponseState; refusal: Refusal }
  /** The update was handled before (a redelivery); nothing changed. */
  | { kind: 'duplicate'; state: ResponseState }
  | { kind: 'completed'; state: ResponseState }
  | { kind: 'missing' };

/**
 * Applies one step to the resident's response in the round. `responseId`
 * (from button data) must name that very response, or the press is stale.
 */
export function act(
  db: Db,
  input: Respondent & { responseId?: number; updateId: number; now: Date; action: Action },
): ActionOutcome {
  return inTransaction(db, (): ActionOutcome => {
    const state = load(db, input);
    if (!state) return { kind: 'missing' };
    if (input.responseId !== undefined && input.responseId !== state.id) {
      return { kind: 'refused', state, refusal: { reason: 'stale' } };
    }
    if (input.updateId <= state.lastUpdateId) return { kind: 'duplicate', state };
    if (state.status === 'completed') return { kind: 'completed', state };

    const questionnaire = input.round.questionnaire;
    const asked = state.cursor === null ? null : (findQuestion(questionnaire, state.cursor) ?? null);
    const refuse = (refusal: Refusal): ActionOutcome => ({ kind: 'refused', state, refusal });
    const stamp = { lastUpdateId: input.updateId, now: input.now };

    const applied = (changes: Partial<ResponseState>): ResponseState => ({
      ...state,
      ...changes,
      lastUpdateId: input.updateId,
    });
    const record = (question: Question, answer: Answer): ActionOutcome => {
      const { answers, dropped } = withAnswer(questionnaire, state.answers, question.id, answer);
      const score = answer.kind === 'option' ? scoreOf(question, answer.value) : null;
      saveAnswer(db, { responseId: state.id, questionId: question.id, answer, score, now: input.now });
      deleteAnswers(db, state.id, dropped);
      const cursor = nextQuestion(questionnaire, answers, question.id)?.id ?? null;
      updateResponse(db, state.id, { cursor, draft: null, ...stamp });
      return { kind: 'applied', state: applied({ answers, cursor, draft: null }), asked, recorded: { question, answer } };
    };

    const action = input.action;
    if (action.type === 'text') {
      if (!asked) return refuse({ reason: 'expects_submit' });
      if (asked.type !== 'text') return refuse({ reason: 'expects_buttons', question: asked });
      const checked = checkText(asked.max_length, action.text);
      if (!checked.ok) {
        return refuse(checked.reason === 'empty' ? { reason: 'empty_text' } : checked);
      }
      return record(asked, { kind: 'text', text: checked.text });
    }
    if (action.type === 'submit') {
      if (asked || firstUnanswered(questionnaire, state.answers)) return refuse({ reason: 'stale' });
      updateResponse(db, state.id, { status: 'completed', completedAt: input.now, ...stamp });
      return { kind: 'applied', state: applied({ status: 'completed' }), asked: null };
    }
    if (action.type === 'back') {
      if (action.questionId !== (asked?.id ?? null)) return refuse({ reason: 'stale' });
      const previous = previousQuestion(questionnaire, state.answers, action.questionId);
      if (!previous) return refuse({ reason: 'stale' });
      updateResponse(db, state.id, { cursor: previous.id, draft: null, ...stamp });
      return { kind: 'applied', state: applied({ cursor: previous.id, draft: null }), asked };
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
        const draft = selected.includes(option.value)
          ? selected.filter((value) => value !== option.value)
          : [...selected, option.value];
        updateResponse(db, state.id, { draft, ...stamp });
        return { kind: 'applied', state: applied({ draft }), asked };
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
  });
}

/** The options shown as selected on a multi question: the draft, else the stored answer. */
export function currentSelection(state: ResponseState, questionId: string): readonly string[] {
  if (state.cursor === questionId && state.draft) return state.draft;
  const answer = state.answers.get(questionId);
  return answer?.kind === 'options' ? answer.values : [];
}

/** Changes the language a response is shown in (the resident used /language). */
export function setResponseLanguage(db: Db, respondent: Respondent, language: Language, now: Date): ResponseState | null {
  return inTransaction(db, () => {
    const state = load(db, respondent);
    if (!state || state.status === 'completed') return state;
    updateResponse(db, state.id, { language, now });
    return { ...state, language };
  });
}

/** The resident's response in the round as stored, without changing it. */
export function currentResponse(db: Db, respondent: Respondent): ResponseState | null {
  return load(db, respondent);
}
