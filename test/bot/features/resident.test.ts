import { describe, expect, it } from 'vitest';
import { TEXTS } from '../../../src/texts/resident.js';
import { recordPrompt } from '../../../src/db/contacts.js';
import { answers, contacts, responses } from '../../../src/db/schema.js';
import type { FakeUser } from '../../helpers/fake-telegram.js';
import { createTestBot, type TestBot } from '../../helpers/bot-harness.js';

/** Messages from the bot that still carry buttons: there should be one at most, the prompt. */
function liveKeyboards(user: FakeUser) {
  return user.botMessages().filter((m) => (m.replyMarkup?.inline_keyboard.length ?? 0) > 0);
}

function storedAnswers(t: TestBot) {
  return Object.fromEntries(t.db.select().from(answers).all().map((a) => [a.questionId, a.skipped ? null : a.value]));
}

async function startedResident(t: TestBot, id = 2001, language = 'en') {
  await t.openRound();
  const resident = t.resident(id, language);
  await resident.send('/start');
  return resident;
}

/** Answers the small questionnaire up to its summary. */
async function answerAll(resident: FakeUser) {
  await resident.press('Member');
  await resident.press('Satisfied');
  await resident.press('Online');
  await resident.press('Done ✔');
  await resident.send('Keep going');
}

