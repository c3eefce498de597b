import { writeFileSync } from 'node:fs';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { setCommandMenus } from '../../../src/bot/command-menus.js';
import { saveUpload } from '../../../src/db/questionnaire-versions.js';
import { answers, contacts, previews, responses } from '../../../src/db/schema.js';
import type { FakeUser } from '../../helpers/fake-telegram.js';
import { ADMIN_GROUP_ID, ADMIN_ID, createTestBot, type TestBot } from '../../helpers/bot-harness.js';
import { SMALL_YAML } from '../../helpers/questionnaires.js';

const MARK = '🔍 Preview · nothing is recorded';
const NOW = new Date('2026-11-24T08:00:00Z');

/** Messages from the bot that still carry buttons: there should be one at most, the prompt. */
function liveKeyboards(user: FakeUser) {
  return user.botMessages().filter((m) => (m.replyMarkup?.inline_keyboard.length ?? 0) > 0);
}

/** The bot's messages since `from`, as the admin reads them. */
const textsSince = (user: FakeUser, from: number) => user.botMessages().slice(from).map((m) => m.text);

const previewRows = (t: TestBot) => t.db.select().from(previews).all();

/** Answers the small questionnaire up to its summary (from the first question), skipping the suggestion unless given. */
async function answerToSummary(user: FakeUser, suggestion?: string) {
  await user.press('Public');
  await user.press('Satisfied');
  await user.press('Online');
  await user.press('Done ✔');
  if (suggestion === undefined) await user.press('Skip ▶');
  else await user.send(suggestion);
}

/** Everything a preview must leave as it was: responses, answers, contacts and what an export would hold. */
function surveyData(t: TestBot) {
  return {
    responses: t.db.select().from(responses).all(),
    answers: t.db.select().from(answers).all(),
    contacts: t.db.select().from(contacts).all(),
  };
}

