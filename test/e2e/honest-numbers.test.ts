import { parse } from 'csv-parse/sync';
import { readWorkbook, rowLabelled, rowsOf } from '../helpers/xlsx.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase } from '../../src/db/client.js';
import { closeOpenRound } from '../../src/db/rounds.js';
import { startBotProcess, temporaryDatabasePath, type BotProcess } from '../helpers/bot-process.js';
import { startFakeBotApi, type FakeBotApiServer } from '../helpers/fake-bot-api-server.js';
import { FakeTelegram } from '../helpers/fake-telegram.js';
import { figuresWriter, type FiguresWriter } from '../helpers/figures-db.js';
import { defaultQuestionnaire } from '../helpers/questionnaires.js';

/*
 * Honest numbers end to end: the real bot process, HTTP to a fake Bot API on
 * loopback. Weeks of responses are written into its database as the survey
 * would leave them (driving 300 residents through Telegram would take
 * minutes); the digest, /status, the final reports, /funnel and
 * /export codebook are then asked for as an administrator would.
 */

const ADMIN = 5301;
const DAY = 24 * 60 * 60 * 1000;
const NOW = Date.now();
const ago = (days: number) => new Date(NOW - days * DAY);

const questionnaire = defaultQuestionnaire();
const scaleIds = questionnaire.questions.filter((q) => q.type === 'scale').map((q) => q.id);
const INDEX = 'Satisfaction with organizational work';
const textOf = (id: string) => questionnaire.questions.find((q) => q.id === id)!.text.en;

/** Scale answers that vary from question to question (no straight line): satisfied ones, or unhappy ones. */
const HIGH = ['100', '80', '60'];
const LOW = ['30', '0'];
function answersOf(i: number, scale: readonly string[]): Record<string, string> {
  return Object.fromEntries(scaleIds.map((id, k) => [id, scale[(i + k) % scale.length]!]));
}

/** `count` completed responses around `daysAgo`, ten minutes each (none too fast). */
function respond(writer: FiguresWriter, round: number, count: number, daysAgo: number, scale: readonly string[], offset = 0): void {
  for (let i = 0; i < count; i++) {
    const startedAt = new Date(ago(daysAgo).getTime() + i * 60_000);
    writer.respond(round, answersOf(i + offset, scale), { startedAt, completedAt: new Date(startedAt.getTime() + 10 * 60_000) });
  }
}

/** Writes into the bot's database from outside, as the survey would have. */
function seed(path: string, write: (writer: FiguresWriter, db: ReturnType<typeof openDatabase>) => void): void {
  const db = openDatabase(path);
  try {
    write(figuresWriter(db), db);
  } finally {
    closeDatabase(db);
  }
}

let telegram: FakeTelegram;
let server: FakeBotApiServer;
let bot: BotProcess;
let databasePath: string;

beforeAll(async () => {
  databasePath = temporaryDatabasePath();
  seed(databasePath, (writer, db) => {
    // Round 1, long closed: 40 satisfied residents.
    const first = writer.openLive(questionnaire, ago(40));
    respond(writer, first, 40, 35, HIGH);
    closeOpenRound(db, ago(20));
    // Round 2, open for two weeks: 40 last week and 40 this week, answering alike.
    const second = writer.openLive(questionnaire, ago(14));
    respond(writer, second, 40, 10, HIGH);
    respond(writer, second, 40, 3, HIGH, 1);
    // Five who gave up: three at cadre_image after four answers, two before the first question.
    for (let i = 0; i < 3; i++) {
      const id = writer.respond(
        second,
        { respondent_type: 'public', familiarity: 'fairly', overall_satisfaction: '80', org_work_overall: '80' },
        { startedAt: ago(2), completedAt: null },
      );
      db.$client.prepare("UPDATE responses SET cursor = 'cadre_image' WHERE id = ?").run(id);
    }
    for (let i = 0; i < 2; i++) {
      const id = writer.respond(second, {}, { startedAt: ago(2), completedAt: null });
      db.$client.prepare("UPDATE responses SET cursor = 'respondent_type' WHERE id = ?").run(id);
    }
  });
  telegram = new FakeTelegram();
  server = await startFakeBotApi(telegram);
  telegram.user(ADMIN, { first_name: 'Admin', language_code: 'en' });
  telegram.addChat(ADMIN);
  bot = await startBotProcess(
    {
      BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: server.apiRoot,
      DATABASE_PATH: databasePath,
      ADMIN_CHAT_IDS: String(ADMIN),
      ADMIN_USER_IDS: String(ADMIN),
      DIGEST_CRON: '0 0 1 1 *',
      DIGEST_TIMEZONE: 'UTC',
    },
    { server },
  );
  await telegram.user(ADMIN).send('/language');
  await telegram.user(ADMIN).press('✓ English');
}, 60_000);

afterAll(async () => {
  await bot?.stop();
  await server?.close();
});

const admin = () => telegram.user(ADMIN);
const replies = () => telegram.messages(ADMIN).filter((m) => m.from === 'bot');
const last = () => replies().at(-1)!;
const lastText = () => replies().filter((m) => m.kind !== 'photo').at(-1)!.text;
/** The line of the headline index in a message. */
const indexLine = (text: string) => text.split('\n').find((line) => line.startsWith(`${INDEX}　`)) ?? '';

