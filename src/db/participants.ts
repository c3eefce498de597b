import { statement, type Db } from './client.js';

/*
 * Who took part in a round, for "you said, we did" alone: a chat id per
 * round, recorded when a resident starts a response, with no time and no
 * link to the response (the table keeps rows in chat id order, not in order
 * of arrival). Rows go as the feedback reaches each chat, the rest once it
 * has gone out, and all of a round's 90 days after its close if no feedback
 * is sent.
 */

/** How long after a round's close the list of who took part is kept when no feedback is sent. */
export const PARTICIPANTS_KEPT_DAYS = 90;
const DAY_MS = 86_400_000;

/** Records that a chat took part in a round (once; a second start changes nothing). */
export function recordParticipant(db: Db, roundId: number, chatId: number): void {
  statement(db, 'INSERT OR IGNORE INTO round_participants (round_id, chat_id) VALUES (?, ?)').run(roundId, chatId);
}

export function countParticipants(db: Db, roundId: number): number {
  return (statement(db, 'SELECT count(*) AS n FROM round_participants WHERE round_id = ?').get(roundId) as { n: number }).n;
}

/** Chats of a round still to be sent its feedback, a page at a time, in chat id order. */
export function participantsPage(db: Db, roundId: number, limit: number): number[] {
  return statement(db, 'SELECT chat_id FROM round_participants WHERE round_id = ? ORDER BY chat_id LIMIT ?')
    .pluck()
    .all(roundId, limit) as number[];
}

/** Takes a chat off a round's list (it has been sent the feedback, or is left out). */
export function forgetParticipant(db: Db, roundId: number, chatId: number): void {
  statement(db, 'DELETE FROM round_participants WHERE round_id = ? AND chat_id = ?').run(roundId, chatId);
}

export function forgetParticipants(db: Db, roundId: number): number {
  return statement(db, 'DELETE FROM round_participants WHERE round_id = ?').run(roundId).changes;
}

/**
 * Deletes the lists of rounds closed more than PARTICIPANTS_KEPT_DAYS ago
 * whose feedback is not on its way; returns the rows deleted.
 */
export function sweepParticipants(db: Db, now: Date): number {
  return statement(
    db,
    `DELETE FROM round_participants WHERE round_id IN (
       SELECT id FROM rounds WHERE closed_at IS NOT NULL AND closed_at < ?
         AND id NOT IN (SELECT round_id FROM round_feedback WHERE status = 'sending'))`,
  ).run(now.getTime() - PARTICIPANTS_KEPT_DAYS * DAY_MS).changes;
}
