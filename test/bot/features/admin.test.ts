import { writeFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { responses, rounds } from '../../../src/db/schema.js';
import { closeDueRound } from '../../../src/bot/outbound/round-closing.js';
import pino from 'pino';
import { ADMIN_GROUP_ID, createTestBot } from '../../helpers/bot-harness.js';
import { SMALL_YAML } from '../../helpers/questionnaires.js';
import { createFiguresThread } from '../../../src/off-thread/figures-thread.js';

const NOW = new Date('2026-11-24T08:00:00Z');

describe('opening and closing rounds', () => {
  it('opens a round with a copy of the questionnaire, and refuses a second while it is open', async () => {
    const t = createTestBot({ now: () => NOW });
    await t.admin.send('/open_round  2026   Q4 ');
    expect(t.admin.lastText()).toBe('Round 1 “2026 Q4” is open, with 5 questions.');
    // Editing the file afterwards does not change the running round.
    writeFileSync(t.questionnairePath, SMALL_YAML.replace('Who are you?', 'Changed?'));
    const resident = t.resident(2001, 'en');
    await resident.send('/start');
    expect(resident.lastText()).toContain('Who are you?');

    await t.admin.send('/open_round Another');
    expect(t.admin.lastText()).toBe(
      'A round is already open: “2026 Q4” (opened 2026-11-24 16:00). Close it first with /close_round.',
    );
    expect(t.db.select().from(rounds).all()).toHaveLength(1);
  });

  it('explains a missing or overlong title', async () => {
    const t = createTestBot();
    await t.admin.send('/open_round');
    expect(t.admin.lastText()).toBe('Please give the round a title, for example: /open_round 2026 Q4 (optionally --until 2026-12-31)');
    await t.admin.send('/open_round    ');
    expect(t.admin.lastText()).toMatch(/^Please give the round a title/);
    await t.admin.send(`/open_round ${'長'.repeat(101)}`);
    expect(t.admin.lastText()).toBe('That title is too long; at most 100 characters.');
    expect(t.db.select().from(rounds).all()).toEqual([]);
    await t.admin.send(`/open_round ${'長'.repeat(100)}`);
    expect(t.admin.lastText()).toMatch(/^Round 1 /);
  });

  it('takes a deadline, closing at the end of that day in the digest time zone', async () => {
    const t = createTestBot({ now: () => NOW });
    await t.admin.send('/open_round Year end --until 2026-12-31');
    expect(t.admin.lastText()).toBe(
      'Round 1 “Year end” is open, with 5 questions. It closes automatically at 2027-01-01 00:00.',
    );
    // Midnight in Asia/Shanghai is 16:00 UTC the day before.
    expect(t.db.select().from(rounds).get()?.closesAt).toEqual(new Date('2026-12-31T16:00:00Z'));
  });

  it('refuses a malformed or past deadline with the expected form', async () => {
    const t = createTestBot({ now: () => NOW });
    for (const argument of ['--until', '--until 31/12/2026', '--until 2026-02-30', '--until tomorrow']) {
      await t.admin.send(`/open_round Title ${argument}`);
      expect(t.admin.lastText()).toBe(
        'Write the deadline as year-month-day, for example: /open_round 2026 Q4 --until 2026-12-31',
      );
    }
    await t.admin.send('/open_round Title --until 2026-11-23');
    expect(t.admin.lastText()).toBe('The deadline 2026-11-23 has already passed (in Asia/Shanghai). Choose today or a later day.');
    expect(t.db.select().from(rounds).all()).toEqual([]);
  });

  it('closes a round at its deadline and tells every admin chat', async () => {
    let now = NOW;
    const t = createTestBot({ now: () => now });
    await t.admin.send('/open_round Short --until 2026-11-25');
    const logger = pino({ level: 'silent' });
    const deps = { api: t.bot.api, db: t.db, config: t.config, logger, figures: createFiguresThread({ db: t.db, logger }) };
    expect(await closeDueRound(deps, now)).toBeNull();
    now = new Date('2026-11-25T16:00:00Z');
    expect(await closeDueRound(deps, now)).toMatchObject({ id: 1 });
    const expected = /^第 1 輪調查「Short」已到期自動結束：完成 0 份，開始作答 0 份。\n\n📋 第 1 輪調查「Short」結果報告\n/;
    expect(t.admin.lastText()).toMatch(expected);
    expect(t.telegram.messages(ADMIN_GROUP_ID).at(-1)?.text).toMatch(expected);
    expect(await closeDueRound(deps, now)).toBeNull();
  });

  it('refuses to open on a broken questionnaire file, listing every problem by its path', async () => {
    const t = createTestBot();
    writeFileSync(
      t.questionnairePath,
      SMALL_YAML.replace('- id: channels', '- id: Channels').replace("in: ['30', '0']", "in: ['30', '<b>']"),
    );
    await t.admin.send('/open_round Broken');
    const reply = t.admin.lastText() ?? '';
    expect(reply).toMatch(/^The questionnaire file on the server has 3 problems, so no round was opened:/);
    expect(reply).toMatch(/• report\.improvement_question \(line \d+\): no question "channels"/);
    expect(reply).toMatch(/• questions\[2\]\.when\.in\[1\] \(line \d+\): must be lowercase letters/);
    expect(reply).toMatch(/• questions\[3\]\.id \(line \d+\): must be an id/);
    expect(t.db.select().from(rounds).all()).toEqual([]);
  });

  it('closes the open round and tells every admin chat, and says so when none is open', async () => {
    const t = createTestBot();
    await t.openRound('Spring');
    await t.resident(2001).send('/start');
    await t.admin.send('/close_round');
    const expected = /^第 1 輪調查「Spring」已結束：完成 0 份，開始作答 1 份。\n\n📋 第 1 輪調查「Spring」結果報告\n/;
    expect(t.admin.lastText()).toMatch(expected);
    expect(t.telegram.messages(ADMIN_GROUP_ID).at(-1)?.text).toMatch(expected);
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
});

describe('looking at rounds', () => {
  it('lists every round newest first with dates and counts', async () => {
    let now = NOW;
    const t = createTestBot({ now: () => now });
    await t.admin.send('/rounds');
    expect(t.admin.lastText()).toBe('There are no rounds yet. Open the first with /open_round title.');
    await t.openRound('First <draft>');
    await t.resident(2001).send('/start');
    now = new Date('2026-11-30T08:00:00Z');
    await t.admin.send('/close_round');
    await t.admin.send('/open_round Second --until 2026-12-31');
    await t.admin.send('/rounds');
    expect(t.admin.lastText()).toBe(
      'Rounds (newest first)\n\n' +
        '#2 Second\n   opened 2026-11-30 16:00, open until 2027-01-01 00:00; 0 completed / 0 started; questionnaire v1\n\n' +
        '#1 First <draft>\n   opened 2026-11-24 16:00, closed 2026-11-30 16:00; 0 completed / 1 started; questionnaire v1',
    );
  });

  it('trims a long history to one message', async () => {
    const t = createTestBot();
    for (let i = 1; i <= 60; i++) {
      t.db.insert(rounds).values({ title: `Round ${'x'.repeat(90)} ${i}`, questionnaire: '{}', openedAt: NOW, closedAt: NOW }).run();
    }
    await t.admin.send('/rounds');
    const text = t.admin.lastText()!;
    expect(text.length).toBeLessThanOrEqual(4096);
    expect(text).toMatch(/… and \d+ older rounds\.$/);
    expect(text).toContain('#60 ');
  });

  it('shows the open round in /status, or says none is open', async () => {
    const t = createTestBot({ now: () => NOW });
    await t.admin.send('/status');
    expect(t.admin.lastText()).toBe('No round is open.');
    await t.openRound('Now');
    await t.resident(2001).send('/start');
    await t.admin.send('/status');
    expect(t.admin.lastText()).toMatch(/^Round 1 “Now”\nOpened 2026-11-24 16:00\n1 started, 0 completed/);
  });
});

describe('exporting responses', () => {
  it('sends a CSV that parses back to exactly what residents answered', async () => {
    const t = createTestBot({ now: () => NOW });
    await t.openRound('Export me');
    const first = t.resident(2001, 'en');
    await first.send('/start leaflet');
    await first.press('Member');
    await first.press('Dissatisfied');
    await first.press('Too slow');
    await first.press('Notice board');
    await first.press('Meetings');
    await first.press('Done ✔');
    await first.send('a, "b"\nc 滿意');
    await first.press('✅ Submit');
    const second = t.resident(2002, 'zh-hans');
    await second.send('/start');
    await second.press('群众');
    await second.press('不了解');
    await second.press('网络');
    await second.press('完成 ✔');
    await second.press('跳过 ▶');

    await t.admin.send('/export');
    const message = t.admin.lastBotMessage()!;
    expect(message.document?.filename).toBe('manyi-round-1-2026-11-24.csv');
    expect(message.caption).toBe('Round 1 “Export me”: 2 responses');
    const bytes = message.document!.data!;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parse(bytes.subarray(3).toString('utf8'), { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(2);
    expect(Object.keys(rows[0]!)).toEqual([
      'response_key', 'status', 'started_at', 'completed_at', 'language', 'source', 'flags',
      'role', 'satisfaction', 'reason', 'channels', 'comment',
    ]);
    expect(rows[0]).toMatchObject({
      status: 'completed',
      started_at: '2026-11-24T08:00Z',
      completed_at: '2026-11-24T08:00Z',
      language: 'en',
      source: 'leaflet',
      flags: '',
      role: 'member',
      satisfaction: '0',
      reason: 'slow',
      channels: 'board;meeting',
      comment: 'a, "b"\nc 滿意',
    });
    // Each row's identifier is not the key the database finds a resident by.
    const storedKeys = t.db.select({ key: responses.respondentKey }).from(responses).all().map((r) => r.key);
    const ids = rows.map((r) => r['response_key']!);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(new Set(ids).size).toBe(2);
    for (const key of storedKeys) expect(bytes.toString('utf8')).not.toContain(key.slice(0, 16));
    expect(rows[1]).toMatchObject({
      status: 'partial',
      completed_at: '',
      language: 'zh-Hans',
      source: '',
      role: 'public',
      satisfaction: 'unknown',
      reason: '',
      channels: 'online',
      comment: '',
    });

    // The same identifiers in the next export of the round, which can be joined to this one.
    await t.admin.send('/export');
    const again = parse(t.admin.lastBotMessage()!.document!.data!.subarray(3).toString('utf8'), { columns: true }) as Record<string, string>[];
    expect(again.map((r) => r['response_key'])).toEqual(ids);
  });

  it('exports a round by id, and answers an unknown or malformed id in one line', async () => {
    const t = createTestBot({ now: () => NOW });
    await t.admin.send('/export');
    expect(t.admin.lastText()).toBe('There are no rounds yet. Open the first with /open_round title.');
    await t.openRound('One');
    await t.admin.send('/close_round');
    await t.admin.send('/export 1');
    expect(t.admin.lastBotMessage()?.document?.filename).toBe('manyi-round-1-2026-11-24.csv');
    expect(t.admin.lastBotMessage()?.caption).toBe('Round 1 “One”: 0 responses');
    await t.admin.send('/export 7');
    expect(t.admin.lastText()).toBe('There is no round 7. /rounds lists them all.');
    for (const junk of ['abc', '1 2', '-1', '99999999999']) {
      await t.admin.send(`/export ${junk}`);
      expect(t.admin.lastText()).toBe('Usage: /export, or /export followed by a round id, e.g. /export 3');
    }
  });
});

describe('help and menus', () => {
  it('lists the admin commands with /help in an admin chat, and only the resident ones elsewhere', async () => {
    const t = createTestBot();
    await t.admin.send('/help');
    expect(t.admin.lastText()).toContain('/open_round');
    expect(t.admin.lastText()).toContain('/export');
    expect(t.admin.lastText()).toContain('/questionnaire [version]');
    for (const command of ['/report [round id]', '/groups [round id]', '/trend']) expect(t.admin.lastText()).toContain(command);
    const resident = t.resident(2001, 'en');
    await resident.send('/help');
    expect(resident.lastText()).toContain('/start');
    expect(resident.lastText()).not.toContain('/open_round');
  });
});

describe('someone who is not an admin', () => {
  it.each(['/open_round Mine', '/close_round', '/status', '/rounds', '/export', '/export 1', '/report', '/groups 1', '/trend'])(
    'gets a short refusal for %s that reveals nothing, in a private chat and in a group',
    async (command) => {
      const t = createTestBot();
      await t.openRound('Secret title');
      const resident = t.resident(2001, 'en');
      await resident.send(command);
      expect(resident.lastText()).toBe('This command is not available here.');
      t.telegram.group(-777, 'Some group');
      await resident.sendIn(-777, command);
      expect(t.telegram.messages(-777).at(-1)?.text).toBe('This command is not available here.');
      expect(t.db.select().from(rounds).all()).toMatchObject([{ title: 'Secret title', closedAt: null }]);
    },
  );
});
