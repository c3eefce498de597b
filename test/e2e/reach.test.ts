import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEXTS } from '../../src/texts/resident.js';
import { keyFilePath, respondentKey } from '../../src/privacy/pseudonym.js';
import { queryDatabase, runBotToExit, startBotProcess, temporaryDatabasePath, type BotProcess } from '../helpers/bot-process.js';
import { startFakeBotApi, type FakeBotApiServer } from '../helpers/fake-bot-api-server.js';
import { FakeTelegram, type FakeUser } from '../helpers/fake-telegram.js';
import { decodeQrPng } from '../helpers/qr-decode.js';
import { answerUntilSummary } from '../helpers/survey-driver.js';
import { until } from '../helpers/until.js';

/*
 * Reach end to end: the real bot process over HTTP against the fake Bot API,
 * reminding after two seconds. Posters, opt-out, a reminder across a
 * restart, counts per source everywhere they are shown, and the unlinking of
 * answers from chats when the round closes.
 */

const ADMIN = 9001;
const TITLE = 'Reach survey';

let telegram: FakeTelegram;
let server: FakeBotApiServer;
let bot: BotProcess;
let databasePath: string;

const environment = () => ({
  BOT_TOKEN: telegram.token,
  TELEGRAM_API_ROOT: server.apiRoot,
  DATABASE_PATH: databasePath,
  ADMIN_CHAT_IDS: `${ADMIN}`,
  DIGEST_TIMEZONE: 'UTC',
  REMIND_AFTER: '2s',
});

const botMessages = (user: FakeUser) => telegram.messages(user.chatId).filter((m) => m.from === 'bot');
/** The admin's latest answer, leaving out a digest the bot may send late at start-up. */
const lastReply = () => botMessages(telegram.user(ADMIN)).filter((m) => !m.text.startsWith('📊')).at(-1);
const announcements = (user: FakeUser) => botMessages(user).filter((m) => m.text.startsWith('📣'));
const reminders = (user: FakeUser) => botMessages(user).filter((m) => m.text.startsWith('You have not finished'));
/** Messages carrying the buttons of a question: one at most, the live prompt. */
const questionPrompts = (user: FakeUser) =>
  botMessages(user).filter((m) => m.replyMarkup?.inline_keyboard.flat().some((b) => 'callback_data' in b && /^1[atdsbS]:/.test(b.callback_data)));

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Answers the question on screen with its first option (a typed line for a text question), `count` times. */
async function answerSome(user: FakeUser, count: number): Promise<void> {
  const t = TEXTS.en;
  for (let i = 0; i < count; i++) {
    const buttons = user.buttons().filter((b) => b !== t.back && b !== t.skip && b !== t.done);
    if (buttons.length === 0) await user.send('a line');
    else await user.press(buttons[0]!);
    if (user.buttons().includes(t.done)) await user.press(t.done);
  }
}

/** Responses of round 1 whose key is the HMAC of some contact's chat id, computed as anyone holding the database and its key file could. */
function linkableResponses(): number[] {
  const secret = readFileSync(keyFilePath(databasePath), 'utf8').trim();
  const chats = queryDatabase<{ chat_id: number }>(databasePath, 'select chat_id from contacts');
  const hmacs = new Set(chats.map((c) => respondentKey(secret, c.chat_id)));
  return queryDatabase<{ id: number; respondent_key: string }>(databasePath, 'select id, respondent_key from responses where round_id = 1')
    .filter((r) => hmacs.has(r.respondent_key))
    .map((r) => r.id);
}

async function completeVia(id: number, start: string): Promise<void> {
  const resident = telegram.user(id, { language_code: 'en' });
  await resident.send(start);
  await answerUntilSummary(resident, 'en');
  await resident.press(TEXTS.en.submit);
}

beforeAll(async () => {
  telegram = new FakeTelegram();
  server = await startFakeBotApi(telegram);
  databasePath = temporaryDatabasePath();
  telegram.user(ADMIN, { first_name: 'Admin', language_code: 'en' });
  telegram.addChat(ADMIN);
  bot = await startBotProcess(environment(), { server });
  // Reports sent to every admin chat follow the language chosen there.
  await telegram.user(ADMIN).send('/language');
  await telegram.user(ADMIN).press('✓ English');
}, 60_000);

afterAll(async () => {
  await bot?.stop();
  await server?.close();
});