describe('an admin previewing the next questionnaire', () => {
  it('walks through every question type as a resident would, every message marked, and leaves nothing behind', async () => {
    const t = createTestBot();
    const admin = t.admin;
    await admin.send('/preview');
    const [intro, first] = admin.botMessages();
    expect(intro?.text).toMatch(
      /^🔍 Preview · nothing is recorded\n\nThis is the questionnaire the next round will use \(the questionnaire file on the server \([0-9a-f]{12}\)\), in English, exactly as residents see it\. Answer as a resident would: nothing is recorded, and no figure changes\. \/preview starts again\.\n\n/,
    );
    // Then the greeting a resident gets.
    expect(intro?.text).toMatch(/\n\nHello! This is Small survey\.\n\nFor tests\.\n\nThere are 5 questions; it takes about 2 minutes\./);
    expect(first?.text).toBe(`${MARK}\n\n1 / 5\nWho are you?`);
    expect(admin.buttons()).toEqual(['Member', 'Public']);

    await admin.press('Member');
    // The pressed question becomes the next one, the answer on top: no new message.
    expect(admin.botMessages()).toHaveLength(2);
    expect(admin.botMessages()[1]?.text).toMatch(/^🔍 Preview · nothing is recorded\n\n✓ 1\/5 Member\n\n2 \/ 5\nAre you satisfied\?/);
    expect(admin.buttons()).toContain('◀ Back');
    // A condition: "Main reason?" only for the dissatisfied.
    await admin.press('Dissatisfied');
    expect(admin.lastText()).toBe(`${MARK}\n\n✓ 2/5 Dissatisfied\n\n3 / 5\nMain reason?`);
    await admin.press('Unfair');
    await admin.press('◀ Back');
    await admin.press('◀ Back');
    expect(admin.buttons()).toContain('✓ Dissatisfied');
    await admin.press('Very satisfied');
    expect(admin.lastText()).toMatch(/^🔍 Preview · nothing is recorded\n\n✓ 2\/4 Very satisfied\n\n3 \/ 4\nWhere do you hear about it\?/);

    // A multi question: toggles, then Done; Done with nothing chosen is refused.
    await admin.press('Done ✔');
    expect(admin.lastCallbackAnswer()?.text).toBe('Please choose at least one option.');
    await admin.press('Notice board');
    await admin.press('Meetings');
    await admin.press('✅ Notice board');
    expect(admin.buttons()).toEqual(['Notice board', 'Online', '✅ Meetings', 'Done ✔', '◀ Back']);
    await admin.press('Done ✔');

    // A text question with its length limit, and input that fits no question.
    expect(admin.lastText()).toBe(`${MARK}\n\n✓ 3/4 Meetings\n\n4 / 4 (optional)\nAny suggestion?\n\nType your answer (up to 20 characters).`);
    await admin.sendSticker();
    expect(admin.lastText()).toBe(`${MARK}\n\n⚠️ This question takes a typed answer (up to 20 characters).`);
    await admin.send('x'.repeat(21));
    expect(admin.lastText()).toBe(
      `${MARK}\n\n⚠️ That answer is too long: 21 characters, and the limit is 20. Please shorten it and send it again.`,
    );
    await admin.send('Fine as it is');
    const summary = admin.lastText();
    expect(summary).toBe(
      `${MARK}\n\nPlease check your answers\n\n1. Who are you?\n→ Member\n\n2. Are you satisfied?\n→ Very satisfied\n\n` +
        '3. Where do you hear about it?\n→ Meetings\n\n4. Any suggestion?\n→ Fine as it is\n\n' +
        'If everything is right, press Submit; to change an answer, press Back.',
    );
    expect(admin.buttons()).toEqual(['◀ Back', '✅ Submit']);

    // Back from the summary, and Skip on the optional question.
    await admin.press('◀ Back');
    await admin.press('Skip ▶');
    expect(admin.lastText()).toContain('→ (skipped)');
    await admin.press('✅ Submit');
    expect(admin.botMessages().at(-2)?.text).toMatch(/Please check your answers[\s\S]*✓ Submitted$/);
    expect(admin.lastText()).toBe(`${MARK}\n\nPreview finished: nothing was recorded. Send /preview to go through it again.`);

    for (const message of admin.botMessages()) expect(message.text.startsWith(`${MARK}\n\n`)).toBe(true);
    expect(liveKeyboards(admin)).toEqual([]);
    expect(previewRows(t)).toEqual([]);
    expect(surveyData(t)).toEqual({ responses: [], answers: [], contacts: [] });
  });

  it('shows each question exactly as a resident sees it, but for the mark and its own button data', async () => {
    const t = createTestBot();
    await t.openRound();
    const resident = t.resident(2001, 'en');
    await resident.send('/start');
    await resident.press('Member');
    await t.admin.send('/preview');
    await t.admin.press('Member');
    const seen = (user: FakeUser) => user.lastBotMessage()!;
    expect(seen(t.admin).text).toBe(`${MARK}\n\n${seen(resident).text}`);
    expect(t.admin.buttons()).toEqual(resident.buttons());
    const data = (user: FakeUser) => seen(user).replyMarkup!.inline_keyboard.flat().map((b) => ('callback_data' in b ? b.callback_data : ''));
    for (const value of data(t.admin)) expect(value).toMatch(/^P1[ab]:\d+:satisfaction(:\d+)?$/);
    for (const value of data(resident)) expect(value).toMatch(/^1[ab]:\d+:satisfaction(:\d+)?$/);
  });

  it('speaks the language asked for, else the chat’s, and explains a language it does not know in one line', async () => {
    const t = createTestBot();
    await t.admin.send('/preview zh-Hans');
    expect(t.admin.lastText()).toBe('🔍 预览・不会记录任何回答\n\n1 / 5\n您的身份？');
    expect(t.admin.buttons()).toEqual(['党员', '群众']);
    await t.admin.press('党员');
    expect(t.admin.buttons()).toContain('◀ 上一题');

    await t.admin.send('/preview ZH-HANT');
    expect(t.admin.lastText()).toBe('🔍 預覽・不會記錄任何回答\n\n1 / 5\n您的身分？');
    await t.admin.send('/preview');
    expect(t.admin.lastText()).toBe(`${MARK}\n\n1 / 5\nWho are you?`);

    const before = t.admin.botMessages().length;
    await t.admin.send('/preview fr');
    expect(textsSince(t.admin, before)).toEqual([
      '“fr” is not a language to preview in. Send /preview, or /preview zh-Hant, /preview zh-Hans or /preview en.',
    ]);
    // The preview under way goes on.
    const [prompt] = liveKeyboards(t.admin);
    expect(liveKeyboards(t.admin)).toHaveLength(1);
    await t.admin.press('Public');
    expect(t.admin.botMessages().find((m) => m.message_id === prompt!.message_id)?.text).toMatch(
      /^🔍 Preview · nothing is recorded\n\n✓ 1\/5 Public\n\n2 \/ 5\nAre you satisfied\?/,
    );
  });

  it('starts again from the first question on a second /preview, retiring the first one’s buttons', async () => {
    const t = createTestBot();
    await t.admin.send('/preview');
    const first = previewRows(t)[0]!.id;
    await t.admin.press('Member');
    const stale = t.admin.lastBotMessage()!;
    await t.admin.send('/preview');
    expect(t.admin.lastText()).toBe(`${MARK}\n\n1 / 5\nWho are you?`);
    expect(liveKeyboards(t.admin).map((m) => m.message_id)).toEqual([t.admin.lastBotMessage()!.message_id]);
    expect(previewRows(t)).toHaveLength(1);
    // A button of the first preview, pressed now: the usual notice, nothing changes.
    expect(stale.replyMarkup).toBeDefined();
    expect(t.admin.botMessages().find((m) => m.message_id === stale.message_id)?.replyMarkup).toBeUndefined();
    await t.admin.pressData(`P1a:${first}:satisfaction:0`, stale.message_id);
    expect(t.admin.lastCallbackAnswer()?.text).toBe('This button is no longer active; please use the latest message.');
    expect(previewRows(t)[0]).toMatchObject({ cursor: 'role', answers: '{}' });
  });

  it('gives forged or stale preview data the usual short notice, and changes nothing', async () => {
    const t = createTestBot();
    await t.admin.send('/preview');
    const id = previewRows(t)[0]!.id;
    for (const [data, notice] of [
      ['Pgarbage', 'This button is not recognised.'],
      ['P1L:en', 'This button is not recognised.'],
      [`P1a:${id}:role:7`, 'This button is no longer active; please use the latest message.'],
      [`P1a:${id}:nowhere:0`, 'This button is no longer active; please use the latest message.'],
      [`P1a:${id + 1}:role:0`, 'This button is no longer active; please use the latest message.'],
      [`P1t:${id}:role:0`, 'This button is no longer active; please use the latest message.'],
      [`P1S:${id}`, 'This button is no longer active; please use the latest message.'],
    ] as const) {
      await t.admin.pressData(data);
      expect(t.admin.lastCallbackAnswer()?.text).toBe(notice);
    }
    expect(previewRows(t)[0]).toMatchObject({ cursor: 'role', answers: '{}', draft: null });
    expect(liveKeyboards(t.admin)).toHaveLength(1);
  });

  it('changes nothing when Telegram delivers the same updates again', async () => {
    const t = createTestBot();
    await t.admin.send('/preview');
    const start = t.telegram.updates.at(-1)!;
    await t.admin.press('Member');
    const press = t.telegram.updates.at(-1)!;
    await t.admin.press('Satisfied');
    await t.admin.press('Online');
    const toggle = t.telegram.updates.at(-1)!;
    const row = previewRows(t)[0];
    const messages = t.admin.botMessages();
    for (const update of [start, press, toggle]) await t.bot.handleUpdate(update);
    expect(previewRows(t)).toEqual([row]);
    expect(t.admin.botMessages()).toEqual(messages);
    expect(row).toMatchObject({ cursor: 'channels', draft: '["online"]' });
  });

  it('finishes on a redelivered Submit when Telegram refused the end at first, apologising in the preview’s voice', async () => {
    const t = createTestBot();
    await t.admin.send('/preview');
    await answerToSummary(t.admin);
    t.telegram.failNext('sendMessage', { error_code: 400, description: 'Bad Request: simulated failure' });
    await t.admin.press('✅ Submit');
    expect(t.admin.lastText()).toBe(`${MARK}\n\nSorry, something went wrong. Please try again later, or send /start to continue.`);
    expect(previewRows(t)).toHaveLength(1);
    await t.bot.handleUpdate(t.telegram.updates.at(-1)!);
    expect(t.admin.lastText()).toBe(`${MARK}\n\nPreview finished: nothing was recorded. Send /preview to go through it again.`);
    expect(previewRows(t)).toEqual([]);
    // And once more: the preview is over, nothing is sent.
    const count = t.admin.botMessages().length;
    await t.bot.handleUpdate(t.telegram.updates.at(-1)!);
    expect(t.admin.botMessages()).toHaveLength(count);
  });

  it('refuses to preview a questionnaire with mistakes, listing them as /open_round does', async () => {
    const t = createTestBot();
    writeFileSync(t.questionnairePath, SMALL_YAML.replace('en: Who are you? }', '}').replace('- id: reason', '- id: role'));
    await t.admin.send('/open_round Refused');
    const refusal = t.admin.lastText()!;
    await t.admin.send('/preview');
    expect(t.admin.lastText()).toBe(
      refusal.replace('has 2 problems, so no round was opened:', 'has 2 problems, so it cannot be previewed:'),
    );
    expect(t.admin.lastText()).toMatch(/^The questionnaire file on the server has 2 problems, so it cannot be previewed:\n• questions\[0\]\.text\.en/);
    expect(previewRows(t)).toEqual([]);
  });

  it('previews the newest upload, which is what the next round will use', async () => {
    const t = createTestBot({ now: () => NOW });
    // Stored as an upload in chat stores it (uploads over HTTP: test/e2e/questionnaire-upload.test.ts).
    saveUpload(t.db, SMALL_YAML.replace('en: Who are you? }', 'en: What is your role? }'), NOW);
    await t.admin.send('/preview');
    expect(t.admin.botMessages().at(-2)?.text).toContain('(version 1, uploaded 2026-11-24 16:00 (');
    expect(t.admin.lastText()).toBe(`${MARK}\n\n1 / 5\nWhat is your role?`);
  });
});

