import type { Answer } from '../questionnaire/engine.js';
import type { Language } from '../questionnaire/languages.js';
import type { Questionnaire } from '../questionnaire/schema.js';
import type { Walk } from '../questionnaire/walk.js';
import { statement, type Db } from './client.js';

/** An admin's preview as stored: where they stand, and the chat's live preview prompt. */
export interface Preview extends Walk {
  chatId: number;
  questionnaire: Questionnaire;
  language: Language;
  answers: Map<string, Answer>;
  lastUpdateId: number;
  promptMessageId: number | null;
  promptShows: string | null;
}

interface RawPreview {
  id: number;
  chat_id: number;
  questionnaire: string;
  language: string;
  cursor: string | null;
  answers: string;
  draft: string | null;
  last_update_id: number;
  prompt_message_id: number | null;
  prompt_shows: string | null;
}

/** The chat's preview, if one is under way. Read on every update of an admin's private chat, so prepared. */
export function findPreview(db: Db, chatId: number): Preview | undefined {
  const row = statement(db, 'SELECT * FROM previews WHERE chat_id = ?').get(chatId) as RawPreview | undefined;
  if (!row) return undefined;
  return {
    id: row.id,
    // A preview that is submitted ends (its row is deleted), so a stored one is always under way.
    status: 'partial',
    chatId: row.chat_id,
    // Written by this bot from a validated questionnaire, so trusted here.
    questionnaire: JSON.parse(row.questionnaire) as Questionnaire,
    language: row.language as Language,
    cursor: row.cursor,
    answers: new Map(Object.entries(JSON.parse(row.answers) as Record<string, Answer>)),
    draft: row.draft === null ? null : (JSON.parse(row.draft) as string[]),
    lastUpdateId: row.last_update_id,
    promptMessageId: row.prompt_message_id,
    promptShows: row.prompt_shows,
  };
}

const answersJson = (answers: ReadonlyMap<string, Answer>) => JSON.stringify(Object.fromEntries(answers));
const draftJson = (draft: readonly string[] | null) => (draft === null ? null : JSON.stringify(draft));

/**
 * Begins the chat's preview afresh, replacing any earlier one (under a new
 * id). The earlier one's live prompt is carried over, so that showing the new
 * preview's first question retires it.
 */
export function replacePreview(
  db: Db,
  input: { chatId: number; questionnaire: Questionnaire; language: Language; cursor: string | null; updateId: number; now: Date },
): Preview {
  const earlier = findPreview(db, input.chatId);
  statement(db, 'DELETE FROM previews WHERE chat_id = ?').run(input.chatId);
  const { lastInsertRowid } = statement(
    db,
    `INSERT INTO previews (chat_id, questionnaire, language, cursor, answers, draft, last_update_id, prompt_message_id, prompt_shows, started_at, updated_at)
     VALUES (?, ?, ?, ?, '{}', NULL, ?, ?, ?, ?, ?)`,
  ).run(
    input.chatId,
    JSON.stringify(input.questionnaire),
    input.language,
    input.cursor,
    input.updateId,
    earlier?.promptMessageId ?? null,
    earlier?.promptShows ?? null,
    input.now.getTime(),
    input.now.getTime(),
  );
  return {
    id: Number(lastInsertRowid),
    status: 'partial',
    chatId: input.chatId,
    questionnaire: input.questionnaire,
    language: input.language,
    cursor: input.cursor,
    answers: new Map(),
    draft: null,
    lastUpdateId: input.updateId,
    promptMessageId: earlier?.promptMessageId ?? null,
    promptShows: earlier?.promptShows ?? null,
  };
}

/** Stores one step of a preview: where it stands and the update that moved it, in one statement. */
export function savePreviewWalk(db: Db, preview: Preview, now: Date): void {
  statement(db, 'UPDATE previews SET cursor = ?, answers = ?, draft = ?, last_update_id = ?, updated_at = ? WHERE id = ?').run(
    preview.cursor,
    answersJson(preview.answers),
    draftJson(preview.draft),
    preview.lastUpdateId,
    now.getTime(),
    preview.id,
  );
}

/** Records the preview's live prompt and what it shows (null: none). */
export function setPreviewPrompt(db: Db, previewId: number, prompt: { messageId: number; shows: string } | null): void {
  statement(db, 'UPDATE previews SET prompt_message_id = ?, prompt_shows = ? WHERE id = ?').run(
    prompt?.messageId ?? null,
    prompt?.shows ?? null,
    previewId,
  );
}

/** Ends a preview: nothing of it is kept. */
export function deletePreview(db: Db, previewId: number): void {
  statement(db, 'DELETE FROM previews WHERE id = ?').run(previewId);
}
