import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryDatabase, startBotProcess, temporaryDatabasePath, type BotProcess } from '../helpers/bot-process.js';
import { startFakeBotApi, type FakeBotApiServer } from '../helpers/fake-bot-api-server.js';
import { FakeTelegram } from '../helpers/fake-telegram.js';
import { defaultQuestionnaireYaml } from '../helpers/questionnaires.js';

/*
 * Rights by person, end to end: an admin group with ADMIN_USER_IDS naming
 * one of its members. Every member reads; only the named admin opens and
 * closes rounds, uploads, exports and reports.
 */

const GROUP = -100777;
const NAMED_ADMIN = 5201;
const MEMBER = 5202;
const REFUSAL = /^Only the administrators listed in ADMIN_USER_IDS may do this; every member may read/;

let telegram: FakeTelegram;
let server: FakeBotApiServer;
let bot: BotProcess;
let databasePath: string;

const botMessages = () => telegram.messages(GROUP).filter((m) => m.from === 'bot' && !m.text.startsWith('📊'));
const lastReply = () => botMessages().at(-1);
const openRounds = () => queryDatabase(databasePath, 'select id from rounds where closed_at is null');
const uploads = () => queryDatabase(databasePath, "select id from questionnaire_versions where origin = 'upload'");

beforeAll(async () => {
  telegram = new FakeTelegram();
  server = await startFakeBotApi(telegram);
  databasePath = temporaryDatabasePath();
  telegram.group(GROUP, 'Committee');
  telegram.user(NAMED_ADMIN, { first_name: 'Chair', language_code: 'en' });
  telegram.user(MEMBER, { first_name: 'Member', language_code: 'en' });
  bot = await startBotProcess(
    {
      BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: server.apiRoot,
      DATABASE_PATH: databasePath,
      ADMIN_CHAT_IDS: `${GROUP}`,
      ADMIN_USER_IDS: `${NAMED_ADMIN}`,
      DIGEST_TIMEZONE: 'UTC',
    },
    { server },
  );
}, 60_000);

afterAll(async () => {
  await bot?.stop();
  await server?.close();
});

describe('an admin group with ADMIN_USER_IDS', () => {
  it('lets a plain member read but not open, close, export, report or upload; the named admin may', async () => {
    const member = telegram.user(MEMBER);
    const chair = telegram.user(NAMED_ADMIN);
    expect(bot.output()).not.toContain('ADMIN_USER_IDS is not set');

    await member.sendIn(GROUP, '/open_round Member survey');
    expect(lastReply()?.text).toMatch(REFUSAL);
    expect(openRounds()).toEqual([]);

    await chair.sendIn(GROUP, '/open_round Committee survey');
    expect(lastReply()?.text).toMatch(/^Round 1 “Committee survey” is open/);

    await member.sendIn(GROUP, '/status');
    expect(lastReply()?.text).toMatch(/^Round 1 “Committee survey”\nOpened /);
    // Where residents give up is read-only: every member may ask.
    await member.sendIn(GROUP, '/funnel');
    expect(botMessages().filter((m) => m.kind !== 'photo').at(-1)?.text).toMatch(/^Where residents give up, round 1|^第 1 輪「Committee survey」：居民在哪裡停下/);

    // Telegram ends a command at the first character that cannot be in one, and so does grammY: '/close_round!' is /close_round.
    for (const command of ['/close_round', '/close_round!', '/open_round,Mine', '/export', '/export codebook', '/report 1', '/preview', '/target east_gate 30']) {
      const before = botMessages().length;
      await member.sendIn(GROUP, command);
      expect(botMessages().slice(before).map((m) => m.text)).toEqual([expect.stringMatching(REFUSAL)]);
      expect(lastReply()?.document).toBeUndefined();
    }
    expect(openRounds()).toHaveLength(1);
    expect(queryDatabase(databasePath, 'select tag from coverage_targets')).toEqual([]);
    await member.sendIn(GROUP, '/coverage');
    expect(lastReply()?.text).toMatch(/^Round 1 “Committee survey”: coverage per unit/);

    // An upload in a group reaches the bot as a reply to one of its messages.
    await member.sendDocument(defaultQuestionnaireYaml(), { fileName: 'next.yaml', chatId: GROUP, replyTo: lastReply()!.message_id });
    expect(lastReply()?.text).toMatch(REFUSAL);
    expect(uploads()).toEqual([]);
    await chair.sendDocument(defaultQuestionnaireYaml(), { fileName: 'next.yaml', chatId: GROUP, replyTo: lastReply()!.message_id });
    expect(uploads()).toHaveLength(1);

    await chair.sendIn(GROUP, '/export');
    expect(lastReply()?.document?.filename).toMatch(/^manyi-round-1-.*\.csv$/);
    await chair.sendIn(GROUP, '/export codebook');
    expect(lastReply()?.document?.filename).toMatch(/^manyi-round-1-codebook-.*\.csv$/);
    await chair.sendIn(GROUP, '/close_round');
    // The closing report goes to every admin chat in its own language (this group has the default).
    expect(lastReply()?.text).toMatch(/^第 1 輪調查「Committee survey」已結束/);
    expect(openRounds()).toEqual([]);

    await member.sendIn(GROUP, '/feedback We put the results on the board.');
    expect(lastReply()?.text).toMatch(REFUSAL);
    expect(queryDatabase(databasePath, 'select id from round_feedback')).toEqual([]);
    await chair.sendIn(GROUP, '/feedback We put the results on the board.');
    expect(lastReply()?.text).toMatch(/^📢 /);
    // The chair's preview is in the group: a plain member's press on its Confirm sends nothing.
    await member.press('✅ Confirm and send', GROUP);
    expect(member.lastCallbackAnswer()).toMatchObject({ text: expect.stringMatching(/ADMIN_USER_IDS/), show_alert: true });
    expect(queryDatabase(databasePath, 'select status from round_feedback')).toEqual([{ status: 'draft' }]);
  }, 90_000);
});
