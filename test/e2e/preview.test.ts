import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PREVIEW_TEXTS } from '../../src/texts/preview.js';
import { TEXTS } from '../../src/texts/resident.js';
import { queryDatabase, startBotProcess, temporaryDatabasePath, type BotProcess } from '../helpers/bot-process.js';
import { startFakeBotApi, type FakeBotApiServer } from '../helpers/fake-bot-api-server.js';
import { FakeTelegram } from '../helpers/fake-telegram.js';
import { until } from '../helpers/until.js';
import { answerUntilSummary } from '../helpers/survey-driver.js';

/*
 * The preview end to end: the real bot process over HTTP against the fake
 * Bot API, which refuses what Telegram refuses (a message over 4,096
 * characters, 65 bytes of button data, HTML that does not parse).
 */

const ADMIN = 5301;
const ADMIN_GROUP = -100530;
const RESIDENT = 8301;

let telegram: FakeTelegram;
let server: FakeBotApiServer;
let bot: BotProcess;
let databasePath: string;

const count = (table: string) => queryDatabase<{ n: number }>(databasePath, `SELECT count(*) AS n FROM ${table}`)[0]!.n;
const admin = () => telegram.user(ADMIN);

beforeAll(async () => {
  telegram = new FakeTelegram();
  server = await startFakeBotApi(telegram);
  databasePath = temporaryDatabasePath();
  telegram.user(ADMIN, { first_name: 'Admin', language_code: 'en' });
  telegram.addChat(ADMIN);
  telegram.group(ADMIN_GROUP, 'Admins');
  bot = await startBotProcess(
    { BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: server.apiRoot, DATABASE_PATH: databasePath, ADMIN_CHAT_IDS: `${ADMIN},${ADMIN_GROUP}` },
    { server },
  );
}, 60_000);

afterAll(async () => {
  await bot?.stop();
  await server?.close();
});

describe('a preview over HTTP', () => {
  it('is in the admin chats’ command menu', async () => {
    await until(() => telegram.commands({ type: 'chat', chat_id: ADMIN }, 'en').length > 0, 'the command menus');
    expect(telegram.commands({ type: 'chat', chat_id: ADMIN }, 'en')).toContainEqual({
      command: 'preview',
      description: 'Preview the next round’s questionnaire',
    });
  });

  it('walks the whole default questionnaire in the language asked for, every message marked, and stores nothing', async () => {
    await admin().send('/open_round Autumn');
    const resident = telegram.user(RESIDENT, { language_code: 'en' });
    await resident.send('/start');
    await resident.press(resident.buttons()[0]!);
    const before = { responses: count('responses'), answers: count('answers'), contacts: count('contacts') };

    const from = admin().botMessages().length;
    await admin().send('/preview zh-Hant');
    const answered = await answerUntilSummary(admin(), 'zh-Hant');
    expect(answered).toBeGreaterThanOrEqual(14);
    await admin().press(TEXTS['zh-Hant'].back);
    await answerUntilSummary(admin(), 'zh-Hant');
    await admin().press(TEXTS['zh-Hant'].submit);

    const mark = PREVIEW_TEXTS['zh-Hant'].mark;
    const shown = admin().botMessages().slice(from);
    // Each press turned its question into the next one: new messages only for the intro, the first question, the
    // one after the typed answer, and the end.
    expect(shown.length).toBeGreaterThanOrEqual(4);
    expect(shown.length).toBeLessThan(answered);
    for (const message of shown) expect(message.text.startsWith(`${mark}\n\n`)).toBe(true);
    expect(shown.at(-1)?.text).toBe(`${mark}\n\n${PREVIEW_TEXTS['zh-Hant'].finished}`);
    expect(admin().botMessages().filter((m) => m.replyMarkup)).toEqual([]);
    expect(telegram.calls.filter((call) => !call.result.ok && call.method !== 'getUpdates')).toEqual([]);

    expect({ responses: count('responses'), answers: count('answers'), contacts: count('contacts') }).toEqual(before);
    expect(count('previews')).toBe(0);
  }, 60_000);

  it('answers /preview in the admin group with a button to the private chat, whose link begins it', async () => {
    await admin().sendIn(ADMIN_GROUP, '/preview');
    expect(telegram.messages(ADMIN_GROUP).at(-1)?.replyMarkup?.inline_keyboard[0]?.[0]).toEqual({
      text: 'Preview in a private chat',
      url: `https://t.me/${telegram.botInfo.username}?start=preview`,
    });
    await admin().send('/start preview');
    expect(admin().lastText()).toMatch(/^🔍 Preview · nothing is recorded\n\n1 \/ 16\n/);
    expect(count('previews')).toBe(1);

    // Left half-way: a real /start takes the chat, fresh, and the preview is gone.
    await admin().press(admin().buttons()[0]!);
    await admin().send('/start');
    expect(admin().lastText()).toMatch(/^1 \/ 16\n/);
    expect(admin().botMessages().filter((m) => m.replyMarkup)).toHaveLength(1);
    expect(count('previews')).toBe(0);
  }, 30_000);
});
