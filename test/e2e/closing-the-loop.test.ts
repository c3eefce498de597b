import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEXTS } from '../../src/texts/resident.js';
import { queryDatabase, startBotProcess, temporaryDatabasePath, type BotProcess } from '../helpers/bot-process.js';
import { startFakeBotApi, type FakeBotApiServer } from '../helpers/fake-bot-api-server.js';
import { FakeTelegram, type FakeUser } from '../helpers/fake-telegram.js';
import { answerUntilSummary } from '../helpers/survey-driver.js';
import { until } from '../helpers/until.js';
import { readWorkbook, rowsOf } from '../helpers/xlsx.js';

/*
 * Closing the loop end to end: the real bot process over HTTP against the
 * fake Bot API. Coverage targets for two units, residents arriving by both;
 * what they wrote, counted per response; and "you said, we did" to those who
 * took part, once each, across a restart, after which no table lists them.
 */

const ADMIN = 9001;
const TITLE = 'Loop survey';
const OUTSIDER = 9300;
const OPTED_OUT = 9207;
/** Its feedback fails until the bot restarts: the send stops there, mid-way. */
const CUT_AT = 9205;

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
  REMIND_AFTER: 'off',
});

const botMessages = (user: FakeUser) => telegram.messages(user.chatId).filter((m) => m.from === 'bot');
const adminReplies = () => botMessages(telegram.user(ADMIN)).filter((m) => !m.text.startsWith('📊'));
const lastReply = () => adminReplies().at(-1);
const feedbackOf = (chatId: number) => botMessages(telegram.user(chatId)).filter((m) => m.text.startsWith('📢'));

/** Answers every question, alternating options so that no response is a straight line, with `text` as the suggestion. */
async function complete(id: number, start: string, text: string): Promise<void> {
  const resident = telegram.user(id, { language_code: 'en' });
  await resident.send(start);
  await answerUntilSummary(resident, 'en', (options, step) => options[step % 2] ?? options[0]!, () => text);
  await resident.press(TEXTS.en.submit);
}

/** Chat ids of residents who complete (east_gate: six, west_lane: three, direct: one) and who only start (west_lane). */
const EAST = [9201, 9202, 9203, 9204, 9205, 9206];
const WEST = [9207, 9208, 9209];
const DIRECT = 9211;
const WEST_STARTED = 9210;
const PARTICIPANTS = [...EAST, ...WEST, WEST_STARTED, DIRECT];

beforeAll(async () => {
  telegram = new FakeTelegram();
  server = await startFakeBotApi(telegram);
  databasePath = temporaryDatabasePath();
  telegram.user(ADMIN, { first_name: 'Admin', language_code: 'en' });
  telegram.addChat(ADMIN);
  bot = await startBotProcess(environment(), { server });
  await telegram.user(ADMIN).send('/language');
  await telegram.user(ADMIN).press('✓ English');
}, 60_000);

afterAll(async () => {
  await bot?.stop();
  await server?.close();
});

