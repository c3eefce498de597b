import type { Update } from 'grammy/types';
import { inTransaction, statement, type Db } from './client.js';
import { writePendingPrompts } from './contacts.js';

/*
 * Queries of the durable inbox (schema: inbox_updates). Every statement is
 * prepared once: the inbox is written for every update Telegram delivers.
 */

export interface InboxRow {
  seq: number;
  updateId: number;
  queueKey: string;
  update: Update;
  attempts: number;
  /** Epoch ms; 0 when it may run at once. */
  retryAt: number;
  /** When it was stored (epoch ms): how old a button press is when it is handled. */
  receivedAt: number;
}

export type InboxOutcome = 'handled' | 'dropped' | 'failed';

/**
 * Stores updates in one transaction, skipping those already stored (a
 * redelivery), and returns the rows that are new, in arrival order.
 */
export function storeUpdates(
  db: Db,
  updates: readonly { update: Update; queueKey: string }[],
  now: Date,
): InboxRow[] {
  const insert = statement(
    db,
    'INSERT INTO inbox_updates (update_id, queue_key, payload, received_at) VALUES (?, ?, ?, ?) ON CONFLICT (update_id) DO NOTHING',
  );
  return inTransaction(db, () => {
    const stored: InboxRow[] = [];
    for (const { update, queueKey } of updates) {
      const result = insert.run(update.update_id, queueKey, JSON.stringify(update), now.getTime());
      if (result.changes === 0) continue;
      const seq = Number(result.lastInsertRowid);
      stored.push({ seq, updateId: update.update_id, queueKey, update, attempts: 0, retryAt: 0, receivedAt: now.getTime() });
    }
    return stored;
  });
}

/** Every unfinished row, oldest first: what a restart has to handle before anything new. */
export function unfinishedUpdates(db: Db): InboxRow[] {
  const rows = statement(
    db,
    'SELECT seq, update_id, queue_key, payload, attempts, retry_at, received_at FROM inbox_updates WHERE done_at IS NULL ORDER BY seq',
  ).all() as {
    seq: number;
    update_id: number;
    queue_key: string;
    payload: string;
    attempts: number;
    retry_at: number | null;
    received_at: number;
  }[];
  return rows.map((row) => ({
    seq: row.seq,
    updateId: row.update_id,
    queueKey: row.queue_key,
    update: JSON.parse(row.payload) as Update,
    attempts: row.attempts,
    retryAt: row.retry_at ?? 0,
    receivedAt: row.received_at,
  }));
}

/**
 * Marks rows finished in one transaction, with the live prompts their
 * updates recorded (db/contacts' recordPrompt). Neither the payload (who wrote
 * what) nor the chat is kept past handling: only the update id, to spot a
 * redelivery, which with a chat beside it would tie that chat to a response.
 */
export function finishUpdates(db: Db, finished: readonly { seq: number; outcome: InboxOutcome }[], now: Date): void {
  const finish = statement(db, "UPDATE inbox_updates SET done_at = ?, outcome = ?, payload = NULL, queue_key = '' WHERE seq = ?");
  // The live prompts these updates recorded are committed with their finished marks.
  const written = inTransaction(db, () => {
    for (const { seq, outcome } of finished) finish.run(now.getTime(), outcome, seq);
    return writePendingPrompts(db);
  });
  written();
}

/** Records a failed attempt and when to try again. */
export function postponeUpdate(db: Db, seq: number, attempts: number, retryAt: Date): void {
  statement(db, 'UPDATE inbox_updates SET attempts = ?, retry_at = ? WHERE seq = ?').run(attempts, retryAt.getTime(), seq);
}

/**
 * Forgets finished rows older than `before`. Telegram keeps an unconfirmed
 * update for 24 hours, so ids younger than that are kept to recognise it.
 */
export function pruneFinishedUpdates(db: Db, before: Date): number {
  return statement(db, 'DELETE FROM inbox_updates WHERE done_at IS NOT NULL AND done_at < ?').run(before.getTime()).changes;
}

/** Whether the update is finished (or was pruned, which only finished rows are). For operators and tests. */
export function isUpdateFinished(db: Db, updateId: number): boolean {
  const row = statement(db, 'SELECT done_at FROM inbox_updates WHERE update_id = ?').get(updateId) as
    | { done_at: number | null }
    | undefined;
  return row === undefined || row.done_at !== null;
}
