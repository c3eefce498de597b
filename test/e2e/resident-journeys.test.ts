import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEXTS } from '../../src/texts/resident.js';
import { LANGUAGES } from '../../src/questionnaire/languages.js';
import { startBotProcess, temporaryDatabasePath, type BotProcess } from '../helpers/bot-process.js';
import { startFakeBotApi, type FakeBotApiServer } from '../helpers/fake-bot-api-server.js';
import { FakeTelegram, type FakeUser } from '../helpers/fake-telegram.js';
import { until } from '../helpers/until.js';
import { defaultQuestionnaire } from '../helpers/questionnaires.js';
import { answerUntilSummary } from '../helpers/survey-driver.js';

/*
 * The real bot as `npm start` runs it, in its own process, talking HTTP to a
 * fake Bot API server on loopback that refuses what Telegram refuses.
 */

const ADMIN = 5001;
const ADMIN_GROUP = -100777;

let telegram: FakeTelegram;
let server: FakeBotApiServer;
let bot: BotProcess;
let databasePath: string;

function environment(): Record<string, string> {
  return {
    BOT_TOKEN: telegram.token,
    TELEGRAM_API_ROOT: server.apiRoot,
    DATABASE_PATH: databasePath,
    ADMIN_CHAT_IDS: `${ADMIN},${ADMIN_GROUP}`,
  };
}

