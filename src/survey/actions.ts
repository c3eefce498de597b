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
import { findQuestion, firstUnanswered, scoreOf, type Answer } from '../questionnaire/engine.js';
import { flagsAtSubmit } from '../figures/quality.js';
import type { Language } from '../questionnaire/languages.js';
import type { Question, Questionnaire } from '../questionnaire/schema.js';
import { step, type Action, type Refusal, type Step, type Walk } from '../questionnaire/walk.js';

/*
 * What a resident does to their response, each step one transaction: read
 * the stored state, check the step against it, compute the new state in
 * memory (questionnaire/walk.ts), write only what changed. The caller replies only after this
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

export type { Action, Refusal } from '../questionnaire/walk.js';

export type ActionOutcome<S extends Walk = ResponseState> =
  /** `recorded` is set when a question was answered (or skipped); `asked` is where the cursor was. */
  | { kind: 'applied'; state: S; asked: Question | null; recorded?: { question: Question; answer: Answer } }
  | { kind: 'refused'; state: S; refusal: Refusal }
  /** The update was handled before (a redelivery); nothing changed. */
  | { kind: 'duplicate'; state: S }
  | { kind: 'completed'; state: S }
  | { kind: 'missing' };

/**
 * The checks every stored walk makes before a step (the press names this very
 * walk, the update is new), then the step; `write` stores what it changed.
 */
export function stepStored<S extends Walk & { lastUpdateId: number }>(
  questionnaire: Questionnaire,
  state: S | null,
  input: { walkId: number | undefined; updateId: number; action: Action },
  write: (applied: Step<S> & { kind: 'applied' }) => void,
): ActionOutcome<S> {
  if (!state) return { kind: 'missing' };
  if (input.walkId !== undefined && input.walkId !== state.id) {
    return { kind: 'refused', state, refusal: { reason: 'stale' } };
  }
  if (input.updateId <= state.lastUpdateId) return { kind: 'duplicate', state };
  if (state.status === 'completed') return { kind: 'completed', state };
  const result = step(questionnaire, state, input.action);
  if (result.kind === 'refused') return { kind: 'refused', state, refusal: result.refusal };
  const applied = { ...result, state: { ...result.state, lastUpdateId: input.updateId } };
  write(applied);
  return { kind: 'applied', state: applied.state, asked: result.asked, ...(result.recorded ? { recorded: result.recorded } : {}) };
}

/**
 * Applies one step to the resident's response in the round. `responseId`
 * (from button data) must name that very response, or the press is stale.
 */
export function act(
  db: Db,
  input: Respondent & { responseId?: number; updateId: number; now: Date; action: Action },
): ActionOutcome {
  return inTransaction(db, (): ActionOutcome => {
    const request = { walkId: input.responseId, updateId: input.updateId, action: input.action };
    return stepStored(input.round.questionnaire, load(db, input), request, ({ state, recorded }) => {
      const stamp = { lastUpdateId: input.updateId, now: input.now };
      if (recorded) {
        const { question, answer, dropped } = recorded;
        const score = answer.kind === 'option' ? scoreOf(question, answer.value) : null;
        saveAnswer(db, { responseId: state.id, questionId: question.id, answer, score, now: input.now });
        deleteAnswers(db, state.id, dropped);
        updateResponse(db, state.id, { cursor: state.cursor, draft: null, ...stamp });
      } else if (state.status === 'completed') {
        const flags = flagsAtSubmit(input.round.questionnaire, state.answers);
        updateResponse(db, state.id, { status: 'completed', completedAt: input.now, flags, ...stamp });
      } else {
        updateResponse(db, state.id, { cursor: state.cursor, draft: state.draft, ...stamp });
      }
    });
  });
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
