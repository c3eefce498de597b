import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { sendDueReminders, type ReminderDeps } from '../../../src/bot/outbound/reminders.js';
import { responses } from '../../../src/db/schema.js';
import type { FakeUser } from '../../helpers/fake-telegram.js';
import { createTestBot, type TestBot, TEST_PSEUDONYM_SECRET } from '../../helpers/bot-harness.js';

const MINUTE = 60_000;

/** The reminder machinery of `t`'s bot, its clock `ahead` ms in the future, reminding after a minute. */
function reminderDeps(t: TestBot, ahead: number, remindAfterMs: number | null = MINUTE): ReminderDeps {
  return {
    api: t.bot.api,
    db: t.db,
    config: { ...t.config, remindAfterMs },
    logger: pino({ level: 'silent' }),
    clock: () => new Date(Date.now() + ahead),
    pseudonymSecret: TEST_PSEUDONYM_SECRET,
  };
}

const reminders = (user: FakeUser) => user.botMessages().filter((m) => /not finished|還沒有完成|还没有完成|closes at|將於/.test(m.text));
const liveKeyboards = (user: FakeUser) =>
  user.botMessages().filter((m) => m.replyMarkup?.inline_keyboard.flat().some((b) => 'callback_data' in b && /^1[atdsbS]/.test(b.callback_data)));

/** A resident who answered the first two questions and left. */
async function leftHalfway(t: TestBot, id: number, language = 'en'): Promise<FakeUser> {
  const resident = t.resident(id, language);
  await resident.send('/start');
  await resident.press(language === 'en' ? 'Member' : '黨員');
  await resident.press(language === 'en' ? 'Satisfied' : '滿意');
  return resident;
}

