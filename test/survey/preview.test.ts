import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.js';
import { findPreview } from '../../src/db/previews.js';
import { answers, previews, responses } from '../../src/db/schema.js';
import type { Action } from '../../src/questionnaire/walk.js';
import { actOnPreview, startPreview } from '../../src/survey/preview.js';
import { smallQuestionnaire } from '../helpers/questionnaires.js';

const CHAT = 1001;

function setUp() {
  const db = openDatabase(':memory:');
  let updateId = 1;
  const start = (language: 'en' | 'zh-Hans' = 'en') =>
    startPreview(db, { chatId: CHAT, questionnaire: smallQuestionnaire(), language, updateId: updateId++, now: new Date(1000) });
  const step = (action: Action, extra: { updateId?: number; previewId?: number } = {}) =>
    actOnPreview(db, { chatId: CHAT, updateId: extra.updateId ?? updateId++, now: new Date(2000), action, ...extra });
  return { db, start, step, nextUpdateId: () => updateId++ };
}

describe('an admin stepping through a preview', () => {
  it('keeps where the preview stands in its own row only, one write a step', () => {
    const { db, start, step } = setUp();
    expect(start()).toMatchObject({ kind: 'started', preview: { cursor: 'role', language: 'en' } });
    step({ type: 'choose', questionId: 'role', optionIndex: 0 });
    step({ type: 'choose', questionId: 'satisfaction', optionIndex: 4 });
    step({ type: 'toggle', questionId: 'reason', optionIndex: 0 }); // refused: not a multi question
    step({ type: 'choose', questionId: 'reason', optionIndex: 1 });
    step({ type: 'toggle', questionId: 'channels', optionIndex: 2 });
    expect(db.select().from(previews).get()).toMatchObject({
      chatId: CHAT,
      cursor: 'channels',
      answers: '{"role":{"kind":"option","value":"member"},"satisfaction":{"kind":"option","value":"0"},"reason":{"kind":"option","value":"unfair"}}',
      draft: '["meeting"]',
      lastUpdateId: 6,
    });
    expect(db.select().from(responses).all()).toEqual([]);
    expect(db.select().from(answers).all()).toEqual([]);
  });

  it('ignores a redelivered update, a press for another preview, and one on a question not being asked', () => {
    const { db, start, step, nextUpdateId } = setUp();
    const { preview } = start();
    const id = nextUpdateId();
    step({ type: 'choose', questionId: 'role', optionIndex: 0 }, { updateId: id });
    expect(step({ type: 'choose', questionId: 'role', optionIndex: 1 }, { updateId: id })).toMatchObject({ kind: 'duplicate' });
    expect(step({ type: 'choose', questionId: 'satisfaction', optionIndex: 0 }, { previewId: preview.id + 1 })).toMatchObject({
      kind: 'refused',
      refusal: { reason: 'stale' },
    });
    expect(step({ type: 'choose', questionId: 'role', optionIndex: 1 })).toMatchObject({ kind: 'refused', refusal: { reason: 'stale' } });
    expect(findPreview(db, CHAT)?.answers).toEqual(new Map([['role', { kind: 'option', value: 'member' }]]));
  });

  it('starts afresh under a new id, keeping the old live prompt to retire; the same /preview again changes nothing', () => {
    const { db, start, step } = setUp();
    const first = start().preview;
    db.update(previews).set({ promptMessageId: 42, promptShows: 'x' }).run();
    step({ type: 'choose', questionId: 'role', optionIndex: 0 });
    const again = start('zh-Hans');
    expect(again).toMatchObject({ kind: 'started', preview: { cursor: 'role', language: 'zh-Hans', promptMessageId: 42, answers: new Map() } });
    expect(again.preview.id).toBeGreaterThan(first.id);
    expect(db.select().from(previews).all()).toHaveLength(1);
    const redelivered = startPreview(db, {
      chatId: CHAT,
      questionnaire: smallQuestionnaire(),
      language: 'en',
      updateId: again.preview.lastUpdateId,
      now: new Date(3000),
    });
    expect(redelivered).toMatchObject({ kind: 'duplicate', preview: { id: again.preview.id, language: 'zh-Hans' } });
  });

  it('does not write a Submit: the preview ends once its end is shown', () => {
    const { db, start, step } = setUp();
    start();
    step({ type: 'choose', questionId: 'role', optionIndex: 0 });
    step({ type: 'choose', questionId: 'satisfaction', optionIndex: 0 });
    step({ type: 'toggle', questionId: 'channels', optionIndex: 0 });
    step({ type: 'done', questionId: 'channels' });
    step({ type: 'skip', questionId: 'comment' });
    const row = db.select().from(previews).get();
    expect(row).toMatchObject({ cursor: null });
    expect(step({ type: 'submit' })).toMatchObject({ kind: 'applied', state: { status: 'completed' } });
    expect(db.select().from(previews).get()).toEqual(row);
    expect(actOnPreview(db, { chatId: 7, updateId: 99, now: new Date(), action: { type: 'submit' } })).toEqual({ kind: 'missing' });
  });
});
