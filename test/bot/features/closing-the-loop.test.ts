import { describe, expect, it } from 'vitest';
import type { Message } from 'grammy/types';
import { MAX_FEEDBACK_LENGTH } from '../../../src/reports/feedback-message.js';
import type { FakeUser } from '../../helpers/fake-telegram.js';
import { ADMIN_ID, createTestBot, type TestBot } from '../../helpers/bot-harness.js';

async function complete(t: TestBot, id: number, start: string): Promise<FakeUser> {
  const resident = t.resident(id, 'en');
  await resident.send(start);
  for (const label of ['Member', 'Satisfied', 'Online', 'Done ✔']) await resident.press(label);
  await resident.send('fine');
  await resident.press('✅ Submit');
  return resident;
}

/** The admin sends `/feedback` as a reply to `repliedTo` (a message in the admin's chat). */
async function feedbackAsReplyTo(t: TestBot, repliedTo: Message): Promise<void> {
  await t.telegram.dispatch({
    message: {
      message_id: 900_000,
      date: Math.floor(Date.now() / 1000),
      chat: { id: ADMIN_ID, type: 'private', first_name: 'Admin' },
      from: { id: ADMIN_ID, is_bot: false, first_name: 'Admin', language_code: 'en' },
      text: '/feedback',
      entities: [{ type: 'bot_command', offset: 0, length: 9 }],
      reply_to_message: repliedTo as Message['reply_to_message'],
    },
  });
}

const feedbackOf = (t: TestBot, chatId: number) => t.telegram.messages(chatId).filter((m) => m.from === 'bot' && m.text.startsWith('📢'));

describe('/coverage', () => {
  it('adds a chart of % of target per unit when there are more than five units, and none for five', async () => {
    const t = createTestBot();
    await t.openRound();
    for (const [i, tag] of ['a1', 'a2', 'a3', 'a4', 'a5'].entries()) {
      await t.admin.send(`/target ${tag} ${10 + i}`);
      await complete(t, 4100 + i, `/start ${tag}`);
    }
    await t.admin.send('/coverage');
    expect(t.admin.lastBotMessage()?.kind).toBe('text');
    expect(t.admin.lastText()).toContain('a5: 1 completed / 1 started, target 14 (7%)');

    await t.admin.send('/target a6 8');
    await t.admin.send('/coverage');
    const [text, chart] = t.admin.botMessages().slice(-2);
    expect(text!.text.split('\n')[1]).toBe('a6: 0 completed / 0 started, target 8 (0%)');
    expect(chart!.kind).toBe('photo');
  }, 30_000);
});

/** A bot whose round 1 is closed, with one resident who completed it. */
async function closedRoundWith(residentId: number): Promise<{ t: TestBot; resident: FakeUser }> {
  const t = createTestBot();
  await t.openRound();
  const resident = await complete(t, residentId, '/start');
  await t.admin.send('/close_round');
  return { t, resident };
}

describe('/feedback', () => {
  it('is a one-line usage without text, refuses a text too long, and cancels without sending anything', async () => {
    const { t, resident } = await closedRoundWith(4200);

    await t.admin.send('/feedback');
    expect(t.admin.lastText()).toMatch(/^Usage: after a round closes, \/feedback followed by/);
    await t.admin.send(`/feedback ${'字'.repeat(MAX_FEEDBACK_LENGTH + 1)}`);
    expect(t.admin.lastText()).toBe(`That text is too long; at most ${MAX_FEEDBACK_LENGTH} characters.`);

    await t.admin.send('/feedback We heard you.');
    const preview = t.admin.lastBotMessage()!;
    const header = t.admin.botMessages().at(-2)!.text;
    // The header names the round it goes out for, so a chair with two rounds behind them knows which.
    expect(header).toMatch(/^Preview: once confirmed, this goes to the 1 resident who took part in round 1 “.+”/);
    await t.admin.press('✖ Cancel');
    expect(t.admin.lastText()).toBe('Cancelled; nothing was sent.');
    // A Confirm pressed on that preview afterwards (a second device, a stale screen) says why nothing happens.
    await t.admin.pressData(`fb:1:y`, preview.message_id);
    expect(t.admin.lastCallbackAnswer()?.text).toMatch(/^This preview was already confirmed or cancelled.*send \/feedback again/);
    await t.settled();
    expect(feedbackOf(t, resident.chatId)).toEqual([]);
    await t.admin.send('/feedback status');
    expect(t.admin.lastText()).toBe('No feedback has been sent for round 1 “Test round”; 1 resident took part.');
  }, 30_000);

  it('takes the text of the admin’s own message it replies to, not of someone else’s', async () => {
    const { t, resident } = await closedRoundWith(4300);

    await t.admin.send('The notice board now shows every appointment.');
    const own = t.telegram.messages(ADMIN_ID).filter((m) => m.from === 'user').at(-1)!;
    const botsOwn = t.admin.lastBotMessage()!;
    await feedbackAsReplyTo(t, t.telegram.rawMessage(ADMIN_ID, botsOwn.message_id)!);
    expect(t.admin.lastText()).toMatch(/^Usage: /);

    await feedbackAsReplyTo(t, t.telegram.rawMessage(ADMIN_ID, own.message_id)!);
    expect(t.admin.lastText()).toContain('The notice board now shows every appointment.');
    await t.admin.press('✅ Confirm and send');
    await t.settled();
    expect(feedbackOf(t, resident.chatId).map((m) => m.text.split('\n').at(-1))).toEqual(['The notice board now shows every appointment.']);
    // A second press of the same preview sends nothing more.
    await t.admin.pressData(`fb:1:y`);
    await t.settled();
    expect(feedbackOf(t, resident.chatId)).toHaveLength(1);
  }, 30_000);
});
