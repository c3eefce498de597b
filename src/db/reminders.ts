import { statement, type Db } from './client.js';

/*
 * Queries of reminders (bot/outbound/reminders.ts). What a response was sent is kept
 * on the response itself, never on the contact: the contact list stays
 * without any link to answers.
 */

export type ReminderKind = 'reminder' | 'last_call';

export interface DueReminder {
  responseId: number;
  respondentKey: string;
  kind: ReminderKind;
}

/**
 * Unfinished responses of the round that are due a reminder, oldest activity
 * first: a reminder when their last answer is older than `remindBefore`, the
 * last call (when `lastCallBefore` is given: the round closes within a day)
 * when it is older than that. A response due both gets the last call only.
 */
export function dueReminders(db: Db, roundId: number, remindBefore: Date, lastCallBefore: Date | null, limit: number): DueReminder[] {
  const rows = statement(
    db,
    `SELECT id, respondent_key, (:lastCall IS NOT NULL AND last_called_at IS NULL AND updated_at <= :lastCall) AS lastCall
     FROM responses
     WHERE round_id = :round AND status = 'partial'
       AND ((reminded_at IS NULL AND updated_at <= :remind)
         OR (:lastCall IS NOT NULL AND last_called_at IS NULL AND updated_at <= :lastCall))
     ORDER BY updated_at, id LIMIT :limit`,
  ).all({ round: roundId, remind: remindBefore.getTime(), lastCall: lastCallBefore?.getTime() ?? null, limit }) as {
    id: number;
    respondent_key: string;
    lastCall: number;
  }[];
  return rows.map((row) => ({ responseId: row.id, respondentKey: row.respondent_key, kind: row.lastCall ? 'last_call' : 'reminder' }));
}

/**
 * Takes a reminder in hand before it is sent, so it is never sent twice; false
 * when it was taken already or the response is finished. The last call
 * counts as the reminder too: nobody is reminded after it.
 */
export function claimReminder(db: Db, responseId: number, kind: ReminderKind, now: Date): boolean {
  const sql =
    kind === 'reminder'
      ? `UPDATE responses SET reminded_at = :now WHERE id = :id AND reminded_at IS NULL AND status = 'partial'`
      : `UPDATE responses SET last_called_at = :now, reminded_at = coalesce(reminded_at, :now)
         WHERE id = :id AND last_called_at IS NULL AND status = 'partial'`;
  return statement(db, sql).run({ id: responseId, now: now.getTime() }).changes === 1;
}

/** Gives back a reminder taken at `claimedAt` whose sending failed for a reason that passes, to be tried again. */
export function releaseReminder(db: Db, responseId: number, kind: ReminderKind, claimedAt: Date): void {
  const sql =
    kind === 'reminder'
      ? `UPDATE responses SET reminded_at = NULL WHERE id = :id AND reminded_at = :at`
      : `UPDATE responses SET last_called_at = NULL,
           reminded_at = CASE WHEN reminded_at = :at THEN NULL ELSE reminded_at END
         WHERE id = :id AND last_called_at = :at`;
  statement(db, sql).run({ id: responseId, at: claimedAt.getTime() });
}
