import { describe, expect, it } from 'vitest';
import { contacts } from '../../../src/db/schema.js';
import { eq } from 'drizzle-orm';
import type { FakeUser } from '../../helpers/fake-telegram.js';
import { createTestBot, type TestBot } from '../../helpers/bot-harness.js';

const announcements = (user: FakeUser) => user.botMessages().filter((m) => m.text.startsWith('📣'));
const notificationsOff = (t: TestBot, chatId: number) =>
  t.db.select({ off: contacts.notificationsOff }).from(contacts).where(eq(contacts.chatId, chatId)).get()?.off;

describe('"don\'t notify me"', () => {
  it('is a button on every announcement: pressed, it says so once, leaves the message, and the next round is not announced', async () => {
    const t = createTestBot();
    const resident = t.resident(3601, 'en');
    await resident.send('/start');
    await t.openRound('Spring');
    await t.settled();
    const [announcement] = announcements(resident);
    expect(resident.buttons(announcement!.message_id)).toEqual(["🔕 Don't notify me"]);

    await resident.press("🔕 Don't notify me");
    expect(resident.lastText()).toMatch(/^All right: I will not write to you first any more\./);
    expect(resident.buttons(announcement!.message_id)).toEqual([]);
    expect(notificationsOff(t, resident.chatId)).toBe(true);
    // A second press on the same announcement (a double tap) only gets a notice.
    const count = resident.botMessages().length;
    await resident.pressData('1N:0', announcement!.message_id);
    expect(resident.botMessages()).toHaveLength(count);
    expect(resident.lastCallbackAnswer()?.text).toMatch(/^All right/);

    await t.admin.send('/close_round');
    await t.openRound('Summer');
    await t.settled();
    expect(announcements(resident)).toHaveLength(1);
  });

  it('is /notify off and /notify on in words; whoever turned it off still answers as before', async () => {
    const t = createTestBot();
    const resident = t.resident(3602, 'en');
    await resident.send('/notify off');
    expect(resident.lastText()).toMatch(/^All right: I will not write to you first/);
    await t.openRound();
    await t.settled();
    expect(announcements(resident)).toEqual([]);

    await resident.send('/start');
    expect(resident.lastText()).toMatch(/^1 \/ 5\nWho are you\?/);
    await resident.press('Member');
    expect(resident.lastText()).toMatch(/^✓ 1\/5 Member\n\n2 \/ /);
    // /start earlier did not undo the choice; only /notify on does.
    expect(notificationsOff(t, resident.chatId)).toBe(true);
    await resident.send('/notify on');
    expect(resident.lastText()).toMatch(/^All right: I will tell you when a round opens/);
    expect(notificationsOff(t, resident.chatId)).toBe(false);
  });

  it('answers /notify without a word it knows with where things stand and the two commands', async () => {
    const t = createTestBot();
    const resident = t.resident(3603, 'zh-hans');
    await resident.send('/notify maybe');
    expect(resident.lastText()).toBe('目前会通知您新一轮调查，并提醒您完成问卷。\n/notify off — 不要通知我\n/notify on — 通知我');
    await resident.send('/notify OFF');
    await resident.send('/notify');
    expect(resident.lastText()).toMatch(/^目前不会通知您。/);
  });

  it('is in the residents\' help', async () => {
    const t = createTestBot();
    const resident = t.resident(3604, 'en');
    await resident.send('/help');
    expect(resident.lastText()).toContain("/notify off — don't message me first (/notify on to undo)");
  });
});