describe('closing the loop over HTTP', () => {
  it('keeps targets for two units, lists them, and explains a bad target in one line', async () => {
    const admin = telegram.user(ADMIN);
    await admin.send('/target east_gate 20');
    expect(lastReply()?.text).toBe('Target of east_gate: 20 completed responses.');
    await admin.send('/target west_lane 4');
    await admin.send('/target north_hill 9');
    await admin.send('/target north_hill off');
    expect(lastReply()?.text).toBe('The target of north_hill is removed.');
    for (const bad of ['/target east_gate 0', '/target east_gate 1000001', '/target 東門 5', '/target east_gate', '/target east_gate 2.5']) {
      await admin.send(bad);
      expect(lastReply()?.text).toMatch(/^Usage: \/target tag n \(a whole number from 1 to 1,000,000\) or \/target tag off/);
    }
    await admin.send('/targets');
    expect(lastReply()?.text).toBe('Targets per unit (completed responses)\neast_gate: 20\nwest_lane: 4');
  }, 60_000);

  it('counts residents who arrive by both units in /coverage and the digest, naming the lagging one', async () => {
    // Someone who talked to the bot before the round, and never takes part.
    await telegram.user(OUTSIDER, { language_code: 'en' }).send('/start');
    await telegram.user(ADMIN).send(`/open_round ${TITLE}`);
    for (const id of EAST.slice(0, 6)) await complete(id, '/start east_gate', 'Publish the results online please');
    for (const id of WEST) await complete(id, '/start west_lane', 'More training courses');
    await complete(DIRECT, '/start', 'More training courses');
    await telegram.user(WEST_STARTED, { language_code: 'en' }).send('/start west_lane');
    await telegram.user(OPTED_OUT).send('/notify off');

    const admin = telegram.user(ADMIN);
    await admin.send('/coverage');
    expect(lastReply()!.text.split('\n').slice(0, 5)).toEqual([
      `Round 1 “${TITLE}”: coverage per unit`,
      'east_gate: 6 completed / 6 started, target 20 (30%)',
      'west_lane: 3 completed / 4 started, target 4 (75%)',
      'direct: 1 completed / 1 started, no target',
      'Total: 9 completed of a target of 24 (38%)',
    ]);

    await admin.send('/digest');
    const digest = botMessages(admin).filter((m) => m.text.startsWith('📊')).at(-1)!.text;
    expect(digest).toContain(
      ['Coverage', 'Below half of their target: east_gate 6/20 (30%)', '1 more unit at half of their target or above', 'Total: 9 completed of a target of 24 (38%)'].join('\n'),
    );
    expect(digest).not.toMatch(/Below half of their target:.*west_lane/);
  }, 120_000);

  it('shows the terms of five responses or more in /themes, the digest and the workbook, and not a term of four', async () => {
    const admin = telegram.user(ADMIN);
    await admin.send('/themes');
    const themes = lastReply()!.text;
    expect(themes).toContain('• publish (6) 「Publish the results online please」');
    expect(themes).toContain('results (6)');
    expect(themes).not.toContain('training');
    expect(themes).not.toContain('courses');

    await admin.send('/digest');
    const digest = botMessages(admin).filter((m) => m.text.startsWith('📊')).at(-1)!.text;
    expect(digest).toContain('What residents wrote about\nThis week residents wrote most about: publish (6), results (6), online (6)');

    await admin.send('/report');
    const workbook = await readWorkbook(lastReply()!.document!.data!);
    const sheet = workbook.getWorksheet('Themes')!;
    const rows = rowsOf(sheet);
    expect(rows).toContainEqual(['suggestion', 'publish', 6]);
    expect(rows.filter((r) => r[1] === 'training')).toEqual([]);
    expect(rows.filter((r) => r[1] === 'Publish the results online please')).toEqual(
      Array.from({ length: 6 }, () => ['suggestion', 'Publish the results online please', 'publish, results, online']),
    );
    expect(rows.filter((r) => r[1] === 'More training courses')).toHaveLength(4);
    const summary = rowsOf(workbook.worksheets[0]!);
    expect(summary).toContainEqual(['east_gate', 6, 6, 20, 30]);
    expect(summary).toContainEqual(['west_lane', 4, 3, 4, 75]);
  }, 120_000);

  it('sends "you said, we did" once to each participant who did not opt out, across a restart, then forgets who took part', async () => {
    const admin = telegram.user(ADMIN);
    await admin.send('/feedback We publish the results on the notice board every month.');
    expect(lastReply()?.text).toBe('No round has closed yet: feedback goes out after a round closes.');
    await admin.send('/close_round');
    expect(lastReply()!.text).toContain(['Coverage', 'east_gate: 6 completed / 6 started, target 20 (30%)', 'west_lane: 3 completed / 4 started, target 4 (75%)'].join('\n'));
    expect(queryDatabase<{ n: number }>(databasePath, 'select count(*) as n from round_participants')[0]!.n).toBe(PARTICIPANTS.length);

    await admin.send('/feedback We publish the results <b>on the notice board</b> every month.');
    const preview = lastReply()!;
    expect(preview.text).toMatch(/^📢 You said, we did: “Loop survey”\n/);
    expect(preview.text).toContain('We publish the results <b>on the notice board</b> every month.');
    expect(admin.buttons(preview.message_id)).toEqual(['✅ Confirm and send', '✖ Cancel']);
    expect(PARTICIPANTS.flatMap(feedbackOf)).toEqual([]);

    server.failNext('sendMessage', '500', { chatId: CUT_AT, times: 4 });
    await admin.press('✅ Confirm and send');
    await until(() => bot.output().includes('feedback paused'), 'the feedback to stop at the failing chat', 30_000);
    expect(EAST.filter((id) => id < CUT_AT).map((id) => feedbackOf(id).length)).toEqual([1, 1, 1, 1]);

    expect(await bot.stop('SIGTERM')).toBe(0);
    server.clearFaults();
    bot = await startBotProcess(environment(), { server });
    await until(() => PARTICIPANTS.filter((id) => id !== OPTED_OUT).every((id) => feedbackOf(id).length > 0), 'the rest of the feedback');
    await until(() => queryDatabase(databasePath, "select id from round_feedback where status = 'sent'").length === 1, 'the feedback marked sent');

    for (const id of PARTICIPANTS.filter((id) => id !== OPTED_OUT)) expect(feedbackOf(id), `chat ${id}`).toHaveLength(1);
    expect(feedbackOf(OPTED_OUT)).toEqual([]);
    expect(feedbackOf(OUTSIDER)).toEqual([]);
    // Escaped: the admin's tags arrive as the characters typed.
    expect(feedbackOf(DIRECT)[0]!.text).toContain('We publish the results <b>on the notice board</b> every month.');

    expect(queryDatabase(databasePath, 'select * from round_participants')).toEqual([]);
    await admin.send('/feedback status');
    expect(lastReply()?.text).toBe(
      `Feedback of round 1 “${TITLE}”: sent, ${PARTICIPANTS.length - 1} of ${PARTICIPANTS.length} residents have it; 1 not sent (notifications off or unreachable).`,
    );
    await admin.send('/feedback Once more');
    expect(lastReply()?.text).toMatch(/^The feedback of round 1 has gone out/);
  }, 120_000);
});
