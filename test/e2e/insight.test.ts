import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBotProcess, temporaryDatabasePath, type BotProcess } from '../helpers/bot-process.js';
import { startFakeBotApi, type FakeBotApiServer } from '../helpers/fake-bot-api-server.js';
import { FakeTelegram, type FakeUser } from '../helpers/fake-telegram.js';
import { answerUntilSummary } from '../helpers/survey-driver.js';
import { formulaCells, readWorkbook, rowLabelled, rowsOf } from '../helpers/xlsx.js';

/*
 * The insight commands end to end: the real bot process, HTTP to a fake Bot
 * API on loopback (which refuses what Telegram refuses: a 4,097-character
 * message, HTML that does not parse), the default questionnaire.
 */

const ADMIN = 5201;
const INJECTION = '=HYPERLINK("http://example.com","點此")';

let telegram: FakeTelegram;
let server: FakeBotApiServer;
let bot: BotProcess;

beforeAll(async () => {
  telegram = new FakeTelegram();
  server = await startFakeBotApi(telegram);
  telegram.user(ADMIN, { first_name: 'Admin', language_code: 'en' });
  telegram.addChat(ADMIN);
  bot = await startBotProcess({
    BOT_TOKEN: telegram.token,
    TELEGRAM_API_ROOT: server.apiRoot,
    DATABASE_PATH: temporaryDatabasePath(),
    ADMIN_CHAT_IDS: String(ADMIN),
    // Digests are asked for with /digest here; the schedule stays out of the way.
    DIGEST_CRON: '0 0 1 1 *',
    DIGEST_TIMEZONE: 'UTC',
  }, { server });
}, 60_000);

afterAll(async () => {
  await bot?.stop();
  await server?.close();
});

const admin = () => telegram.user(ADMIN);
const replies = () => telegram.messages(ADMIN).filter((m) => m.from === 'bot');
const last = () => replies().at(-1)!;

/** A resident who completes the default questionnaire: `kind` is the index of their respondent type. */
async function resident(id: number, kind: number, suggestion = 'More openness, please'): Promise<FakeUser> {
  const user = telegram.user(id, { language_code: 'en' });
  await user.send('/start');
  // Varied answers (no straight line), never 不了解 (the sixth scale option).
  const pick = (options: string[], step: number) => (step === 0 ? options[kind]! : options[(id + step) % Math.min(5, options.length)]!);
  await answerUntilSummary(user, 'en', pick, () => suggestion);
  await user.press('✅ Submit');
  return user;
}

/** The value after a label in a message, as the message shows it. */
const valueAfter = (text: string, label: string) => new RegExp(`${label}　(\\d+\\.\\d)`).exec(text)?.[1];

describe('insight over HTTP', () => {
  let status = '';

  it('a round of ten (figures of an open round move in fives): five of the public, five party cadres, one suggestion typed as a formula', async () => {
    // Reports sent to every admin chat follow the language chosen there.
    await admin().send('/language');
    await admin().press('✓ English');
    await admin().send('/open_round Village survey');
    for (let id = 9001; id <= 9005; id++) await resident(id, 2, id === 9001 ? INJECTION : undefined);
    // Not five ids in a row, whose answers would be the public's (see `pick`): the groups differ.
    for (const id of [9011, 9012, 9013, 9014, 9016]) await resident(id, 0);
    await admin().send('/status');
    status = last().text;
    expect(status).toMatch(/10 started, 10 completed/);
    expect(status).toContain('Response quality No response was flagged.');
  }, 120_000);

  it('/groups shows both groups beside the overall index', async () => {
    await admin().send('/groups');
    const text = last().text;
    expect(text).toMatch(/^Indexes by respondent group, round 1 “Village survey”\n/);
    expect(text).toContain('\n\nOverall (10)\n');
    expect(text).toContain('\n\nMember of the public (5)\n');
    expect(text).toContain('\n\nParty cadre (5)\n');
    expect(valueAfter(text, 'Satisfaction with organizational work')).toBe(valueAfter(status, 'Satisfaction with organizational work'));
  });

  it('/trend sends a PNG line chart', async () => {
    await admin().send('/trend');
    const photo = last();
    expect(photo.kind).toBe('photo');
    expect([...photo.photo!.data!.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(photo.caption).toBe('Headline indexes week by week: #1 Village survey\nResponse quality: No response was flagged.');
  });

  it('/report sends an .xlsx whose headline indexes are those of /status, with both charts and no formula', async () => {
    await admin().send('/report');
    const file = last();
    expect(file.document?.filename).toMatch(/^manyi-round-1-\d{4}-\d\d-\d\d\.xlsx$/);
    const workbook = await readWorkbook(file.document!.data!);
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['Summary', 'Distributions', 'Funnel', 'Codebook', 'Responses', 'Themes']);
    const summary = workbook.getWorksheet('Summary')!;
    for (const index of ['Satisfaction with organizational work', 'Credibility of cadre selection']) {
      expect(String(rowLabelled(summary, index)?.[1])).toBe(String(Number(valueAfter(status, index))));
    }
    expect(summary.getImages()).toHaveLength(2);
    expect(formulaCells(workbook)).toEqual([]);
    const answers = rowsOf(workbook.getWorksheet('Responses')!);
    expect(answers).toHaveLength(11);
    expect(answers.some((row) => row.includes(INJECTION))).toBe(true);
  });

  it('/export writes the formula-like suggestion behind an apostrophe', async () => {
    await admin().send('/export');
    const csv = Buffer.from(last().document!.data!).subarray(3).toString('utf8');
    const rows = parse(csv, { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r['suggestion'])).toContain(`'${INJECTION}`);
    expect(rows.every((r) => r['flags'] === '')).toBe(true);
  });

  it('/digest has the quality section and the trend in its picture, within 4,096 characters; five a group are too few to name one below', async () => {
    await admin().send('/digest');
    const message = last();
    expect(message.text).toMatch(/^📊 Weekly satisfaction digest\n/);
    expect(message.text).toContain('Response quality\nNo response was flagged.');
    expect(message.text).not.toContain('Group furthest below');
    // Telegram counts the text after entity parsing.
    expect(message.text.length).toBeLessThanOrEqual(4096);
    const picture = replies().at(-2)!;
    expect(picture.kind).toBe('photo');
    // The bar chart alone is well under 1,400 px high; with the trend under it, it is taller.
    expect(picture.photo!.data!.readUInt32BE(20)).toBeGreaterThan(1400);
  });

  it('the final reports: the first has nothing to compare, the second compares with it (no arrow from five a side)', async () => {
    await admin().send('/close_round');
    const first = last().text;
    expect(first).toMatch(/^Round 1 “Village survey” is closed: 10 completed, 10 started\.\n\n📋 Final report of round 1 “Village survey”\n/);
    expect(first).toContain('Response quality\nNo response was flagged.');
    expect(first).not.toContain('against round');

    await admin().send('/open_round Second survey');
    for (let id = 9001; id <= 9005; id++) await resident(id, 2);
    await admin().send('/close_round');
    const second = last();
    expect(second.text).toContain('▲▼ against round 1 “Village survey”');
    expect(second.text).toMatch(/Satisfaction with organizational work　\d+\.\d ±\d+\.\d \(n = 5\)\n/);
    expect(second.text).toContain('Dimensions index (change on the previous round) · satisfaction rate');
    expect(second.text.length).toBeLessThanOrEqual(4096);
  }, 120_000);
});
