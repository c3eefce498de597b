import { existsSync, readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { keyFilePath, respondentKey } from '../../src/privacy/pseudonym.js';
import { findQuestion, optionsOf, scoreOf, applicableQuestions, firstUnanswered, type Answer } from '../../src/questionnaire/engine.js';
import type { Questionnaire } from '../../src/questionnaire/schema.js';

/*
 * Reads the bot's SQLite database from outside (read-only), as an operator
 * would, and checks what must hold of the stored survey data whatever
 * happened: crashes, faults or junk input.
 */

export interface StoredResponse {
  id: number;
  roundId: number;
  respondentKey: string;
  status: string;
  cursor: string | null;
  draft: string | null;
  answers: Map<string, Answer>;
}

interface ResponseRow {
  id: number;
  round_id: number;
  respondent_key: string;
  status: string;
  cursor: string | null;
  draft: string | null;
}

interface AnswerRow {
  response_id: number;
  question_id: string;
  value: string | null;
  score: number | null;
  skipped: number;
}

interface RoundRow {
  id: number;
  questionnaire: string;
}

export interface SurveySnapshot {
  rounds: Map<number, Questionnaire>;
  responses: StoredResponse[];
  /** Raw answer rows, for checks that must see what a loader would ignore. */
  answerRows: AnswerRow[];
  secret: string | undefined;
}

/** Opens a better-sqlite3 database (read-only by default) or an existing handle, and reads everything. */
export function readSurvey(source: string | Database.Database): SurveySnapshot {
  const db = typeof source === 'string' ? new Database(source, { readonly: true, fileMustExist: true }) : source;
  try {
    const rounds = new Map<number, Questionnaire>();
    for (const row of db.prepare('select id, questionnaire from rounds').all() as RoundRow[]) {
      rounds.set(row.id, JSON.parse(row.questionnaire) as Questionnaire);
    }
    const responseRows = db
      .prepare('select id, round_id, respondent_key, status, cursor, draft from responses order by id')
      .all() as ResponseRow[];
    const answerRows = db
      .prepare('select response_id, question_id, value, score, skipped from answers order by response_id')
      .all() as AnswerRow[];
    // The secret lives in the key file beside the database (privacy/pseudonym.ts).
    const keyFile = keyFilePath(db.name);
    const secret = existsSync(keyFile) ? readFileSync(keyFile, 'utf8').trim() : undefined;
    const responses = responseRows.map((row): StoredResponse => {
      const questionnaire = rounds.get(row.round_id);
      const answers = new Map<string, Answer>();
      for (const answer of answerRows.filter((a) => a.response_id === row.id)) {
        const question = questionnaire && findQuestion(questionnaire, answer.question_id);
        if (!question) continue;
        answers.set(answer.question_id, toAnswer(question.type, answer));
      }
      return {
        id: row.id,
        roundId: row.round_id,
        respondentKey: row.respondent_key,
        status: row.status,
        cursor: row.cursor,
        draft: row.draft,
        answers,
      };
    });
    return { rounds, responses, answerRows, secret };
  } finally {
    if (typeof source === 'string') db.close();
  }
}

function toAnswer(type: string, row: AnswerRow): Answer {
  if (row.skipped || row.value === null) return { kind: 'skipped' };
  if (type === 'multi') return { kind: 'options', values: JSON.parse(row.value) as string[] };
  if (type === 'text') return { kind: 'text', text: row.value };
  return { kind: 'option', value: row.value };
}

/** The responses of one Telegram user (by the HMAC key the bot stores instead of the id). */
export function responsesOf(snapshot: SurveySnapshot, userId: number): StoredResponse[] {
  if (snapshot.secret === undefined) throw new Error('the database has no pseudonym secret');
  const key = respondentKey(snapshot.secret, userId);
  return snapshot.responses.filter((response) => response.respondentKey === key);
}

/** A comparable form of an answer (what would be exported). */
export function answerKey(answer: Answer | undefined): string {
  if (!answer) return '(none)';
  switch (answer.kind) {
    case 'skipped':
      return '(skipped)';
    case 'option':
      return `option:${answer.value}`;
    case 'options':
      return `options:${JSON.stringify(answer.values)}`;
    case 'text':
      return `text:${answer.text}`;
  }
}

export function answersKey(answers: ReadonlyMap<string, Answer>): Record<string, string> {
  return Object.fromEntries([...answers].sort(([a], [b]) => (a < b ? -1 : 1)).map(([id, a]) => [id, answerKey(a)]));
}

/**
 * Every invariant of stored survey data; returns the violations (empty when
 * the data is valid), so a test can print them all at once.
 */
export function surveyInvariantViolations(snapshot: SurveySnapshot): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  const byId = new Map(snapshot.responses.map((r) => [r.id, r]));
  for (const response of snapshot.responses) {
    const where = `response ${response.id}`;
    const pair = `${response.roundId}|${response.respondentKey}`;
    if (seen.has(pair)) problems.push(`${where}: a second response of one respondent in round ${response.roundId}`);
    seen.add(pair);
    const questionnaire = snapshot.rounds.get(response.roundId);
    if (!questionnaire) {
      problems.push(`${where}: round ${response.roundId} does not exist`);
      continue;
    }
    if (!['partial', 'completed'].includes(response.status)) problems.push(`${where}: status ${response.status}`);
    if (response.cursor !== null && !findQuestion(questionnaire, response.cursor)) {
      problems.push(`${where}: cursor ${response.cursor} is not a question of its round`);
    }
    if (response.draft !== null) {
      const question = response.cursor === null ? undefined : findQuestion(questionnaire, response.cursor);
      const values = parseArray(response.draft);
      const allowed = new Set(question ? optionsOf(question).map((o) => o.value) : []);
      if (!values || question?.type !== 'multi' || !values.every((v) => allowed.has(v))) {
        problems.push(`${where}: draft ${response.draft} does not fit the question at the cursor`);
      }
    }
    const applicable = new Set(applicableQuestions(questionnaire, response.answers).map((q) => q.id));
    for (const id of response.answers.keys()) {
      if (!applicable.has(id)) problems.push(`${where}: an answer to ${id}, which does not apply`);
    }
    if (response.status === 'completed') {
      const missing = firstUnanswered(questionnaire, response.answers);
      if (missing) problems.push(`${where}: completed without an answer to ${missing.id}`);
    }
  }
  for (const row of snapshot.answerRows) {
    const response = byId.get(row.response_id);
    const where = `answer ${row.response_id}/${row.question_id}`;
    if (!response) {
      problems.push(`${where}: no such response`);
      continue;
    }
    const questionnaire = snapshot.rounds.get(response.roundId);
    const question = questionnaire && findQuestion(questionnaire, row.question_id);
    if (!question) {
      problems.push(`${where}: not a question of round ${response.roundId}`);
      continue;
    }
    if (row.skipped) {
      const skippable = question.optional === true;
      if (!skippable) problems.push(`${where}: skipped, but the question is not optional`);
      if (row.value !== null) problems.push(`${where}: skipped with a value`);
      continue;
    }
    if (row.value === null) {
      problems.push(`${where}: no value and not skipped`);
      continue;
    }
    const allowed = new Set(optionsOf(question).map((o) => o.value));
    switch (question.type) {
      case 'scale':
      case 'choice':
        if (!allowed.has(row.value)) problems.push(`${where}: value ${JSON.stringify(row.value)} is not an option`);
        if (row.score !== scoreOf(question, row.value)) problems.push(`${where}: score ${row.score} does not fit ${row.value}`);
        break;
      case 'multi': {
        const values = parseArray(row.value);
        if (!values || values.length === 0 || !values.every((v) => allowed.has(v))) {
          problems.push(`${where}: ${row.value} is not a non-empty JSON array of option values`);
        } else if (new Set(values).size !== values.length) {
          problems.push(`${where}: ${row.value} repeats a value`);
        }
        break;
      }
      case 'text': {
        const length = [...row.value].length;
        if (length === 0 || length > question.max_length || row.value.trim() !== row.value) {
          problems.push(`${where}: text of ${length} characters (max ${question.max_length}) or untrimmed`);
        }
        break;
      }
    }
  }
  return problems;
}

function parseArray(json: string): string[] | undefined {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : undefined;
  } catch {
    return undefined;
  }
}

/** PRAGMA integrity_check and foreign_key_check, opened read-only. */
export function databaseIntegrity(path: string): { integrity: string; foreignKeyProblems: number } {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const integrity = (db.pragma('integrity_check', { simple: true }) as string) ?? 'no answer';
    const foreignKeyProblems = (db.pragma('foreign_key_check') as unknown[]).length;
    return { integrity, foreignKeyProblems };
  } finally {
    db.close();
  }
}
