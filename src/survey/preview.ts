import { inTransaction, type Db } from '../db/client.js';
import { findPreview, replacePreview, savePreviewWalk, type Preview } from '../db/previews.js';
import { firstUnanswered } from '../questionnaire/engine.js';
import type { Language } from '../questionnaire/languages.js';
import type { Questionnaire } from '../questionnaire/schema.js';
import { stepStored, type ActionOutcome } from './actions.js';
import type { Action } from '../questionnaire/walk.js';

/*
 * An admin's preview of a questionnaire, step by step as a resident's
 * response goes (the same pure step, questionnaire/walk.ts), but written to the
 * chat's preview row only: never to responses or answers, so nothing of it
 * is counted, exported, announced or reminded of.
 */

export type PreviewStart =
  | { kind: 'started'; preview: Preview }
  /** The same /preview again (a redelivery, or a retry after its reply failed): nothing changed. */
  | { kind: 'duplicate'; preview: Preview };

/** Begins a preview of `questionnaire` in the chat, from its first question, replacing any earlier one. */
export function startPreview(
  db: Db,
  input: { chatId: number; questionnaire: Questionnaire; language: Language; updateId: number; now: Date },
): PreviewStart {
  return inTransaction(db, (): PreviewStart => {
    const existing = findPreview(db, input.chatId);
    if (existing && input.updateId <= existing.lastUpdateId) return { kind: 'duplicate', preview: existing };
    const cursor = firstUnanswered(input.questionnaire, new Map())?.id ?? null;
    return { kind: 'started', preview: replacePreview(db, { ...input, cursor }) };
  });
}

/**
 * Applies one step to the chat's preview. `previewId` (from button data)
 * must name this very preview. Submit is not written: the preview ends once
 * its end is shown (`deletePreview`), so a retry of that update shows it again.
 */
export function actOnPreview(
  db: Db,
  input: { chatId: number; previewId?: number; updateId: number; now: Date; action: Action },
): ActionOutcome<Preview> {
  return inTransaction(db, () => {
    const preview = findPreview(db, input.chatId);
    if (!preview) return { kind: 'missing' };
    const request = { walkId: input.previewId, updateId: input.updateId, action: input.action };
    return stepStored(preview.questionnaire, preview, request, ({ state }) => {
      if (state.status !== 'completed') savePreviewWalk(db, state, input.now);
    });
  });
}