describe('reminders', () => {
  it('remind an unfinished resident once, in their language, after REMIND_AFTER, with a Continue that shows where they stopped', async () => {
    const t = createTestBot();
    await t.openRound();
    const english = await leftHalfway(t, 3001, 'en');
    const chinese = await leftHalfway(t, 3002, 'zh-hant');
    // The question they stopped at, below the line with their last answer.
    const asked = english.lastText()!.replace(/^✓ 2\/4 Satisfied\n\n/, '');
    expect(asked).toMatch(/^3 \/ 4\n/);
    expect(await sendDueReminders(reminderDeps(t, 30_000))).toEqual({ sent: 0, skipped: 0, unreachable: 0 });

    expect(await sendDueReminders(reminderDeps(t, MINUTE + 1_000))).toEqual({ sent: 2, skipped: 0, unreachable: 0 });
    const [reminder] = reminders(english);
    expect(reminder?.text).toBe(
      'You have not finished “Small survey” yet; you stopped at question 3 / 4. Press Continue to pick up where you left off.',
    );
    expect(english.buttons(reminder!.message_id)).toEqual(['▶ Continue', "🔕 Don't notify me"]);
    expect(reminders(chinese)[0]?.text).toMatch(/^您填寫的「小問卷」還沒有完成，停在第 3 \/ 4 題。/);

    // Never twice, however often the reminders run.
    expect(await sendDueReminders(reminderDeps(t, 10 * MINUTE))).toEqual({ sent: 0, skipped: 0, unreachable: 0 });
    expect(reminders(english)).toHaveLength(1);

    await english.press('▶ Continue');
    const prompt = english.lastBotMessage()!;
    expect(prompt.text).toBe(asked);
    expect(prompt.message_id).toBeGreaterThan(reminder!.message_id);
    expect(liveKeyboards(english).map((m) => m.message_id)).toEqual([prompt.message_id]);
    // A second press finds the question already under the reminder: nothing more is sent.
    const count = english.botMessages().length;
    await english.press('▶ Continue');
    expect(english.botMessages()).toHaveLength(count);
    // And the survey goes on from there.
    await english.press('Online');
    await english.press('Done ✔');
    expect(english.lastText()).toMatch(/^✓ 3\/4 Online\n\n4 \/ 4/);
  });

  it('leave out whoever finished, turned notifications off or blocked the bot, and write nothing once the round is closed', async () => {
    const t = createTestBot();
    await t.openRound();
    const finished = t.resident(3101, 'en');
    await finished.send('/start');
    for (const label of ['Member', 'Satisfied', 'Online', 'Done ✔']) await finished.press(label);
    await finished.send('fine');
    await finished.press('✅ Submit');
    const quiet = await leftHalfway(t, 3102);
    await quiet.send('/notify off');
    const gone = await leftHalfway(t, 3103);
    t.telegram.block(gone.chatId);
    const late = await leftHalfway(t, 3104);

    // The blocked chat is found out by Telegram's 403 (and marked); the opted-out one is never tried.
    const counts = await sendDueReminders(reminderDeps(t, MINUTE + 1_000));
    expect(counts).toEqual({ sent: 1, skipped: 1, unreachable: 1 });
    expect(reminders(late)).toHaveLength(1);
    for (const user of [finished, quiet, gone]) expect(reminders(user)).toEqual([]);

    const another = await leftHalfway(t, 3105);
    await t.admin.send('/close_round');
    expect(await sendDueReminders(reminderDeps(t, 10 * MINUTE))).toEqual({ sent: 0, skipped: 0, unreachable: 0 });
    expect(reminders(another)).toEqual([]);
  });

  it('send nothing when REMIND_AFTER is off', async () => {
    const t = createTestBot();
    await t.openRound();
    const resident = await leftHalfway(t, 3201);
    expect(await sendDueReminders(reminderDeps(t, 100 * MINUTE, null))).toEqual({ sent: 0, skipped: 0, unreachable: 0 });
    expect(reminders(resident)).toEqual([]);
  });

  it('mark a chat that blocked the bot in the meantime and go on with the others', async () => {
    const t = createTestBot();
    await t.openRound();
    const blocked = await leftHalfway(t, 3301);
    const other = await leftHalfway(t, 3302);
    // Blocked after the pass read the contacts: Telegram answers 403.
    t.telegram.block(blocked.chatId);
    expect(await sendDueReminders(reminderDeps(t, MINUTE + 1_000))).toEqual({ sent: 1, skipped: 0, unreachable: 1 });
    expect(reminders(other)).toHaveLength(1);
    expect(t.db.$client.prepare('SELECT opted_out FROM contacts WHERE chat_id = ?').pluck().get(blocked.chatId)).toBe(1);
  });

  it('give a reminder back when Telegram cannot be reached, and send it at the next pass', async () => {
    const t = createTestBot();
    await t.openRound();
    const resident = await leftHalfway(t, 3401);
    // In-process the client's own retries of a 500 are not in the way (helpers/in-process-api.ts): one failure is one the reminder meets.
    t.telegram.failNext('sendMessage', { error_code: 500, description: 'Internal Server Error' });
    expect(await sendDueReminders(reminderDeps(t, MINUTE + 1_000))).toEqual({ sent: 0, skipped: 0, unreachable: 0 });
    expect(reminders(resident)).toEqual([]);
    expect(await sendDueReminders(reminderDeps(t, MINUTE + 2_000))).toEqual({ sent: 1, skipped: 0, unreachable: 0 });
    expect(reminders(resident)).toHaveLength(1);
  }, 20_000);

  it('send one last call the day before a deadline to everyone unfinished, also those reminded, and no reminder after it', async () => {
    const t = createTestBot();
    const until = new Date(Date.now() + 3 * 24 * 60 * MINUTE).toISOString().slice(0, 10);
    await t.admin.send(`/open_round Deadline round --until ${until}`);
    const reminded = await leftHalfway(t, 3501);
    await sendDueReminders(reminderDeps(t, MINUTE + 1_000));
    expect(reminders(reminded)).toHaveLength(1);
    const fresh = await leftHalfway(t, 3502);

    const closesAt = t.db.$client.prepare('SELECT closes_at FROM rounds').pluck().get() as number;
    const dayBefore = closesAt - 24 * 60 * MINUTE + MINUTE - Date.now();
    expect(await sendDueReminders(reminderDeps(t, dayBefore - 2 * MINUTE))).toEqual({ sent: 1, skipped: 0, unreachable: 0 });
    // That was `fresh`'s reminder; now the last calls, one each.
    expect(await sendDueReminders(reminderDeps(t, dayBefore + 2 * MINUTE))).toEqual({ sent: 2, skipped: 0, unreachable: 0 });
    expect(await sendDueReminders(reminderDeps(t, dayBefore + 60 * MINUTE))).toEqual({ sent: 0, skipped: 0, unreachable: 0 });
    for (const user of [reminded, fresh]) {
      const last = reminders(user).at(-1)!;
      expect(last.text).toMatch(/^⏰ “Small survey” closes at \d{4}-\d\d-\d\d 00:00\. You have not submitted your answers yet/);
      expect(reminders(user)).toHaveLength(2);
    }
    const stored = t.db.select({ reminded: responses.remindedAt, called: responses.lastCalledAt }).from(responses).all();
    expect(stored.every((row) => row.reminded !== null && row.called !== null)).toBe(true);
  });
});
