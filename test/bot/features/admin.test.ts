import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { rounds } from '../../../src/db/schema.js';
import { ADMIN_GROUP_ID, createTestBot } from '../../helpers/bot-harness.js';
import { SMALL_YAML } from '../../helpers/questionnaires.js';

describe('opening and closing rounds', () => {
  it('opens a round with a copy of the questionnaire, and refuses a second while it is open', async () => {
    const t = createTestBot({ now: () => new Date('2026-11-24T08:00:00Z') });
    await t.admin.send('/open_round  2026   Q4 ');
    expect(t.admin.lastText()).toBe('Round 1 “2026 Q4” is open, with 5 questions.');
    // Editing the file afterwards does not change the running round.
    writeFileSync(t.questionnairePath, SMALL_YAML.replace('Who are you?', 'Changed?'));
    const resident = t.resident(2001, 'en');
    await resident.send('/start');
    expect(resident.lastText()).toContain('Who are you?');

    await t.admin.send('/open_round Another');
    expect(t.admin.lastText()).toBe('A round is already open: “2026 Q4” (opened 2026-11-24). Close it first with /close_round.');
    expect(t.db.select().from(rounds).all()).toHaveLength(1);
  });

  it('explains a missing or overlong title', async () => {
    const t = createTestBot();
    await t.admin.send('/open_round');
    expect(t.admin.lastText()).toBe('Please give the round a title, for example: /open_round 2026 Q4');
    await t.admin.send(`/open_round ${'長'.repeat(101)}`);
    expect(t.admin.lastText()).toBe('That title is too long; at most 100 characters.');
    await t.admin.send(`/open_round ${'長'.repeat(100)}`);
    expect(t.admin.lastText()).toMatch(/^Round 1 /);
  });

  it('refuses to open on a broken questionnaire file, listing every problem by its path', async () => {
    const t = createTestBot();
    writeFileSync(
      t.questionnairePath,
      SMALL_YAML.replace('- id: channels', '- id: role').replace("in: ['30', '0']", "in: ['30', '<b>']"),
    );
    await t.admin.send('/open_round Broken');
    const reply = t.admin.lastText() ?? '';
    expect(reply).toMatch(/^The questionnaire file has problems, so no round was opened:/);
    expect(reply).toContain('questions[2].when.in[1]');
    expect(reply).toContain('must be lowercase letters');
    expect(t.db.select().from(rounds).all()).toEqual([]);
  });

  it('closes the open round with its counts, and says so when none is open', async () => {
    const t = createTestBot();
    await t.openRound('Spring');
    await t.resident(2001).send('/start');
    await t.admin.send('/close_round');
    expect(t.admin.lastText()).toBe('Round 1 “Spring” is closed: 0 completed, 1 started.');
    await t.admin.send('/close_round');
    expect(t.admin.lastText()).toBe('No round is open.');
    const resident = t.resident(2002, 'en');
    await resident.send('/start');
    expect(resident.lastText()).toMatch(/^No survey is open right now/);
  });

  it('works in an admin group too', async () => {
    const t = createTestBot();
    await t.admin.sendIn(ADMIN_GROUP_ID, '/open_round@manyi_test_bot Group round');
    expect(t.telegram.messages(ADMIN_GROUP_ID).at(-1)?.text).toBe('Round 1 “Group round” is open, with 5 questions.');
  });

  it('lists the admin commands with /help in an admin chat, and only the resident ones elsewhere', async () => {
    const t = createTestBot();
    await t.admin.send('/help');
    expect(t.admin.lastText()).toContain('/open_round');
    const resident = t.resident(2001, 'en');
    await resident.send('/help');
    expect(resident.lastText()).toContain('/start');
    expect(resident.lastText()).not.toContain('/open_round');
  });
});

describe('someone who is not an admin', () => {
  it('gets a short refusal that reveals nothing, in a private chat and in a group', async () => {
    const t = createTestBot();
    await t.openRound('Secret title');
    const resident = t.resident(2001, 'en');
    await resident.send('/open_round Mine');
    expect(resident.lastText()).toBe('This command is not available here.');
    await resident.send('/close_round');
    expect(resident.lastText()).toBe('This command is not available here.');
    t.telegram.group(-777, 'Some group');
    await resident.sendIn(-777, '/close_round');
    expect(t.telegram.messages(-777).at(-1)?.text).toBe('This command is not available here.');
    expect(t.db.select().from(rounds).all()).toMatchObject([{ title: 'Secret title', closedAt: null }]);
  });
});