describe('a preview and the real survey in the same chat', () => {
  it('left half-way, gives way to a real /start, which begins afresh and retires the preview’s question', async () => {
    const t = createTestBot();
    await t.openRound();
    await t.admin.send('/preview');
    await t.admin.press('Member');
    await t.admin.press('Dissatisfied');
    const previewQuestion = t.admin.lastBotMessage()!;

    await t.admin.send('/start');
    const [greeting, question] = t.admin.botMessages().slice(-2);
    expect(greeting?.text).toMatch(/^Hello! This is Small survey\./);
    expect(question?.text).toMatch(/^1 \/ 5\nWho are you\?/);
    expect(t.admin.buttons()).toEqual(['Member', 'Public']);
    expect(liveKeyboards(t.admin).map((m) => m.message_id)).toEqual([question!.message_id]);
    expect(previewRows(t)).toEqual([]);
    // The preview's answers are none of the response's.
    expect(t.db.select().from(answers).all()).toEqual([]);

    // Its old question, pressed anyway: the usual notice, and the real survey goes on.
    await t.admin.pressData(`P1a:1:reason:0`, previewQuestion.message_id);
    expect(t.admin.lastCallbackAnswer()?.text).toBe('This button is no longer active; please use the latest message.');
    await t.admin.press('Public');
    expect(t.db.select({ questionId: answers.questionId, value: answers.value }).from(answers).all()).toEqual([
      { questionId: 'role', value: 'public' },
    ]);
    expect(t.admin.lastText()).toMatch(/^✓ 1\/5 Public\n\n2 \/ 5\nAre you satisfied\?/);
  });

  it('takes over from a real survey under way, which /start then resumes where it stood', async () => {
    const t = createTestBot();
    await t.openRound();
    await t.admin.send('/start');
    await t.admin.press('Member');
    await t.admin.send('/preview');
    expect(liveKeyboards(t.admin).map((m) => m.text)).toEqual([`${MARK}\n\n1 / 5\nWho are you?`]);
    // Typed text goes to the preview, not to the response.
    await t.admin.send('Member?');
    expect(t.admin.lastText()).toBe(`${MARK}\n\n⚠️ This question is answered with the buttons under it.`);
    await t.admin.press('Public');

    await t.admin.send('/start');
    expect(t.admin.botMessages().at(-2)?.text).toBe('Welcome back! Continuing at question 2 / 5.');
    expect(t.admin.lastText()).toMatch(/^2 \/ 5\nAre you satisfied\?/);
    expect(liveKeyboards(t.admin)).toHaveLength(1);
    expect(t.db.select({ questionId: answers.questionId, value: answers.value }).from(answers).all()).toEqual([
      { questionId: 'role', value: 'member' },
    ]);
  });

  it('stores nothing: responses, answers, contacts and the export are the same before and after', async () => {
    const t = createTestBot({ now: () => NOW });
    await t.openRound();
    await t.settled();
    const resident = t.resident(2001, 'en');
    await resident.send('/start');
    await resident.press('Member');
    await t.admin.send('/export');
    const exportBefore = t.admin.lastBotMessage()!.document!.data!;
    await t.admin.send('/status');
    const statusBefore = t.admin.lastText();
    const before = surveyData(t);

    await t.admin.send('/preview');
    await answerToSummary(t.admin, 'Nothing stored');
    await t.admin.press('✅ Submit');
    expect(t.admin.lastText()).toMatch(/Preview finished: nothing was recorded\./);

    expect(surveyData(t)).toEqual(before);
    expect(before.responses).toHaveLength(1);
    expect(before.contacts.map((c) => c.chatId)).toEqual([2001]);
    expect(previewRows(t)).toEqual([]);
    await t.admin.send('/export');
    expect(t.admin.lastBotMessage()!.document!.data!.equals(exportBefore)).toBe(true);
    await t.admin.send('/status');
    expect(t.admin.lastText()).toBe(statusBefore);
  });
});