describe('a resident answering the questionnaire', () => {
  it('is greeted with purpose, length and the anonymity promise, then asked question 1 of 5', async () => {
    const t = createTestBot();
    const resident = await startedResident(t);
    const [greeting, question] = resident.botMessages();
    expect(greeting?.text).toContain('Small survey');
    expect(greeting?.text).toContain('For tests.');
    expect(greeting?.text).toContain('5 questions');
    expect(greeting?.text).toMatch(/about \d+ minutes/);
    expect(greeting?.text).toContain('anonymous');
    expect(question?.text).toMatch(/^1 \/ 5\nWho are you\?/);
    expect(resident.buttons()).toEqual(['Member', 'Public']);
  });

  it('hears plainly when no round is open', async () => {
    const t = createTestBot();
    const resident = t.resident(2001, 'en');
    await resident.send('/start');
    expect(resident.lastText()).toBe('No survey is open right now. We will let you know when the next one opens.');
    expect(t.db.select().from(responses).all()).toEqual([]);
  });

  it('finishes, sees a summary, submits and is thanked; every answer is stored', async () => {
    const t = createTestBot();
    const resident = await startedResident(t);
    await answerAll(resident);
    const summary = resident.lastBotMessage();
    expect(summary?.text).toContain('Please check your answers');
    expect(summary?.text).toContain('→ Member');
    expect(summary?.text).toContain('→ Online');
    expect(summary?.text).toContain('→ Keep going');
    expect(resident.buttons()).toEqual(['◀ Back', '✅ Submit']);
    await resident.press('✅ Submit');
    expect(resident.lastText()).toBe('Thank you for taking part! Your answers have been recorded anonymously.');
    expect(liveKeyboards(resident)).toEqual([]);
    expect(storedAnswers(t)).toEqual({ role: 'member', satisfaction: '80', channels: '["online"]', comment: 'Keep going' });
    expect(t.db.select().from(responses).get()).toMatchObject({ status: 'completed', language: 'en' });
  });

  it('sees the answer just given on top of the next question, in the same message, the one live prompt', async () => {
    const t = createTestBot();
    const resident = await startedResident(t);
    const before = resident.botMessages().length;
    const question = resident.lastBotMessage()!;
    await resident.press('Public');
    // One call to the chat: the pressed question became the next one, no new message.
    expect(resident.botMessages()).toHaveLength(before);
    expect(resident.lastBotMessage()?.message_id).toBe(question.message_id);
    expect(liveKeyboards(resident)).toHaveLength(1);
    expect(resident.lastText()).toMatch(/^✓ 1\/5 Public\n\n2 \/ 5\nAre you satisfied\?/);
    expect(resident.buttons()).toEqual([
      'Very satisfied',
      'Satisfied',
      'Fairly satisfied',
      'Not very satisfied',
      'Dissatisfied',
      "Don't know",
      '◀ Back',
    ]);
  });

  it('toggles several options, sees them marked, and confirms with Done', async () => {
    const t = createTestBot();
    const resident = await startedResident(t);
    await resident.press('Member');
    await resident.press('Satisfied');
    expect(resident.lastText()).toContain('Choose all that apply, then press Done.');
    await resident.press('Done ✔');
    expect(resident.lastCallbackAnswer()?.text).toBe('Please choose at least one option.');
    await resident.press('Notice board');
    await resident.press('Meetings');
    expect(resident.buttons()).toEqual(['✅ Notice board', 'Online', '✅ Meetings', 'Done ✔', '◀ Back']);
    await resident.press('✅ Notice board');
    await resident.press('Done ✔');
    expect(storedAnswers(t)['channels']).toBe('["meeting"]');
  });

  it('a double tap on a toggle (the second on a screen that did not show the first yet) selects it once, and shows what is stored', async () => {
    const t = createTestBot();
    const resident = await startedResident(t);
    await resident.press('Member');
    await resident.press('Satisfied');
    const question = resident.lastBotMessage()!;
    const data = question.replyMarkup!.inline_keyboard.flat().find((b) => b.text === 'Online')!;
    // Both taps reach the bot with the message as it was before either was handled.
    await Promise.all([
      resident.pressData((data as { callback_data: string }).callback_data, question.message_id),
      resident.pressData((data as { callback_data: string }).callback_data, question.message_id),
    ]);
    expect(t.db.select({ draft: responses.draft }).from(responses).get()).toEqual({ draft: '["online"]' });
    expect(resident.buttons(question.message_id)).toEqual(['Notice board', '✅ Online', 'Meetings', 'Done ✔', '◀ Back']);
    // A tap on the screen as it is now takes it off again.
    await resident.press('✅ Online');
    expect(t.db.select({ draft: responses.draft }).from(responses).get()).toEqual({ draft: '[]' });
    expect(resident.buttons(question.message_id)).toEqual(['Notice board', 'Online', 'Meetings', 'Done ✔', '◀ Back']);
    expect(t.telegram.calls.filter((c) => !c.result.ok)).toEqual([]);
  });

  it('goes Back, sees the earlier answer marked, changes it, and skips an optional question', async () => {
    const t = createTestBot();
    const resident = await startedResident(t);
    await resident.press('Member');
    await resident.press('◀ Back');
    expect(resident.lastText()).toMatch(/^1 \/ 5\nWho are you\?/);
    expect(resident.buttons()).toEqual(['✓ Member', 'Public']);
    await resident.press('Public');
    expect(resident.lastText()).toMatch(/^✓ 1\/5 Public\n\n2 \/ 5/);
    await resident.press('Satisfied');
    await resident.press('Online');
    await resident.press('Done ✔');
    expect(resident.buttons()).toEqual(['◀ Back', 'Skip ▶']);
    await resident.press('Skip ▶');
    expect(resident.lastText()).toMatch(/^✓ 4\/4 \(skipped\)\n\nPlease check your answers/);
    expect(storedAnswers(t)).toEqual({ role: 'public', satisfaction: '80', channels: '["online"]', comment: null });
    expect(liveKeyboards(resident)).toHaveLength(1);
  });

  it('is asked a conditional question only when it applies, and loses its answer when it stops applying', async () => {
    const t = createTestBot();
    const resident = await startedResident(t);
    await resident.press('Member');
    await resident.press('Dissatisfied');
    expect(resident.lastText()).toMatch(/^✓ 2\/5 Dissatisfied\n\n3 \/ 5\nMain reason\?/);
    await resident.press('Unfair');
    expect(storedAnswers(t)['reason']).toBe('unfair');
    await resident.press('◀ Back');
    await resident.press('◀ Back');
    await resident.press('Very satisfied');
    expect(resident.lastText()).toMatch(/^✓ 2\/4 Very satisfied\n\n3 \/ 4\nWhere do you hear about it\?/);
    expect(storedAnswers(t)).toEqual({ role: 'member', satisfaction: '100' });
  });

  it('gets one short, specific hint for input that does not fit, under the question still live', async () => {
    const t = createTestBot();
    const resident = await startedResident(t);
    const question = resident.lastBotMessage()!;
    const before = resident.botMessages().length;
    await resident.send('Member please');
    expect(resident.lastText()).toBe('⚠️ This question is answered with the buttons under it.');
    await resident.sendSticker();
    expect(resident.lastText()).toBe('⚠️ This question is answered with the buttons under it.');
    // One message per hint, and the question above keeps the only live buttons.
    expect(resident.botMessages()).toHaveLength(before + 2);
    expect(liveKeyboards(resident).map((m) => m.message_id)).toEqual([question.message_id]);
    await resident.press('Member');
    await resident.press('Satisfied');
    await resident.sendPhoto();
    expect(resident.lastText()).toBe('⚠️ Please choose from the options under the question, then press Done.');
    await resident.press('Online');
    await resident.press('Done ✔');
    await resident.sendVoice();
    expect(resident.lastText()).toBe('⚠️ This question takes a typed answer (up to 20 characters).');
    await resident.send('x'.repeat(21));
    expect(resident.lastText()).toMatch(/^⚠️ That answer is too long: 21 characters, and the limit is 20\./);
    expect(liveKeyboards(resident)).toHaveLength(1);
    expect(storedAnswers(t)).toEqual({ role: 'member', satisfaction: '80', channels: '["online"]' });
    await resident.send('短短的建議');
    expect(storedAnswers(t)['comment']).toBe('短短的建議');
  });

  it('gets the question with the hint when no question is live (its buttons were taken away)', async () => {
    const t = createTestBot();
    const resident = await startedResident(t);
    recordPrompt(t.db, resident.chatId, null);
    await resident.send('Member please');
    expect(resident.lastText()).toMatch(/^⚠️ This question is answered with the buttons under it\.\n\n1 \/ 5\nWho are you\?/);
    expect(resident.buttons()).toContain('Member');
  });

  it('changes nothing by pressing the same button twice', async () => {
    const t = createTestBot();
    const resident = await startedResident(t);
    const question = resident.lastBotMessage()!;
    await resident.pressData('1a:1:role:0', question.message_id);
    await resident.pressData('1a:1:role:1', question.message_id);
    expect(resident.lastCallbackAnswer()?.text).toBe('Already recorded for this question: Member');
    expect(storedAnswers(t)).toEqual({ role: 'member' });
    expect(resident.lastText()).toMatch(/^✓ 1\/5 Member\n\n2 \/ 5/);
  });

  it('changes nothing when Telegram delivers the same update again', async () => {
    const t = createTestBot();
    const resident = await startedResident(t);
    await resident.press('Member');
    const press = t.telegram.updates.at(-1)!;
    await resident.press('Satisfied');
    await resident.press('Online');
    const toggle = t.telegram.updates.at(-1)!;
    const before = storedAnswers(t);
    const messagesBefore = resident.botMessages().length;
    await t.bot.handleUpdate(press);
    await t.bot.handleUpdate(toggle);
    expect(storedAnswers(t)).toEqual(before);
    expect(t.db.select({ draft: responses.draft }).from(responses).get()).toEqual({ draft: '["online"]' });
    expect(resident.botMessages()).toHaveLength(messagesBefore);
  });

  it('after Telegram refused the next question, apologises, and a redelivered press shows it', async () => {
    const t = createTestBot();
    const resident = await startedResident(t);
    const question = resident.lastBotMessage()!;
    t.telegram.failNext('editMessageText', { error_code: 400, description: 'Bad Request: simulated failure' });
    await resident.press('Member');
    expect(storedAnswers(t)).toEqual({ role: 'member' });
    expect(resident.botMessages().at(-2)?.text).toMatch(/^1 \/ 5\nWho are you\?/);
    expect(resident.lastText()).toBe(TEXTS.en.somethingWentWrong);
    await t.bot.handleUpdate(t.telegram.updates.at(-1)!);
    expect(resident.botMessages().find((m) => m.message_id === question.message_id)?.text).toMatch(
      /^✓ 1\/5 Member\n\n2 \/ 5\nAre you satisfied\?/,
    );
    expect(storedAnswers(t)).toEqual({ role: 'member' });
    expect(liveKeyboards(resident)).toHaveLength(1);
  });

  it('when the next question cannot be shown for a while (429s), handles the press again a little later and shows it', async () => {
    const t = createTestBot();
    const resident = await startedResident(t);
    const busy = { error_code: 429, description: 'Too Many Requests: retry after 0', parameters: { retry_after: 0 } };
    // In-process, calls are answered below the client's retries and rate limits (helpers/in-process-api.ts),
    // so these refusals reach the update, which has to be handled again.
    t.telegram.failNext('editMessageText', busy, 4);
    await resident.press('Member');
    expect(resident.lastText()).toMatch(/^✓ 1\/5 Member\n\n2 \/ 5\nAre you satisfied\?/);
    expect(storedAnswers(t)).toEqual({ role: 'member' });
    expect(liveKeyboards(resident)).toHaveLength(1);
    expect(resident.botMessages().filter((m) => m.text === TEXTS.en.somethingWentWrong)).toEqual([]);
    // The update is handled again a second later (handle-update.ts's quick retries).
  }, 20_000);

  it('gets a short notice for forged or stale button data, and nothing changes', async () => {
    const t = createTestBot();
    const resident = await startedResident(t);
    const other = t.resident(2002, 'en');
    await other.send('/start');
    for (const data of ['garbage', '1a:1:role:7', '1a:1:nowhere:0', '1a:2:role:0', '1t:1:role:0', '1S:1', '1s:1:role']) {
      await resident.pressData(data);
      expect(resident.lastCallbackAnswer()?.text).toMatch(/not recognised|no longer active/);
    }
    expect(t.db.select().from(answers).all()).toEqual([]);
  });

  it('hears that a second /start after submitting is already counted', async () => {
    const t = createTestBot();
    const resident = await startedResident(t);
    await answerAll(resident);
    await resident.press('✅ Submit');
    await resident.send('/start');
    expect(resident.lastText()).toBe('You have completed “Test round”; your answers are counted. Thank you for taking part!');
    expect(t.db.select().from(responses).all()).toHaveLength(1);
  });

  it('resumes at the first unanswered question after leaving', async () => {
    const t = createTestBot();
    const resident = await startedResident(t);
    await resident.press('Member');
    await resident.send('/start');
    expect(resident.botMessages().at(-2)?.text).toBe('Welcome back! Continuing at question 2 / 5.');
    expect(resident.lastText()).toMatch(/^2 \/ 5/);
    expect(liveKeyboards(resident)).toHaveLength(1);
  });

  it('keeps the deep-link tag as the source, and ignores a tag Telegram would not send', async () => {
    const t = createTestBot();
    await t.openRound();
    await t.resident(2001).send('/start poster_east-gate');
    await t.resident(2002).send('/start <script>');
    expect(t.db.select({ source: responses.source }).from(responses).all()).toEqual([
      { source: 'poster_east-gate' },
      { source: null },
    ]);
  });
});

