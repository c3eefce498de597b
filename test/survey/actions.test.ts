import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.js';
import { openRound } from '../../src/db/rounds.js';
import { answers, responses } from '../../src/db/schema.js';
import { act, startOrResume, type Action } from '../../src/survey/actions.js';
import { smallQuestionnaire } from '../helpers/questionnaires.js';

function setUp() {
  const db = openDatabase(':memory:');
  const opened = openRound(db, { title: 'Test', questionnaire: smallQuestionnaire(), now: new Date(0) });
  if (!opened.ok) throw new Error('round did not open');
  const who = { round: opened.round, respondentKey: 'k'.repeat(64) };
  let updateId = 1;
  const start = () =>
    startOrResume(db, { ...who, language: 'en', source: 'poster', updateId: updateId++, now: new Date(1000) });
  const step = (action: Action, extra: { updateId?: number; responseId?: number } = {}) =>
    act(db, { ...who, updateId: extra.updateId ?? updateId++, now: new Date(2000), action, ...extra });
  return { db, start, step, nextUpdateId: () => updateId++ };
}

describe('a resident stepping through a response', () => {
  it('records each answer and moves the cursor on', () => {
    const { start, step } = setUp();
    expect(start()).toMatchObject({ kind: 'started', state: { cursor: 'role' } });
    expect(step({ type: 'choose', questionId: 'role', optionIndex: 1 })).toMatchObject({
      kind: 'applied',
      state: { cursor: 'satisfaction' },
    });
    const after = step({ type: 'choose', questionId: 'satisfaction', optionIndex: 4 });
    expect(after).toMatchObject({ kind: 'applied', state: { cursor: 'reason' } });
  });

  it('ignores a redelivered update and a second press on an answered question', () => {
    const { db, start, step, nextUpdateId } = setUp();
    start();
    const id = nextUpdateId();
    step({ type: 'choose', questionId: 'role', optionIndex: 0 }, { updateId: id });
    expect(step({ type: 'choose', questionId: 'role', optionIndex: 1 }, { updateId: id })).toMatchObject({ kind: 'duplicate' });
    expect(step({ type: 'choose', questionId: 'role', optionIndex: 1 })).toMatchObject({
      kind: 'refused',
      refusal: { reason: 'stale' },
    });
    expect(db.select().from(answers).all()).toMatchObject([{ questionId: 'role', value: 'member' }]);
  });

  it('refuses a press for another response, an option that does not exist, or a skip of a required question', () => {
    const { db, start, step } = setUp();
    const started = start();
    const responseId = started.state.id;
    for (const [action, extra] of [
      [{ type: 'choose', questionId: 'role', optionIndex: 0 }, { responseId: responseId + 1 }],
      [{ type: 'choose', questionId: 'role', optionIndex: 2 }, {}],
      [{ type: 'toggle', questionId: 'role', optionIndex: 0 }, {}],
      [{ type: 'skip', questionId: 'role' }, {}],
      [{ type: 'back', questionId: 'role' }, {}],
      [{ type: 'choose', questionId: 'nowhere', optionIndex: 0 }, {}],
    ] as const) {
      expect(step(action, extra)).toMatchObject({ kind: 'refused', refusal: { reason: 'stale' } });
    }
    expect(db.select().from(answers).all()).toEqual([]);
  });

  it('drops the answer to a conditional question when the answer it depends on changes', () => {
    const { db, start, step } = setUp();
    start();
    step({ type: 'choose', questionId: 'role', optionIndex: 0 });
    step({ type: 'choose', questionId: 'satisfaction', optionIndex: 4 });
    step({ type: 'choose', questionId: 'reason', optionIndex: 1 });
    expect(step({ type: 'back', questionId: 'channels' })).toMatchObject({ state: { cursor: 'reason' } });
    expect(step({ type: 'back', questionId: 'reason' })).toMatchObject({ state: { cursor: 'satisfaction' } });
    const changed = step({ type: 'choose', questionId: 'satisfaction', optionIndex: 0 });
    expect(changed).toMatchObject({ kind: 'applied', state: { cursor: 'channels' } });
    expect(db.select({ q: answers.questionId }).from(answers).all().map((a) => a.q).sort()).toEqual(['role', 'satisfaction']);
  });

  it('toggles multi options into a draft and records them in questionnaire order on Done', () => {
    const { db, start, step } = setUp();
    start();
    step({ type: 'choose', questionId: 'role', optionIndex: 0 });
    step({ type: 'choose', questionId: 'satisfaction', optionIndex: 0 });
    expect(step({ type: 'done', questionId: 'channels' })).toMatchObject({ refusal: { reason: 'no_selection' } });
    step({ type: 'toggle', questionId: 'channels', optionIndex: 2 });
    step({ type: 'toggle', questionId: 'channels', optionIndex: 1 });
    step({ type: 'toggle', questionId: 'channels', optionIndex: 0 });
    step({ type: 'toggle', questionId: 'channels', optionIndex: 1 });
    expect(step({ type: 'done', questionId: 'channels' })).toMatchObject({ state: { cursor: 'comment', draft: null } });
    const stored = db.select().from(answers).all().find((a) => a.questionId === 'channels');
    expect(stored?.value).toBe('["board","meeting"]');
  });

  it('a toggle pressed again on a screen that did not show the first press yet changes nothing', () => {
    const { db, start, step } = setUp();
    start();
    step({ type: 'choose', questionId: 'role', optionIndex: 0 });
    step({ type: 'choose', questionId: 'satisfaction', optionIndex: 0 });
    // Both presses were made on a keyboard that showed option 1 unselected.
    step({ type: 'toggle', questionId: 'channels', optionIndex: 1, select: true });
    expect(step({ type: 'toggle', questionId: 'channels', optionIndex: 1, select: true })).toMatchObject({
      kind: 'applied',
      state: { draft: ['online'] },
    });
    step({ type: 'toggle', questionId: 'channels', optionIndex: 0, select: true });
    step({ type: 'toggle', questionId: 'channels', optionIndex: 0, select: false });
    step({ type: 'toggle', questionId: 'channels', optionIndex: 0, select: false });
    step({ type: 'done', questionId: 'channels' });
    const stored = db.select().from(answers).all().find((a) => a.questionId === 'channels');
    expect(stored?.value).toBe('["online"]');
  });

  it('takes text only where a text question is asked, within its limit', () => {
    const { start, step } = setUp();
    start();
    expect(step({ type: 'text', text: 'hello' })).toMatchObject({ refusal: { reason: 'expects_buttons' } });
    step({ type: 'choose', questionId: 'role', optionIndex: 0 });
    step({ type: 'choose', questionId: 'satisfaction', optionIndex: 1 });
    step({ type: 'toggle', questionId: 'channels', optionIndex: 0 });
    step({ type: 'done', questionId: 'channels' });
    expect(step({ type: 'text', text: 'x'.repeat(21) })).toMatchObject({ refusal: { reason: 'too_long', length: 21, max: 20 } });
    expect(step({ type: 'text', text: ' Good, "fine" ' })).toMatchObject({ state: { cursor: null } });
    expect(step({ type: 'text', text: 'more' })).toMatchObject({ refusal: { reason: 'expects_submit' } });
  });

  it('submits once, then counts the response as completed', () => {
    const { db, start, step } = setUp();
    start();
    expect(step({ type: 'submit' })).toMatchObject({ refusal: { reason: 'stale' } });
    step({ type: 'choose', questionId: 'role', optionIndex: 0 });
    step({ type: 'choose', questionId: 'satisfaction', optionIndex: 5 });
    step({ type: 'toggle', questionId: 'channels', optionIndex: 0 });
    step({ type: 'done', questionId: 'channels' });
    step({ type: 'skip', questionId: 'comment' });
    expect(step({ type: 'submit' })).toMatchObject({ kind: 'applied', state: { status: 'completed' } });
    expect(step({ type: 'submit' })).toMatchObject({ kind: 'completed' });
    expect(start()).toMatchObject({ kind: 'completed' });
    const [row] = db.select().from(responses).all();
    expect(row).toMatchObject({ status: 'completed', source: 'poster', language: 'en' });
    expect(row?.completedAt).toEqual(new Date(2000));
  });

  it('resumes at the first unanswered question', () => {
    const { start, step } = setUp();
    start();
    step({ type: 'choose', questionId: 'role', optionIndex: 0 });
    step({ type: 'choose', questionId: 'satisfaction', optionIndex: 1 });
    step({ type: 'back', questionId: 'channels' });
    expect(start()).toMatchObject({ kind: 'resumed', state: { cursor: 'channels' } });
  });
});
