import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase, type Db } from '../../src/db/client.js';
import { confirmFeedback, insertFeedbackDraft } from '../../src/db/feedback.js';
import { countParticipants, participantsPage, recordParticipant, sweepParticipants } from '../../src/db/participants.js';
import { closeOpenRound, openRound } from '../../src/db/rounds.js';
import { defaultQuestionnaire } from '../helpers/questionnaires.js';

const DAY = 86_400_000;
let db: Db;

beforeEach(() => {
  db = openDatabase(':memory:');
});
afterEach(() => closeDatabase(db));

/** Opens and closes a round at `closedAt`, with `chats` taking part. */
function closedRound(closedAt: number, chats: number[]): number {
  const opened = openRound(db, { title: 'r', questionnaire: defaultQuestionnaire(), now: new Date(closedAt - DAY) });
  if (!opened.ok) throw new Error('a round is open');
  for (const chat of chats) recordParticipant(db, opened.round.id, chat);
  closeOpenRound(db, new Date(closedAt));
  return opened.round.id;
}

describe('who took part in a round', () => {
  it('is recorded once per chat and kept in chat id order, not in order of arrival', () => {
    const round = closedRound(10 * DAY, [30, 10, 20, 10]);
    expect(countParticipants(db, round)).toBe(3);
    expect(participantsPage(db, round, 10)).toEqual([10, 20, 30]);
    expect(db.$client.prepare('SELECT chat_id FROM round_participants').pluck().all()).toEqual([10, 20, 30]);
  });

  it('is deleted 90 days after the close when no feedback is on its way, and not before', () => {
    const old = closedRound(10 * DAY, [1, 2]);
    const recent = closedRound(50 * DAY, [3]);
    const sending = closedRound(11 * DAY, [4]);
    const draft = insertFeedbackDraft(db, sending, 'we did', new Date(12 * DAY));
    expect(confirmFeedback(db, draft.id, 1, new Date(12 * DAY))).toBe(true);

    expect(sweepParticipants(db, new Date(99 * DAY))).toBe(0);
    expect(sweepParticipants(db, new Date(101 * DAY + 1))).toBe(2);
    expect(countParticipants(db, old)).toBe(0);
    expect(countParticipants(db, recent)).toBe(1);
    expect(countParticipants(db, sending)).toBe(1);
  });

  it('lets a round have one feedback on its way, never two', () => {
    const round = closedRound(10 * DAY, [1]);
    const first = insertFeedbackDraft(db, round, 'one', new Date(11 * DAY));
    const second = insertFeedbackDraft(db, round, 'two', new Date(11 * DAY));
    expect(confirmFeedback(db, first.id, 1, new Date(11 * DAY))).toBe(true);
    expect(confirmFeedback(db, second.id, 1, new Date(11 * DAY))).toBe(false);
  });
});