describe('languages', () => {
  it('follows Telegram’s language, else the default (zh-Hant)', async () => {
    const t = createTestBot();
    await t.openRound();
    for (const [id, code, expected] of [
      [1, 'zh-hans', '您的身份？'],
      [2, 'zh-TW', '您的身分？'],
      [3, 'en-GB', 'Who are you?'],
      [4, 'de', '您的身分？'],
    ] as const) {
      const resident = t.resident(3000 + id, code);
      await resident.send('/start');
      expect(resident.lastText()).toContain(expected);
    }
  });

  it('switches with /language and shows the current question again in the new language', async () => {
    const t = createTestBot();
    const resident = await startedResident(t, 2001, 'en');
    await resident.press('Member');
    await resident.send('/language');
    expect(resident.buttons()).toEqual(['繁體中文', '简体中文', '✓ English']);
    await resident.press('简体中文');
    expect(resident.botMessages().at(-2)?.text).toBe('语言已设为简体中文。');
    expect(resident.lastText()).toMatch(/^2 \/ 5\n您满意吗？/);
    expect(resident.buttons()).toContain('基本满意');
    expect(liveKeyboards(resident)).toHaveLength(1);
    expect(t.db.select().from(contacts).get()).toMatchObject({ language: 'zh-Hans' });
    expect(t.db.select().from(responses).get()).toMatchObject({ language: 'zh-Hans' });
  });
});

