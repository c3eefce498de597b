import type { Answer } from '../questionnaire/engine.js';
import type { Language } from '../questionnaire/languages.js';
import { statement, type Db } from './client.js';
import { responsesBySource } from './sources.js';
import type { ResponseStatus } from '../questionnaire/walk.js';
import type { answers } from './schema.js';

export interface ResponseState {
  id: number;
  roundId: number;
  status: ResponseStatus;
  language: Language;
  cursor: string | null;
  draft: readonly string[] | null;
  lastUpdateId: number;
  answers: Map<string, Answer>;
}

type AnswerRow = typeof answers.$inferSelect;

/** How an answer is stored: an option value, a JSON list of values, or the text. */
export function answerToRow(answer: Answer): Pick<AnswerRow, 'value' | 'skipped'> {
  switch (answer.kind) {
    case 'skipped':
      return { value: null, skipped: true };
    case 'option':
      return { value: answer.value, skipped: false };
    case 'options':
      return { value: JSON.stringify(answer.values), skipped: false };
    case 'text':
      return { value: answer.text, skipped: false };
  }
}

function rowToAnswer(value: string | null, skipped: boolean, type: QuestionKind): Answer {
  if (skipped || value === null) return { kind: 'skipped' };
  if (type === 'multi') return { kind: 'options', values: JSON.parse(value) as string[] };
  if (type === 'text') return { kind: 'text', text: value };
  return { kind: 'option', value };
}

type QuestionKind = 'scale' | 'choice' | 'multi' | 'text';

interface RawResponse {
  id: number;
  round_id: number;
  status: ResponseStatus;
  language: string;
  cursor: string | null;
  draft: string | null;
  last_update_id: number;
}

/** A resident's response in a round with its answers, or null if they have not started. Prepared: read on every press. */
export function loadResponse(
  db: Db,
  roundId: number,
  respondentKey: string,
  typeOf: (questionId: string) => QuestionKind | undefined,
): ResponseState | null {
  const row = statement(
    db,
    'SELECT id, round_id, status, language, cursor, draft, last_update_id FROM responses WHERE round_id = ? AND respondent_key = ?',
  ).get(roundId, respondentKey) as RawResponse | undefined;
  if (!row) return null;
  const answerRows = statement(db, 'SELECT question_id, value, skipped FROM answers WHERE response_id = ?').all(row.id) as {
    question_id: string;
    value: string | null;
    skipped: number;
  }[];
  const map = new Map<string, Answer>();
  for (const answerRow of answerRows) {
    const type = typeOf(answerRow.question_id);
    // An answer to a question the round does not have is ignored rather than trusted.
    if (type) map.set(answerRow.question_id, rowToAnswer(answerRow.value, answerRow.skipped === 1, type));
  }
  return {
    id: row.id,
    roundId: row.round_id,
    status: row.status,
    language: row.language as Language,
    cursor: row.cursor,
    draft: row.draft === null ? null : (JSON.parse(row.draft) as string[]),
    lastUpdateId: row.last_update_id,
    answers: map,
  };
}

/** Starts a response and returns its id. */
export function insertResponse(
  db: Db,
  input: {
    roundId: number;
    respondentKey: string;
    language: Language;
    source: string | null;
    cursor: string | null;
    updateId: number;
    now: Date;
  },
): number {
  const result = statement(
    db,
    `INSERT INTO responses (round_id, respondent_key, status, language, source, cursor, last_update_id, started_at, updated_at)
     VALUES (?, ?, 'partial', ?, ?, ?, ?, ?, ?)`,
  ).run(
    input.roundId,
    input.respondentKey,
    input.language,
    input.source,
    input.cursor,
    input.updateId,
    input.now.getTime(),
    input.now.getTime(),
  );
  return Number(result.lastInsertRowid);
}

const RESPONSE_COLUMNS = {
  status: 'status',
  language: 'language',
  cursor: 'cursor',
  draft: 'draft',
  lastUpdateId: 'last_update_id',
  completedAt: 'completed_at',
  flags: 'flags',
} as const;

export function updateResponse(
  db: Db,
  id: number,
  changes: Partial<{
    status: ResponseStatus;
    language: Language;
    cursor: string | null;
    draft: readonly string[] | null;
    lastUpdateId: number;
    completedAt: Date;
    flags: number;
  }> & { now: Date },
): void {
  const { now, ...rest } = changes;
  const keys = (Object.keys(rest) as (keyof typeof RESPONSE_COLUMNS)[]).filter((key) => rest[key] !== undefined).sort();
  const values = keys.map((key) => {
    const value = rest[key];
    if (key === 'draft') return value === null ? null : JSON.stringify(value);
    return value instanceof Date ? value.getTime() : value;
  });
  // One prepared statement per set of columns changed: a handful in all.
  const sets = [...keys.map((key) => `${RESPONSE_COLUMNS[key]} = ?`), 'updated_at = ?'].join(', ');
  statement(db, `UPDATE responses SET ${sets} WHERE id = ?`).run(...values, now.getTime(), id);
}

export function saveAnswer(
  db: Db,
  input: { responseId: number; questionId: string; answer: Answer; score: number | null; now: Date },
): void {
  const { value, skipped } = answerToRow(input.answer);
  statement(
    db,
    `INSERT INTO answers (response_id, question_id, value, score, skipped, answered_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (response_id, question_id) DO UPDATE SET value = excluded.value, score = excluded.score,
       skipped = excluded.skipped, answered_at = excluded.answered_at`,
  ).run(input.responseId, input.questionId, value, input.score, skipped ? 1 : 0, input.now.getTime());
}

export function deleteAnswers(db: Db, responseId: number, questionIds: readonly string[]): void {
  const remove = statement(db, 'DELETE FROM answers WHERE response_id = ? AND question_id = ?');
  for (const questionId of questionIds) remove.run(responseId, questionId);
}

export interface SourceCount {
  source: string;
  started: number;
  completed: number;
}

/** Responses started and completed per deep-link tag of a round (no "direct"), most started first. */
export function sourceCounts(db: Db, roundId: number): SourceCount[] {
  return responsesBySource(db, [roundId])
    .flatMap(({ source, started, completed }) => (source === null ? [] : [{ source, started, completed }]))
    .sort((a, b) => b.started - a.started || (a.source < b.source ? -1 : a.source > b.source ? 1 : 0));
}