describe('where a preview runs', () => {
  it('points from an admin group to the private chat with a button, whose link begins the preview', async () => {
    const t = createTestBot();
    await t.admin.sendIn(ADMIN_GROUP_ID, '/preview');
    const pointer = t.telegram.messages(ADMIN_GROUP_ID).at(-1)!;
    expect(pointer.text).toBe('Previews run in a private chat with me (one that is an admin chat too). Tap the button below.');
    expect(pointer.replyMarkup?.inline_keyboard[0]?.[0]).toEqual({
      text: 'Preview in a private chat',
      url: `https://t.me/${t.telegram.botInfo.username}?start=preview`,
    });
    await t.admin.sendIn(ADMIN_GROUP_ID, '/preview@manyi_test_bot zh-Hant');
    expect(t.telegram.messages(ADMIN_GROUP_ID).at(-1)?.replyMarkup?.inline_keyboard[0]?.[0]).toMatchObject({
      url: `https://t.me/${t.telegram.botInfo.username}?start=preview-zh-Hant`,
    });
    await t.admin.sendIn(ADMIN_GROUP_ID, '/preview klingon');
    expect(t.telegram.messages(ADMIN_GROUP_ID).at(-1)?.text).toMatch(/^“klingon” is not a language to preview in\./);

    await t.admin.send('/start preview-zh-Hant');
    expect(t.admin.lastText()).toBe('🔍 預覽・不會記錄任何回答\n\n1 / 5\n您的身分？');
    await t.admin.send('/start preview');
    expect(t.admin.lastText()).toBe(`${MARK}\n\n1 / 5\nWho are you?`);
    expect(t.db.select().from(responses).all()).toEqual([]);
  });

  it('is refused to anyone else with the usual refusal that reveals nothing, and their chat is untouched', async () => {
    const t = createTestBot();
    await t.openRound();
    const resident = t.resident(2001, 'en');
    for (const command of ['/preview', '/preview en', '/start preview', '/start preview-en']) {
      await resident.send(command);
      expect(resident.lastText()).toBe('This command is not available here.');
    }
    t.telegram.group(-777, 'Some group');
    await resident.sendIn(-777, '/preview');
    expect(t.telegram.messages(-777).at(-1)?.text).toBe('This command is not available here.');
    await resident.pressData('P1a:1:role:0');
    expect(resident.lastCallbackAnswer()?.text).toBe('This button is not recognised.');
    expect(previewRows(t)).toEqual([]);
    expect(t.db.select().from(responses).all()).toEqual([]);
  });

  it('is in the admins’ /help and command menus', async () => {
    const t = createTestBot();
    await t.admin.send('/help');
    expect(t.admin.lastText()).toContain(
      '/preview [zh-Hant|zh-Hans|en] — walk through the next round’s questionnaire as a resident would, in a private chat; nothing is recorded',
    );
    await setCommandMenus(t.bot.api, { adminChatIds: [ADMIN_ID], defaultLanguage: 'zh-Hant', logger: pino({ level: 'silent' }) });
    expect(t.telegram.commands({ type: 'chat', chat_id: ADMIN_ID }, 'zh')).toContainEqual({ command: 'preview', description: '預覽下一輪的問卷' });
    expect(t.telegram.commands({ type: 'default' }, 'en').map((c) => c.command)).not.toContain('preview');
  });
});