describe('groups and strangers', () => {
  it('points a group /start to the private chat with a button', async () => {
    const t = createTestBot();
    await t.openRound();
    t.telegram.group(-4242, 'Village chat');
    const resident = t.resident(2001, 'en');
    await resident.sendIn(-4242, '/start');
    const [pointer] = t.telegram.messages(-4242).filter((m) => m.from === 'bot');
    expect(pointer?.text).toContain('private chat');
    expect(pointer?.replyMarkup?.inline_keyboard[0]?.[0]).toMatchObject({
      text: 'Start the survey',
      url: `https://t.me/${t.telegram.botInfo.username}?start=group`,
    });
    expect(t.db.select().from(responses).all()).toEqual([]);
  });

  it('tells someone who types without starting how to begin', async () => {
    const t = createTestBot();
    await t.openRound();
    const resident = t.resident(2001, 'en');
    await resident.send('hello?');
    expect(resident.lastText()).toBe('Send /start to fill in the survey, or /language to change the language.');
    await resident.send('/unknown_command');
    expect(resident.lastText()).toBe('Send /start to fill in the survey, or /language to change the language.');
  });
});

describe('privacy', () => {
  it('stores no user id, username or name with responses', async () => {
    const t = createTestBot();
    await t.openRound();
    const resident = t.telegram.user(987654321, { first_name: 'Wang', username: 'wang_xiaoming', language_code: 'en' });
    await resident.send('/start');
    await answerAll(resident);
    await resident.press('✅ Submit');
    const dump = JSON.stringify([t.db.select().from(responses).all(), t.db.select().from(answers).all()]);
    for (const secret of ['987654321', 'wang_xiaoming', 'Wang']) expect(dump).not.toContain(secret);
    expect(t.db.select().from(responses).get()?.respondentKey).toMatch(/^[0-9a-f]{64}$/);
  });
});
