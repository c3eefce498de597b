import { and, eq, inArray } from 'drizzle-orm';
import type { Answer } from '../questionnaire/engine.js';
import type { Language } from '../questionnaire/languages.js';
import type { Db } from './client.js';
import { answers, responses, type ResponseStatus } from './schema.js';

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

function rowToAnswer(row: AnswerRow, type: QuestionKind): Answer {
  if (row.skipped || row.value === null) return { kind: 'skipped' };
  if (type === 'multi') return { kind: 'options', values: JSON.parse(row.value) as string[] };
  if (type === 'text') return { kind: 'text', text: row.value };
  return { kind: 'option', value: row.value };
}

type QuestionKind = 'scale' | 'choice' | 'multi' | 'text';

/** A resident's response in a round with its answers, or null if they have not started. */
export function loadResponse(
  db: Db,
  roundId: number,
  respondentKey: string,
  typeOf: (questionId: string) => QuestionKind | undefined,
): ResponseState | null {
  const row = db
    .select()
    .from(responses)
    .where(and(eq(responses.roundId, roundId), eq(responses.respondentKey, respondentKey)))
    .get();
  if (!row) return null;
  const answerRows = db.select().from(answers).where(eq(answers.responseId, row.id)).all();
  const map = new Map<string, Answer>();
  for (const answerRow of answerRows) {
    const type = typeOf(answerRow.questionId);
    // An answer to a question the round does not have is ignored rather than trusted.
    if (type) map.set(answerRow.questionId, rowToAnswer(answerRow, type));
  }
  return {
    id: row.id,
    roundId: row.roundId,
    status: row.status,
    language: row.language as Language,
    cursor: row.cursor,
    draft: row.draft === null ? null : (JSON.parse(row.draft) as string[]),
    lastUpdateId: row.lastUpdateId,
    answers: map,
  };
}

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
): void {
  db.insert(responses)
    .values({
      roundId: input.roundId,
      respondentKey: input.respondentKey,
      language: input.language,
      source: input.source,
      cursor: input.cursor,
      lastUpdateId: input.updateId,
      startedAt: input.now,
      updatedAt: input.now,
    })
    .run();
}

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
  }> & { now: Date },
): void {
  const { now, draft, ...rest } = changes;
  db.update(responses)
    .set({
      ...rest,
      ...(draft === undefined ? {} : { draft: draft === null ? null : JSON.stringify(draft) }),
      updatedAt: now,
    })
    .where(eq(responses.id, id))
    .run();
}

export function saveAnswer(
  db: Db,
  input: { responseId: number; questionId: string; answer: Answer; score: number | null; now: Date },
): void {
  const row = { ...answerToRow(input.answer), score: input.score, answeredAt: input.now };
  db.insert(answers)
    .values({ responseId: input.responseId, questionId: input.questionId, ...row })
    .onConflictDoUpdate({ target: [answers.responseId, answers.questionId], set: row })
    .run();
}

export function deleteAnswers(db: Db, responseId: number, questionIds: readonly string[]): void {
  if (questionIds.length === 0) return;
  db.delete(answers)
    .where(and(eq(answers.responseId, responseId), inArray(answers.questionId, [...questionIds])))
    .run();
}