describe('honest numbers over HTTP', () => {
  it('two weeks with nearly equal answers: the digest shows the margin and "≈ within noise", no arrow anywhere', async () => {
    await admin().send('/digest');
    const digest = lastText();
    expect(digest).toMatch(/^📊 Weekly satisfaction digest\n/);
    expect(indexLine(digest)).toMatch(/^Satisfaction with organizational work　\d+\.\d ±\d+\.\d \(n = 40\) ≈ [+-]?\d+\.\d, within noise$/);
    expect(digest).toContain('Real changes (larger than their margin)\nNothing changed by more than its margin.');
    expect(digest).not.toMatch(/[▲▼]/);
    expect(digest.length).toBeLessThanOrEqual(4096);
  });

  it('/status shows each headline index with its margin and n', async () => {
    await admin().send('/status');
    expect(indexLine(lastText())).toMatch(/^Satisfaction with organizational work　\d+\.\d ±\d+\.\d \(n = 80\)$/);
  });

  it('/funnel names where the five who gave up stopped, and draws reached per question', async () => {
    await admin().send('/funnel');
    const chart = last();
    expect(chart.kind).toBe('photo');
    expect([...chart.photo!.data!.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    const funnel = lastText();
    expect(funnel).toMatch(/^Where residents give up, round 2 “round \d+”\n85 started, 80 submitted\n/);
    // Long question texts are cut to fit the message.
    expect(funnel).toContain(`Where most stopped\n1. ${textOf('cadre_image').slice(0, 40)}`);
    expect(funnel).toContain(`… — 3\n2. ${textOf('respondent_type')} — 2\n\n`);
    expect(funnel).toMatch(/\nreached 5 · answered 3 · stopped here 2\n/); // respondent_type: two waited on it
    expect(funnel).toMatch(/\nreached 83 · answered 80 · stopped here 3 · median \d+ s\n/); // cadre_image
    expect(funnel.length).toBeLessThanOrEqual(4096);
  });

  it('/export codebook sends one row per column of the export, in its order', async () => {
    await admin().send('/export');
    const exported = parse(Buffer.from(last().document!.data!).toString('utf8'), { bom: true, to: 1 }) as string[][];
    await admin().send('/export codebook');
    const file = last();
    expect(file.document?.filename).toMatch(/^manyi-round-2-codebook-\d{4}-\d\d-\d\d\.csv$/);
    const bytes = Buffer.from(file.document!.data!);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parse(bytes.toString('utf8'), { bom: true, columns: true }) as Record<string, string>[];
    expect(rows.map((row) => row['column'])).toEqual(exported[0]);
    expect(rows.find((row) => row['column'] === 'cadre_image')?.['text_en']).toBe(textOf('cadre_image'));
    expect(file.caption).toMatch(new RegExp(`^Codebook of round 2 “round \\d+”: the ${exported[0]!.length} columns of its CSV$`));
    await admin().send('/export codebook x');
    expect(lastText()).toContain('/export');
  });

  it('the final report against a round answered alike: no arrow, and where most stopped', async () => {
    await admin().send('/close_round');
    const report = lastText();
    expect(report).toMatch(/📋 Final report of round 2 “round \d+”/);
    expect(indexLine(report)).toMatch(/^Satisfaction with organizational work　\d+\.\d ±\d+\.\d \(n = 80\) ≈ [+-]?\d+\.\d, within noise$/);
    expect(report).not.toMatch(/[▲▼]\d/);
    // Question texts are cut to fit the line.
    expect(report).toContain(`Where most stopped\n85 started, 5 stopped part-way; most stopped at: ${textOf('cadre_image').slice(0, 40)}`);
    expect(report).toMatch(/… \(3\), Which of these best describes you\? \(2\) \(details: \/funnel\)\n/);
  }, 60_000);

  it('a week of very different answers: ▼ in the digest, the margin in /status, ▼ in the final report', async () => {
    seed(databasePath, (writer) => {
      const third = writer.openLive(questionnaire, ago(13));
      respond(writer, third, 40, 10, HIGH);
      respond(writer, third, 40, 3, LOW);
    });
    await admin().send('/digest');
    const digest = lastText();
    // This week: round 2's 40 satisfied and round 3's 40 unhappy; last week 80 satisfied.
    expect(indexLine(digest)).toMatch(/^Satisfaction with organizational work　\d+\.\d ±\d+\.\d \(n = 80\) ▼\d+\.\d$/);
    expect(digest).toMatch(/Real changes \(larger than their margin\)\nSatisfaction with organizational work \d+\.\d → \d+\.\d ▼\d+\.\d\n/);

    await admin().send('/status');
    expect(indexLine(lastText())).toMatch(/^Satisfaction with organizational work　\d+\.\d ±\d+\.\d \(n = 80\)$/);

    await admin().send('/close_round');
    const report = lastText();
    expect(report).toMatch(/📋 Final report of round 3 “round \d+”/);
    expect(indexLine(report)).toMatch(/^Satisfaction with organizational work　\d+\.\d ±\d+\.\d \(n = 80\) ▼\d+\.\d$/);
    expect(report.length).toBeLessThanOrEqual(4096);

    // The workbook says the same: value, margin, n, the round before, the change and its mark.
    await admin().send('/report 3');
    const workbook = await readWorkbook(last().document!.data!);
    const row = rowLabelled(workbook.getWorksheet('Summary')!, INDEX)!;
    const [value, margin, n, previous, change, mark] = row.slice(1) as number[];
    expect(indexLine(report)).toBe(`${INDEX}　${value!.toFixed(1)} ±${margin!.toFixed(1)} (n = ${n}) ▼${Math.abs(change!).toFixed(1)}`);
    expect(previous! - value!).toBeCloseTo(-change!, 0);
    expect(mark).toBe('▼');
    expect(rowsOf(workbook.getWorksheet('Funnel')!).length).toBeGreaterThan(questionnaire.questions.length);
  }, 60_000);
});
