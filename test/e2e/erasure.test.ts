import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEXTS } from '../../src/texts/resident.js';
import { keyFilePath, respondentKey } from '../../src/privacy/pseudonym.js';
import { queryDatabase, startBotProcess, temporaryDatabasePath, type BotProcess } from '../helpers/bot-process.js';
import { startFakeBotApi, type FakeBotApiServer } from '../helpers/fake-bot-api-server.js';
import { FakeTelegram } from '../helpers/fake-telegram.js';
import { answerUntilSummary } from '../helpers/survey-driver.js';
import { until } from '../helpers/until.js';

/*
 * Anonymity in the bytes: the real bot process, residents with names and
 * usernames, a round closed by an admin and one closed at its deadline.
 * After each close and a clean stop, the raw database file and its WAL are
 * searched for what would name a resident: the keys the round had while it
 * was open (the HMAC of each resident's id, with the key file's secret) and
 * every name and username Telegram sent along.
 */

const ADMIN = 6001;
const RESIDENTS = Array.from({ length: 12 }, (_, i) => 6101 + i);
const firstName = (id: number) => `Meihua${id}`;
const username = (id: number) => `meihua_lane_${id}`;

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

const lastReply = () => telegram.messages(ADMIN).filter((m) => m.from === 'bot' && !m.text.startsWith('📊')).at(-1)?.text ?? '';

/** The keys of the residents in the open round, as the bot computes them: hex text as stored, and the raw digest. */
function openRoundKeys(): { hex: string; raw: Buffer }[] {
  const secret = readFileSync(keyFilePath(databasePath), 'utf8').trim();
  return RESIDENTS.map((id) => {
    const hex = respondentKey(secret, id);
    return { hex, raw: Buffer.from(hex, 'hex') };
  });
}

/** Everything on disk that SQLite keeps of the database: the file and, if any, its WAL. */
function databaseBytes(): Buffer {
  const files = [databasePath, `${databasePath}-wal`].filter((file) => existsSync(file));
  return Buffer.concat(files.map((file) => readFileSync(file)));
}

/** What in the bytes would name a resident; empty when nothing does. */
function traces(): string[] {
  const bytes = databaseBytes();
  const found: string[] = [];
  for (const { hex, raw } of openRoundKeys()) {
    if (bytes.includes(hex) || bytes.includes(raw)) found.push(`key ${hex.slice(0, 12)}…`);
  }
  for (const id of RESIDENTS) {
    for (const name of [firstName(id), username(id)]) if (bytes.includes(name)) found.push(name);
  }
  return found;
}

const mode = (path: string) => statSync(path).mode & 0o777;

async function residentsAnswer(): Promise<void> {
  for (const [i, id] of RESIDENTS.entries()) {
    const resident = telegram.user(id, { first_name: firstName(id), username: username(id), language_code: 'en' });
    await resident.send('/start');
    // The last one leaves half-way: a partial response has a key too.
    if (i === RESIDENTS.length - 1) break;
    await answerUntilSummary(resident, 'en');
    await resident.press(TEXTS.en.submit);
  }
}

/** Responses of the round stored under the residents' keys: proof that the keys searched for are the ones used. */
function responsesUnderOpenKeys(roundId: number): number {
  const keys = new Set(openRoundKeys().map((k) => k.hex));
  return queryDatabase<{ respondent_key: string }>(databasePath, `select respondent_key from responses where round_id = ${roundId}`).filter(
    (row) => keys.has(row.respondent_key),
  ).length;
}

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

describe('erasure in the bytes', () => {
  it('keeps the database, its WAL and SHM owner-only, in an owner-only folder, and the secret in a key file beside it', () => {
    expect(mode(dirname(databasePath))).toBe(0o700);
    for (const file of [databasePath, `${databasePath}-wal`, `${databasePath}-shm`, keyFilePath(databasePath)]) {
      expect({ file, mode: mode(file) }).toEqual({ file, mode: 0o600 });
    }
    expect(queryDatabase(databasePath, "select key from settings where key like '%pseudonym%'")).toEqual([]);
  });

  it('leaves no open-round key and no name or username in the file or WAL after /close_round and a stop', async () => {
    await telegram.user(ADMIN).send('/open_round Lane survey');
    await residentsAnswer();
    expect(responsesUnderOpenKeys(1)).toBe(RESIDENTS.length);

    await telegram.user(ADMIN).send('/close_round');
    expect(lastReply()).toMatch(/^Round 1 “Lane survey” is closed: 11 completed, 12 started\./);
    // Already while the bot runs, its WAL in use.
    expect(traces()).toEqual([]);
    expect(await bot.stop('SIGTERM')).toBe(0);

    expect(traces()).toEqual([]);
    expect(mode(databasePath)).toBe(0o600);
    expect(mode(dirname(databasePath))).toBe(0o700);
  }, 120_000);

  it('leaves none either after a round closed at its deadline', async () => {
    bot = await startBotProcess(environment(), { server });
    const before = telegram.messages(ADMIN).length;
    await telegram.user(ADMIN).send('/open_round Deadline survey --until 2099-12-31');
    // The admin, a contact too, may also hear the round's announcement, before or after this reply.
    const replies = telegram.messages(ADMIN).slice(before).filter((m) => m.from === 'bot').map((m) => m.text);
    expect(replies.some((text) => /^Round 2 “Deadline survey” is open/.test(text))).toBe(true);
    await residentsAnswer();
    expect(responsesUnderOpenKeys(2)).toBe(RESIDENTS.length);
    expect(await bot.stop('SIGTERM')).toBe(0);

    // The deadline passes while the bot is down; it closes the round as it starts.
    const operator = new Database(databasePath);
    operator.prepare('update rounds set closes_at = ? where id = 2').run(Date.now() - 60_000);
    operator.close();
    bot = await startBotProcess(environment(), { server });
    await until(() => bot.output().includes('round closed at its deadline'), 'the round to close at its deadline');
    // While it runs, not only after a stop (which empties the WAL anyway).
    expect(traces()).toEqual([]);
    expect(await bot.stop('SIGTERM')).toBe(0);

    expect(queryDatabase(databasePath, 'select closed_at from rounds where id = 2 and closed_at is not null')).toHaveLength(1);
    expect(traces()).toEqual([]);
    expect(mode(databasePath)).toBe(0o600);
  }, 120_000);
});