describe('reach over HTTP', () => {
  it('makes a poster whose QR code reads back as the deep link, and explains a bad tag in one line', async () => {
    const admin = telegram.user(ADMIN);
    await admin.send('/poster east_gate Come and say what you think');
    const poster = lastReply()!;
    expect(poster.kind).toBe('document');
    expect(poster.document?.filename).toBe('manyi-poster-east_gate.png');
    expect(decodeQrPng(poster.document!.data!)).toBe('https://t.me/manyi_test_bot?start=east_gate');

    await admin.send('/poster 東門');
    expect(lastReply()?.text).toBe('A tag is 1–64 letters A–Z or a–z, digits, _ or -, for example: /poster east_gate Have your say');
  }, 60_000);

  let told: FakeUser;
  let quiet: FakeUser;

  it('announces a round to residents with a "don\'t notify me" button, and not to one who said /notify off', async () => {
    quiet = telegram.user(9101, { language_code: 'en' });
    told = telegram.user(9102, { language_code: 'en' });
    await quiet.send('/start');
    await quiet.send('/notify off');
    await told.send('/start');
    await telegram.user(ADMIN).send(`/open_round ${TITLE}`);
    // Contacts are announced in chat id order: once `told` has it, `quiet` was passed over.
    await until(() => announcements(told).length === 1, 'the announcement');
    expect(told.buttons(announcements(told)[0]!.message_id)).toEqual(["🔕 Don't notify me"]);
    expect(announcements(quiet)).toEqual([]);
  }, 30_000);

  it('reminds once, REMIND_AFTER after the last answer; Continue shows where they stopped; a restart sends no second reminder', async () => {
    await told.send('/start north_lane');
    await answerSome(told, 2);
    // The question they stopped at, below the line with their last answer.
    const [lastAnswer, stoppedAt] = told.lastText()!.split(/(?<=^✓ [^\n]*)\n\n/);
    expect(lastAnswer).toMatch(/^✓ 2\/1[56] /);
    expect(stoppedAt).toMatch(/^3 \/ 1[56]/);
    const answeredAt = Date.now();
    await quiet.send('/start');
    await answerSome(quiet, 1);

    await until(() => reminders(told).length > 0, 'the reminder');
    expect(Date.now() - answeredAt).toBeGreaterThanOrEqual(1_900);
    const [reminder] = reminders(told);
    expect(reminder!.text).toMatch(/^You have not finished “.+” yet; you stopped at question 3 \/ 1[56]\. Press Continue/);
    expect(told.buttons(reminder!.message_id)).toEqual(['▶ Continue', "🔕 Don't notify me"]);

    await told.press('▶ Continue');
    const prompt = told.lastBotMessage()!;
    expect(prompt.text).toBe(stoppedAt);
    expect(prompt.message_id).toBeGreaterThan(reminder!.message_id);
    expect(questionPrompts(told).map((m) => m.message_id)).toEqual([prompt.message_id]);

    expect(await bot.stop('SIGTERM')).toBe(0);
    bot = await startBotProcess(environment(), { server });
    await answerSome(told, 1);
    expect(told.lastText()).toMatch(/^✓ 3\/1[56] [^\n]*\n\n4 \/ 1[56]/);
    // Three times REMIND_AFTER: the reminder would have come again by now.
    await pause(6_000);
    expect(reminders(told)).toHaveLength(1);
    expect(reminders(quiet)).toEqual([]);
    expect(announcements(quiet)).toEqual([]);
  }, 60_000);

  it('counts residents from two tags and none in /sources, /status, the digest and the final report', async () => {
    for (let id = 9201; id <= 9205; id++) await completeVia(id, '/start east_gate');
    await completeVia(9206, '/start north_lane');
    await completeVia(9207, '/start');
    const admin = telegram.user(ADMIN);
    const counts = ['east_gate: 5 completed / 5 started', 'direct: 1 completed / 2 started', 'north_lane: 1 completed / 2 started'];

    await admin.send('/sources');
    const sources = lastReply()!.text.split('\n');
    expect(sources[0]).toBe(`Round 1 “${TITLE}”: respondents per source`);
    expect(sources[1]).toMatch(/^east_gate: 5 completed \/ 5 started, index \d+\.\d ±\d+\.\d \(n = 5\)$/);
    expect(sources.slice(2, 4)).toEqual(counts.slice(1));

    await admin.send('/status');
    expect(lastReply()!.text).toContain(['Where respondents came from', ...counts].join('\n'));

    await admin.send('/digest');
    const digest = botMessages(admin).filter((m) => m.text.startsWith('📊')).at(-1)!;
    expect(digest.text).toContain(['Where respondents came from', ...counts].join('\n'));

    // While the round is open every response is found by the HMAC of its resident's id.
    expect(linkableResponses()).toHaveLength(9);
    await admin.send('/close_round');
    const report = lastReply()!.text;
    expect(report).toMatch(/^Round 1 “Reach survey” is closed: 7 completed, 9 started\./);
    expect(report).toMatch(/\nWhere respondents came from\neast_gate: 5 completed \/ 5 started, index \d+\.\d ±\d+\.\d \(n = 5\)\ndirect: 1 completed \/ 2 started\nnorth_lane: 1 completed \/ 2 started/);
  }, 120_000);

  it('leaves no response of the closed round that the HMAC of any contact’s id matches', () => {
    expect(queryDatabase(databasePath, 'select id from responses where round_id = 1')).toHaveLength(9);
    expect(linkableResponses()).toEqual([]);
  });
});

describe('REMIND_AFTER', () => {
  it.each(['soon', '2', '0m'])('stops start-up with one line naming it when it is %j', async (value) => {
    const { code, output } = await runBotToExit({ BOT_TOKEN: '123456789:AAExampleTokenForStartUpTests_xyz', REMIND_AFTER: value });
    expect(code).toBe(1);
    expect(output.trim()).toBe(`REMIND_AFTER should be a duration like 24h, 90m or 45s, or off (got "${value}").`);
  }, 30_000);
});
