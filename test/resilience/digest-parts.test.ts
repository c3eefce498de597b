import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { startBotProcess, temporaryDatabasePath, type BotProcess } from '../helpers/bot-process.js';
import { startFakeBotApi, type FakeBotApiServer } from '../helpers/fake-bot-api-server.js';
import { FakeTelegram } from '../helpers/fake-telegram.js';
import { answerUntilSummary } from '../helpers/survey-driver.js';

/*
 * A crash between a digest's picture and its text. The admin group is paced
 * at one message a second (rate limits on, as shipped), so its text follows
 * its picture a second later; the process is killed as soon as it has
 * written down that the group has its picture. After the restart the group gets only the
 * text it is missing, and nothing comes twice. (Killed in the very instant
 * between Telegram taking a part and the bot writing it down, that part
 * would come twice: the README says so.)
 */

const ADMIN = 5201;
const ADMIN_GROUP = -100_990;

let telegram: FakeTelegram;
let server: FakeBotApiServer;
let bot: BotProcess | undefined;

afterAll(async () => {
  await bot?.stop('SIGKILL');
  await server?.close();
});

/** A 6-field cron expression (UTC) for one instant `secondsAhead` from now. */
function cronAt(secondsAhead: number): string {
  const at = new Date(Date.now() + secondsAhead * 1000);
  return `${at.getUTCSeconds()} ${at.getUTCMinutes()} ${at.getUTCHours()} * * *`;
}

describe('a crash between a digest’s picture and its text', () => {
  it('sends the missing text after the restart, and the picture not again', async () => {
    telegram = new FakeTelegram();
    server = await startFakeBotApi(telegram);
    const databasePath = temporaryDatabasePath();
    telegram.user(ADMIN, { first_name: 'Admin', language_code: 'en' });
    telegram.addChat(ADMIN);
    telegram.group(ADMIN_GROUP, 'Admins');
    const base = {
      BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: server.apiRoot,
      DATABASE_PATH: databasePath,
      // The group first, so the kill lands before the private chat gets anything.
      ADMIN_CHAT_IDS: `${ADMIN_GROUP},${ADMIN}`,
      DIGEST_TIMEZONE: 'UTC',
    };
    // Five complete responses, so the digest has a picture (fewer are withheld).
    bot = await startBotProcess({ ...base, TELEGRAM_RATE_LIMITS: 'off' }, { server });
    await telegram.user(ADMIN).send('/open_round Digest parts');
    for (let id = 7001; id <= 7005; id++) {
      const resident = telegram.user(id, { language_code: 'en' });
      await resident.send('/start');
      await answerUntilSummary(resident, 'en', (options, step) => options[(id + step) % Math.min(5, options.length)]!);
      await resident.press('✅ Submit');
    }
    await bot.stop();

    // As shipped, with a digest due a few seconds from now.
    const env = { ...base, DIGEST_CRON: cronAt(6), TELEGRAM_RATE_LIMITS: 'on' };
    bot = await startBotProcess(env, { server });
    const victim = bot;
    await telegram.waitForCall((call) => call.method === 'sendPhoto' && Number(call.params['chat_id']) === ADMIN_GROUP, 20_000);
    const reader = new Database(databasePath, { readonly: true });
    const pictureRecorded = reader.prepare("SELECT 1 FROM digest_deliveries WHERE chat_id = ? AND part = 'chart'");
    while (pictureRecorded.get(ADMIN_GROUP) === undefined) await new Promise((resolve) => setTimeout(resolve, 5));
    reader.close();
    victim.child.kill('SIGKILL');
    await victim.exited;
    const photosOf = (chat: number) => telegram.messages(chat).filter((m) => m.from === 'bot' && m.kind === 'photo');
    const textsOf = (chat: number) => telegram.messages(chat).filter((m) => m.from === 'bot' && m.text.startsWith('📊'));
    expect(photosOf(ADMIN_GROUP)).toHaveLength(1);
    expect(textsOf(ADMIN_GROUP)).toHaveLength(0);

    bot = await startBotProcess(env, { server });
    const deadline = Date.now() + 20_000;
    while ((textsOf(ADMIN_GROUP).length === 0 || textsOf(ADMIN).length === 0) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    for (const chat of [ADMIN_GROUP, ADMIN]) {
      expect(photosOf(chat), `chat ${chat}`).toHaveLength(1);
      expect(textsOf(chat), `chat ${chat}`).toHaveLength(1);
    }
    // Sent late, and saying so.
    expect(textsOf(ADMIN_GROUP)[0]!.text).toContain('延後送出');
    const db = new Database(databasePath, { readonly: true });
    try {
      // A part is written down just after Telegram took it: wait for the last record, not only the message.
      const recorded = () => db.prepare('SELECT chat_id, part FROM digest_deliveries ORDER BY chat_id, part').all();
      while (recorded().length < 4 && Date.now() < deadline + 10_000) await new Promise((resolve) => setTimeout(resolve, 50));
      const parts = recorded();
      expect(parts).toEqual([
        { chat_id: ADMIN_GROUP, part: 'chart' },
        { chat_id: ADMIN_GROUP, part: 'text' },
        { chat_id: ADMIN, part: 'chart' },
        { chat_id: ADMIN, part: 'text' },
      ]);
    } finally {
      db.close();
    }
  }, 120_000);
});
