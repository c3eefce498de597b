import { statement, type Db } from './client.js';
import type { FeedbackStatus } from './schema.js';

/* "You said, we did": an admin's message to those who took part in a closed round, from draft to sent. */

export interface Feedback {
  id: number;
  roundId: number;
  text: string;
  status: FeedbackStatus;
  participants: number;
  delivered: number;
  skipped: number;
}

const COLUMNS = 'id, round_id AS roundId, text, status, participants, delivered, skipped';

export function insertFeedbackDraft(db: Db, roundId: number, text: string, now: Date): Feedback {
  return statement(
    db,
    `INSERT INTO round_feedback (round_id, text, status, created_at) VALUES (?, ?, 'draft', ?) RETURNING ${COLUMNS}`,
  ).get(roundId, text, now.getTime()) as Feedback;
}

export function findFeedback(db: Db, id: number): Feedback | undefined {
  return statement(db, `SELECT ${COLUMNS} FROM round_feedback WHERE id = ?`).get(id) as Feedback | undefined;
}

/** The round's feedback that is sending or sent, if any. */
export function findSentFeedback(db: Db, roundId: number): Feedback | undefined {
  return statement(db, `SELECT ${COLUMNS} FROM round_feedback WHERE round_id = ? AND status IN ('sending', 'sent')`).get(roundId) as
    | Feedback
    | undefined;
}

/** Feedback confirmed but not yet through (a restart cut it short). */
export function feedbackInProgress(db: Db): Feedback[] {
  return statement(db, `SELECT ${COLUMNS} FROM round_feedback WHERE status = 'sending' ORDER BY id`).all() as Feedback[];
}

/**
 * Confirms a draft: it becomes the round's feedback, meant for `participants`
 * chats. False when it is no draft any more, or the round already has one
 * on its way (the unique index refuses a second).
 */
export function confirmFeedback(db: Db, id: number, participants: number, now: Date): boolean {
  try {
    return (
      statement(
        db,
        `UPDATE round_feedback SET status = 'sending', participants = ?, confirmed_at = ? WHERE id = ? AND status = 'draft'`,
      ).run(participants, now.getTime(), id).changes > 0
    );
  } catch (error) {
    if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') return false;
    throw error;
  }
}

export function cancelFeedback(db: Db, id: number): boolean {
  return statement(db, `UPDATE round_feedback SET status = 'cancelled' WHERE id = ? AND status = 'draft'`).run(id).changes > 0;
}

export function countFeedback(db: Db, id: number, outcome: 'delivered' | 'skipped'): void {
  statement(db, `UPDATE round_feedback SET ${outcome} = ${outcome} + 1 WHERE id = ?`).run(id);
}

export function finishFeedback(db: Db, id: number, now: Date): void {
  statement(db, `UPDATE round_feedback SET status = 'sent', finished_at = ? WHERE id = ? AND status = 'sending'`).run(now.getTime(), id);
}