/** Reads the bot's database from outside, as an operator would. */
function query<T>(sql: string, ...params: unknown[]): T[] {
  const db = new Database(databasePath, { readonly: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

/** No Telegram refusal for anything the bot sent: every call it made was valid. */
function refusedCalls() {
  return telegram.calls.filter((call) => !call.result.ok && call.method !== 'getUpdates');
}

beforeAll(async () => {
  telegram = new FakeTelegram();
  server = await startFakeBotApi(telegram);
  databasePath = temporaryDatabasePath();
  telegram.user(ADMIN, { first_name: 'Admin', language_code: 'en' });
  telegram.group(ADMIN_GROUP, 'Admins');
  bot = await startBotProcess(environment(), { server });
  await telegram.user(ADMIN).send('/open_round Autumn survey');
}, 60_000);

afterAll(async () => {
  await bot?.stop();
  await server?.close();
});

describe('end to end over HTTP', () => {
  it('set command menus for residents and for the admin chats at start-up', async () => {
    // Set in the background: the admin chats' English menu is the last.
    await until(() => telegram.commands({ type: 'chat', chat_id: ADMIN }, 'en').length > 0, 'the command menus');
    expect(telegram.commands({ type: 'default' }, '').map((c) => c.command)).toEqual(['start', 'language', 'notify', 'help']);
    expect(telegram.commands({ type: 'default' }, 'en').map((c) => c.command)).toEqual(['start', 'language', 'notify', 'help']);
    expect(telegram.commands({ type: 'chat', chat_id: ADMIN }, 'zh').map((c) => c.command)).toContain('open_round');
    expect(telegram.user(ADMIN).lastText()).toBe('Round 1 “Autumn survey” is open, with 16 questions.');
  });

  it.each(LANGUAGES.map((language, i) => [language, 6000 + i] as const))(
    'a resident finishes the default questionnaire in %s',
    async (language, id) => {
      const code = { 'zh-Hant': 'zh-hant', 'zh-Hans': 'zh-hans', en: 'en' }[language];
      const resident = telegram.user(id, { first_name: `R${id}`, language_code: code });
      await resident.send(`/start poster_${id}`);
      const questions = defaultQuestionnaire();
      expect(resident.botMessages()[0]?.text).toContain(questions.title[language]);
      const answered = await answerUntilSummary(resident, language);
      expect(answered).toBeGreaterThanOrEqual(14);
      await resident.press(TEXTS[language].submit);
      expect(resident.lastText()).toBe(TEXTS[language].thanks);
      const [row] = query<{ status: string; language: string; source: string; n: number }>(
        `select status, language, source, (select count(*) from answers a where a.response_id = r.id) n
         from responses r where source = ?`,
        `poster_${id}`,
      );
      expect(row).toEqual({ status: 'completed', language, source: `poster_${id}`, n: answered });
    },
    60_000,
  );

  it('Back, Skip, a condition that hides a question and one that drops an answer', async () => {
    const resident = telegram.user(6100, { language_code: 'en' });
    await resident.send('/start');
    await resident.press('Member of the public');
    await resident.press('Fairly well');
    await resident.press('Dissatisfied');
    // The pressed question became the next one, the answer on top.
    expect(resident.lastText()).toMatch(/^✓ 3\/16 Dissatisfied\n\n4 \/ 16 \(optional\)\nWhat is the main reason/);
    await resident.press('Other');
    await resident.press('◀ Back');
    await resident.press('◀ Back');
    await resident.press('Satisfied');
    // The follow-up no longer applies: its answer is gone and the count shrinks.
    expect(resident.lastText()).toMatch(/^✓ 3\/15 Satisfied\n\n4 \/ 15\n/);
    const reasons = query<{ n: number }>(`select count(*) n from answers where question_id = 'dissatisfaction_reason'`);
    expect(reasons).toEqual([{ n: 0 }]);
    await answerUntilSummary(resident, 'en', (options, step) => (step === 0 ? options[0]! : options.at(-1)!));
    await resident.press('◀ Back');
    expect(resident.buttons()).toContain('Skip ▶');
    await resident.press('Skip ▶');
    expect(resident.buttons()).toEqual(['◀ Back', '✅ Submit']);
    expect(resident.lastText()).toContain('→ (skipped)');
  }, 60_000);

  it('text over the limit, a sticker where a button is expected, a double press, forged and stale data', async () => {
    const resident = telegram.user(6200, { language_code: 'en' });
    await resident.send('/start');
    const first = resident.lastBotMessage()!;
    expect(first.text).toMatch(/^1 \/ 16/);
    await resident.sendSticker();
    // One short hint; the question above keeps the only live buttons.
    expect(resident.lastText()).toBe('⚠️ This question is answered with the buttons under it.');
    expect(resident.botMessages().filter((m) => m.replyMarkup?.inline_keyboard.length).map((m) => m.message_id)).toEqual([first.message_id]);
    const [data] = first.replyMarkup!.inline_keyboard[0]!.map((b) => ('callback_data' in b ? b.callback_data : ''));
    await resident.pressData(data!, first.message_id);
    await resident.pressData(data!, first.message_id);
    expect(resident.lastCallbackAnswer()?.text).toBe('Already recorded for this question: Party cadre');
    await resident.pressData('1a:999:respondent_type:0');
    expect(resident.lastCallbackAnswer()?.text).toBe('This button is no longer active; please use the latest message.');
    await resident.pressData('not ours');
    expect(resident.lastCallbackAnswer()?.text).toBe('This button is not recognised.');
    await answerUntilSummary(resident, 'en', (options) => options[0]!);
    await resident.press('◀ Back');
    await resident.send('長'.repeat(1001));
    expect(resident.lastText()).toMatch(/^⚠️ That answer is too long: 1001 characters, and the limit is 1000\./);
    await resident.send('<b>bold & "quoted"</b>');
    expect(resident.lastText()).toContain('→ <b>bold & "quoted"</b>');
    const rows = query<{ question_id: string; value: string }>(
      `select question_id, value from answers where question_id in ('respondent_type', 'suggestion')
       and response_id = (select max(id) from responses)`,
    );
    expect(rows).toEqual([
      { question_id: 'respondent_type', value: 'party_cadre' },
      { question_id: 'suggestion', value: '<b>bold & "quoted"</b>' },
    ]);
  }, 60_000);

  it('a second /start after submitting, a non-admin /open_round, and /start in a group', async () => {
    const resident = telegram.user(6000);
    await resident.send('/start');
    expect(resident.lastText()).toBe('您已完成「Autumn survey」，回答已計入。謝謝您的參與！');
    await resident.send('/open_round Mine');
    expect(resident.lastText()).toBe('此指令在這裡無法使用。');
    telegram.group(-4444, 'Village');
    await resident.sendIn(-4444, '/start');
    expect(telegram.messages(-4444).at(-1)?.text).toContain('私人對話');
    expect(query(`select title from rounds`)).toEqual([{ title: 'Autumn survey' }]);
  });

  it('a restart in the middle: a new bot process on the same database resumes where the resident was', async () => {
    const resident: FakeUser = telegram.user(6300, { language_code: 'zh-hans' });
    await resident.send('/start');
    await resident.press('群众');
    await resident.press('了解一些');
    await resident.press('满意');
    expect(await bot.stop('SIGTERM')).toBe(0);
    bot = await startBotProcess(environment(), { server });
    await resident.send('/start');
    expect(resident.botMessages().at(-2)?.text).toBe('欢迎回来！从第 4 / 15 题继续。');
    expect(resident.lastText()).toMatch(/^4 \/ 15\n/);
    await answerUntilSummary(resident, 'zh-Hans');
    await resident.press('✅ 提交');
    const [row] = query<{ n: number }>(
      `select count(*) n from answers where response_id = (select max(id) from responses)`,
    );
    expect(row?.n).toBe(15);
  }, 60_000);

  it('sent Telegram nothing it would refuse', () => {
    expect(refusedCalls()).toEqual([]);
  });
});
