import { randomBytes } from 'node:crypto';
import { eraseWal, inTransaction, statement, type Db } from './client.js';

/**
 * Cuts every tie between a round's responses and the chats that gave them,
 * in the transaction that closes the round: each response gets a random key
 * in place of the HMAC of its user id (so even the database with its secret
 * cannot find a chat's answers any more), forgets the last update applied to
 * it (the inbox keeps update ids for a day), and no contact row keeps
 * pointing at one of them as its live prompt. Returns the responses unlinked.
 */
export function unlinkRespondents(db: Db, roundId: number): number {
  const ids = statement(db, 'SELECT id FROM responses WHERE round_id = ?').pluck().all(roundId) as number[];
  const rekey = statement(db, 'UPDATE responses SET respondent_key = ?, last_update_id = 0 WHERE id = ?');
  // Same form as an HMAC (64 hex digits), from the operating system's CSPRNG.
  for (const id of ids) rekey.run(randomBytes(32).toString('hex'), id);
  // A live prompt is recorded as "<response id>:<question>:<language>"; the
  // message id stays, so the next prompt still takes the old buttons off.
  statement(
    db,
    `UPDATE contacts SET prompt_shows = 'closed'
     WHERE prompt_shows IS NOT NULL AND CAST(prompt_shows AS INTEGER) IN (SELECT id FROM responses WHERE round_id = ?)`,
  ).run(roundId);
  if (ids.length > 0) {
    db.$client.exec('REINDEX responses_one_per_respondent');
    writeContactsAfresh(db);
  }
  return ids.length;
}

/**
 * secure_delete zeroes a deleted cell, but a cell that moves to another page
 * (index entries when the keys are rewritten; contact rows, which grow and
 * shrink with the live prompt at every step) can leave a stale copy in the
 * free space of the page it left: a key, or a prompt record naming a
 * response beside its chat. So the close rebuilds the respondent index
 * (REINDEX, above) and writes the contacts table afresh, in chat id order:
 * every page they used is freed, and freed pages are zeroed. Contacts hold
 * one row per chat: this takes milliseconds, once per round. (Nothing
 * references contacts.)
 */
function writeContactsAfresh(db: Db): void {
  db.$client.exec(`
    CREATE TEMP TABLE contacts_afresh AS SELECT * FROM main.contacts;
    DELETE FROM main.contacts;
    INSERT INTO main.contacts SELECT * FROM temp.contacts_afresh ORDER BY chat_id;
    DROP TABLE temp.contacts_afresh;
  `);
}

/**
 * An update in flight as its round closed may still record its live prompt
 * afterwards (prompts are written when the update is done), naming a
 * response of the closed round. Run every minute (with the deadlines), this
 * takes such a name off again; returns how many there were.
 */
export function unlinkLatePrompts(db: Db): number {
  const unlinked = inTransaction(db, () => {
    const changes = statement(
      db,
      `UPDATE contacts SET prompt_shows = 'closed'
       WHERE prompt_shows GLOB '[0-9]*' AND EXISTS (
         SELECT 1 FROM responses r JOIN rounds o ON o.id = r.round_id
         WHERE r.id = CAST(contacts.prompt_shows AS INTEGER) AND o.closed_at IS NOT NULL)`,
    ).run().changes;
    // As at the close: no copy of those records is left in free space (and, below, in the WAL).
    if (changes > 0) writeContactsAfresh(db);
    return changes;
  });
  if (unlinked > 0) eraseWal(db);
  return unlinked;
}
