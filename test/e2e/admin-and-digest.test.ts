import Database from 'better-sqlite3';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBotProcess, temporaryDatabasePath, type BotProcess } from '../helpers/bot-process.js';
import { startFakeBotApi, type FakeBotApiServer } from '../helpers/fake-bot-api-server.js';
import { FakeTelegram } from '../helpers/fake-telegram.js';
import { answerUntilSummary } from '../helpers/survey-driver.js';
import { until } from '../helpers/until.js';

/*
 * The admin console and the weekly digest end to end: the real bot process,
 * HTTP to a fake Bot API on loopback, and a digest scheduled every few seconds.
 */

const ADMIN = 5101;
const ADMIN_GROUP = -100888;

let telegram: FakeTelegram;
let server: FakeBotApiServer;
let bot: BotProcess;
let databasePath: string;

const environment = () => ({
  BOT_TOKEN: telegram.token,
  TELEGRAM_API_ROOT: server.apiRoot,
  DATABASE_PATH: databasePath,
  ADMIN_CHAT_IDS: `${ADMIN},${ADMIN_GROUP}`,
  DIGEST_CRON: '*/4 * * * * *',
  DIGEST_TIMEZONE: 'UTC',
});

function query<T>(sql: string): T[] {
  const db = new Database(databasePath, { readonly: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

const botMessages = (chatId: number) => telegram.messages(chatId).filter((m) => m.from === 'bot');
const photos = (chatId: number) => botMessages(chatId).filter((m) => m.kind === 'photo');
const digestTexts = (chatId: number) => botMessages(chatId).filter((m) => m.text.startsWith('📊'));
/** The bot's latest answer in a chat, leaving out digests, which arrive on their own schedule. */
const lastReply = (chatId: number) =>
  botMessages(chatId).filter((m) => m.kind !== 'photo' && !m.text.startsWith('📊')).at(-1);

beforeAll(async () => {
  telegram = new FakeTelegram();
  server = await startFakeBotApi(telegram);
  databasePath = temporaryDatabasePath();
  telegram.user(ADMIN, { first_name: 'Admin', language_code: 'en' });
  telegram.addChat(ADMIN);
  telegram.group(ADMIN_GROUP, 'Admins');
  bot = await startBotProcess(environment(), { server });
}, 60_000);

afterAll(async () => {
  await bot?.stop();
  await server?.close();
});

describe('the admin console over HTTP', () => {
  it('opens a round, follows it, closes it with a report to every admin chat, and exports it', async () => {
    // Without ADMIN_USER_IDS every member of an admin chat has full rights, and the log says so once.
    expect(bot.output().match(/ADMIN_USER_IDS is not set: every member of an admin chat may/g)).toHaveLength(1);
    const admin = telegram.user(ADMIN);
    await admin.send('/language');
    await admin.press('✓ English');
    const before = telegram.messages(ADMIN).length;
    await admin.send('/open_round Village survey');
    // The admin has talked to the bot, so the round's announcement may come too, before or after the reply.
    const replies = telegram.messages(ADMIN).slice(before).filter((m) => m.from === 'bot').map((m) => m.text);
    expect(replies).toContain('Round 1 “Village survey” is open, with 16 questions.');

    for (let id = 8001; id <= 8006; id++) {
      const resident = telegram.user(id, { language_code: 'en' });
      await resident.send('/start');
      if (id === 8006) break; // one leaves half-way
      await answerUntilSummary(resident, 'en', (options, step) => options[(id + step) % Math.min(5, options.length)]!);
      await resident.press('✅ Submit');
    }

    await admin.send('/status');
    expect(lastReply(ADMIN)?.text).toMatch(/^Round 1 “Village survey”\nOpened \d{4}-\d\d-\d\d \d\d:\d\d\n6 started, 5 completed\n\nSatisfaction with organizational work　\d+\.\d ±\d+\.\d \(n = 5\)\n/);

    await admin.send('/export');
    const csv = lastReply(ADMIN)!;
    expect(csv.document?.filename).toMatch(/^manyi-round-1-\d{4}-\d\d-\d\d\.csv$/);
    const rows = parse(csv.document!.data!.subarray(3).toString('utf8'), { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r['status']).sort()).toEqual(['completed', 'completed', 'completed', 'completed', 'completed', 'partial']);

    await admin.send('/rounds');
    expect(lastReply(ADMIN)?.text).toMatch(/^Rounds \(newest first\)\n\n#1 Village survey\n   opened .*, open; 5 completed \/ 6 started; questionnaire v1$/);

    await admin.send('/close_round');
    expect(lastReply(ADMIN)?.text).toMatch(/^Round 1 “Village survey” is closed: 5 completed, 6 started\.\n\n📋 Final report of round 1 “Village survey”\n/);
    const groupReport = lastReply(ADMIN_GROUP)?.text ?? '';
    expect(groupReport).toMatch(/^第 1 輪調查「Village survey」已結束：完成 5 份，開始作答 6 份。\n\n📋 第 1 輪調查「Village survey」結果報告\n/);
    expect(groupReport).toContain('主要指數');
    expect(groupReport).toContain('各維度');
    expect(groupReport).toContain('知曉率');
  }, 60_000);
});

describe('the weekly digest over HTTP', () => {
  it('reaches both admin chats with text and picture', async () => {
    const groupBefore = digestTexts(ADMIN_GROUP).length;
    // The picture goes out before the message: wait for the messages, in both chats.
    await until(
      () => digestTexts(ADMIN_GROUP).length > groupBefore && photos(ADMIN).length > 0 && digestTexts(ADMIN).length > 0,
      'a digest run with its picture',
    );
    const picture = photos(ADMIN)[0]!;
    expect([...picture.photo!.data!.subarray(1, 4)].map((b) => String.fromCharCode(b)).join('')).toBe('PNG');
    expect(digestTexts(ADMIN)[0]!.text).toMatch(/^📊 Weekly satisfaction digest\n/);
    expect(digestTexts(ADMIN_GROUP)[0]!.text).toMatch(/^📊 每週滿意度摘要\n/);
  }, 30_000);

  it('still serves one admin chat when the other has blocked the bot', async () => {
    telegram.block(ADMIN);
    const [adminBefore, groupBefore] = [digestTexts(ADMIN).length, digestTexts(ADMIN_GROUP).length];
    await until(() => digestTexts(ADMIN_GROUP).length >= groupBefore + 2, 'two more runs');
    expect(digestTexts(ADMIN).length).toBe(adminBefore);
    expect(bot.output()).toContain('digest not delivered to an admin chat');
    telegram.unblock(ADMIN);
  }, 30_000);

  it('sends nothing twice when the bot restarts within a slot', async () => {
    for (let restart = 0; restart < 3; restart++) {
      expect(await bot.stop('SIGTERM')).toBe(0);
      bot = await startBotProcess(environment(), { server });
      await new Promise((resolve) => setTimeout(resolve, 1500));
    }
    await until(() => server.pending() === 0, 'the bot to settle');
    // Every digest a chat received is one recorded run for it, and no run was recorded twice.
    for (const chat of [ADMIN, ADMIN_GROUP]) {
      const [row] = query<{ runs: number }>(`select count(*) runs from digest_deliveries where chat_id = ${chat} and part = 'text'`);
      expect(digestTexts(chat).length).toBe(row?.runs);
      // A run whose figures were all withheld (fewer than five responses) has no picture.
      expect(photos(chat).length).toBeLessThanOrEqual(row?.runs ?? 0);
    }
  }, 60_000);
});
