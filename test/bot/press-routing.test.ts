import { Composer } from 'grammy';
import { describe, expect, it, vi } from 'vitest';
import { answers } from '../../src/db/schema.js';
import { createTestBot } from '../helpers/bot-harness.js';

/*
 * A resident's press is the most common update; it is routed straight to the
 * resident feature, past every admin feature. What each admin feature saw is
 * recorded by a wrapper put around it here.
 */

const seen = vi.hoisted(() => [] as { feature: string; kind: string }[]);

/** The module's composer, wrapped so that every update reaching it is noted. */
async function watched(name: string, original: Record<string, unknown>) {
  const feature = original[name] as Composer<never>;
  const watcher = new Composer<never>();
  watcher.use((ctx, next) => {
    const update = (ctx as { update: Record<string, unknown> }).update;
    seen.push({ feature: name, kind: 'callback_query' in update ? 'press' : 'message' });
    return next();
  }, feature);
  return { ...original, [name]: watcher };
}

vi.mock('../../src/bot/admin/admin-rights.js', async (load) => watched('adminRightsFeature', await load()));
vi.mock('../../src/bot/features/questionnaire.js', async (load) => watched('questionnaireFeature', await load()));
vi.mock('../../src/bot/features/preview.js', async (load) => watched('previewFeature', await load()));
vi.mock('../../src/bot/features/insight.js', async (load) => watched('insightFeature', await load()));
vi.mock('../../src/bot/features/reach.js', async (load) => watched('reachFeature', await load()));
vi.mock('../../src/bot/features/admin.js', async (load) => watched('adminFeature', await load()));

const pressesSeen = () => seen.filter((s) => s.kind === 'press').map((s) => s.feature);

describe('a resident’s press', () => {
  it('never reaches an admin feature, also in an admin’s own chat; admin commands and a preview’s presses still do', async () => {
    const t = createTestBot();
    await t.openRound();
    expect(t.admin.lastText()).toMatch(/^Round 1 /);
    const resident = t.resident(2001, 'en');
    await resident.send('/start');
    seen.length = 0;

    await resident.press('Member');
    await resident.press('Satisfied');
    await resident.press('Online');
    // The admin answers the survey in their own chat, like anyone.
    await t.admin.send('/start');
    await t.admin.press('Public');
    await t.admin.send('/language');
    await t.admin.press('简体中文');
    expect(pressesSeen()).toEqual([]);
    const stored = t.db.select({ questionId: answers.questionId, value: answers.value }).from(answers).all();
    expect(stored).toHaveLength(3);
    expect(stored).toEqual(
      expect.arrayContaining([
        { questionId: 'role', value: 'member' },
        { questionId: 'satisfaction', value: '80' },
        { questionId: 'role', value: 'public' },
      ]),
    );

    // Admin commands go through the admin features as before.
    await t.admin.send('/status');
    expect(t.admin.lastText()).toMatch(/第 1 輪|Round 1|第 1 轮/);
    expect(seen.map((s) => s.feature)).toContain('adminFeature');
    // A preview's press is an admin's: it is still taken by the preview.
    await t.admin.send('/preview en');
    seen.length = 0;
    await t.admin.press('Member');
    expect(t.admin.lastText()).toMatch(/^🔍 Preview · nothing is recorded\n\n✓ 1\/5 Member\n\n2 \/ 5/);
    expect(pressesSeen()).toContain('previewFeature');
  });
});
