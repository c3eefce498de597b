import { describe, expect, it } from 'vitest';
import { inTransaction, openDatabase } from '../../src/db/client.js';
import { findContact, recordPrompt, touchContact, writePendingPrompts } from '../../src/db/contacts.js';
import { finishUpdates } from '../../src/db/inbox.js';
import { insertResponse } from '../../src/db/responses.js';
import { closeOpenRound, openRound } from '../../src/db/rounds.js';
import { defaultQuestionnaire } from '../helpers/questionnaires.js';

/*
 * A chat's live prompt is recorded once per update and written with the
 * update's finished mark, in the inbox's batched transaction: until then
 * readers see the record, a write that fails keeps it, and a round that
 * closes meanwhile leaves it naming none of its responses.
 */

const CHAT = 7001;

function withContact() {
  const db = openDatabase(':memory:');
  touchContact(db, CHAT, new Date(), 'en');
  return db;
}

const written = (db: ReturnType<typeof openDatabase>) =>
  db.$client.prepare('SELECT prompt_message_id AS messageId, prompt_shows AS shows FROM contacts WHERE chat_id = ?').get(CHAT);

describe('live-prompt records', () => {
  it('are seen by readers of the contact at once and written with the finished marks', () => {
    const db = withContact();
    recordPrompt(db, CHAT, { messageId: 41, shows: '1:q2:en' });
    expect(written(db)).toEqual({ messageId: null, shows: null });
    expect(findContact(db, CHAT)).toMatchObject({ promptMessageId: 41, promptShows: '1:q2:en' });
    expect(touchContact(db, CHAT, new Date(), 'en')).toMatchObject({ promptMessageId: 41, promptShows: '1:q2:en' });

    finishUpdates(db, [], new Date());
    expect(written(db)).toEqual({ messageId: 41, shows: '1:q2:en' });

    // "No live prompt" is a record too.
    recordPrompt(db, CHAT, null);
    expect(findContact(db, CHAT)).toMatchObject({ promptMessageId: null, promptShows: null });
    finishUpdates(db, [], new Date());
    expect(written(db)).toEqual({ messageId: null, shows: null });
  });

  it('stay pending when the transaction that writes them is rolled back', () => {
    const db = withContact();
    recordPrompt(db, CHAT, { messageId: 42, shows: '1:q3:en' });
    expect(() =>
      inTransaction(db, () => {
        writePendingPrompts(db);
        throw new Error('disk trouble');
      }),
    ).toThrow('disk trouble');
    expect(written(db)).toEqual({ messageId: null, shows: null });
    expect(findContact(db, CHAT)?.promptMessageId).toBe(42);
    finishUpdates(db, [], new Date());
    expect(written(db)).toEqual({ messageId: 42, shows: '1:q3:en' });
  });

  it('name no response of a round that closed before they were written', () => {
    const db = withContact();
    openRound(db, { title: 'Pending', questionnaire: defaultQuestionnaire(), now: new Date() });
    const responseId = insertResponse(db, { roundId: 1, respondentKey: 'k'.repeat(64), language: 'en', source: null, cursor: 'q1', updateId: 1, now: new Date() });
    recordPrompt(db, CHAT, { messageId: 43, shows: `${responseId}:q1:en` });
    closeOpenRound(db, new Date());
    expect(findContact(db, CHAT)).toMatchObject({ promptMessageId: 43, promptShows: 'closed' });
    finishUpdates(db, [], new Date());
    expect(written(db)).toEqual({ messageId: 43, shows: 'closed' });
  });
});
