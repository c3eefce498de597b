import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEXTS } from '../../src/texts/resident.js';
import { MAX_QUESTIONS, MAX_TEXT_ANSWER_LENGTH } from '../../src/questionnaire/schema.js';
import { parseQuestionnaire } from '../../src/questionnaire/validate.js';
import { queryDatabase, startBotProcess, temporaryDatabasePath, type BotProcess } from '../helpers/bot-process.js';
import { startFakeBotApi, type FakeBotApiServer } from '../helpers/fake-bot-api-server.js';
import { FakeTelegram } from '../helpers/fake-telegram.js';
import { filler, maximalQuestionnaireSource } from '../helpers/questionnaires.js';
import { answerUntilSummary } from '../helpers/survey-driver.js';

/*
 * A questionnaire at every limit the validator allows, answered at every
 * limit a resident may, end to end: the real bot process against the fake
 * Bot API server, which refuses a message over 4,096 characters and HTML
 * that does not parse, as Telegram does. Texts carry <, & and quotes, so a
 * shortened message that cut an entity or a tag would be refused too.
 */

const ADMIN = 5001;

let telegram: FakeTelegram;
let server: FakeBotApiServer;
let bot: BotProcess;
let databasePath: string;

beforeAll(async () => {
  const source = maximalQuestionnaireSource();
  expect(parseQuestionnaire(source)).toMatchObject({ ok: true });
  const path = join(mkdtempSync(join(tmpdir(), 'manyi-max-')), 'maximal.yaml');
  writeFileSync(path, source);
  telegram = new FakeTelegram();
  server = await startFakeBotApi(telegram);
  databasePath = temporaryDatabasePath();
  telegram.user(ADMIN, { first_name: 'Admin', language_code: 'en' });
  bot = await startBotProcess(
    { BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: server.apiRoot, DATABASE_PATH: databasePath, ADMIN_CHAT_IDS: String(ADMIN), QUESTIONNAIRE_PATH: path },
    { server },
  );
}, 60_000);

afterAll(async () => {
  await bot?.stop();
  await server?.close();
});

describe('a questionnaire at every validator maximum', () => {
  it('is answered with the longest answers, every option chosen, and submitted; its reports fit too', async () => {
    const admin = telegram.user(ADMIN);
    await admin.send('/open_round Maximal');
    const t = TEXTS.en;
    const resident = telegram.user(7001, { language_code: 'en' });
    await resident.send('/start');
    const navigation = new Set([t.back, t.skip, t.done, t.submit]);
    const optionButtons = () => resident.buttons().filter((b) => !navigation.has(b) && !b.startsWith('✓ ') && !b.startsWith('✅ '));
    // The longest option of the choice question, then every option of the multi question.
    await resident.press(optionButtons().at(-1)!);
    const multiOptions = optionButtons();
    expect(multiOptions).toHaveLength(12);
    for (const option of multiOptions) await resident.press(option);
    await resident.press(t.done);
    // The longest text allowed for every text question.
    const answered = await answerUntilSummary(resident, 'en', undefined, (step) => filler(MAX_TEXT_ANSWER_LENGTH, `answer${step}`));
    expect(answered).toBe(MAX_QUESTIONS - 2);

    const summary = resident.lastText()!;
    expect(summary.length).toBeLessThanOrEqual(4096);
    expect(summary).toContain(`${MAX_QUESTIONS}.`);
    // Shortened to fit, with the mark.
    expect(summary).toContain('…');
    await resident.press(t.submit);
    expect(resident.lastText()).toBe(t.thanks);

    // The admin's preview of the same questionnaire, whose messages carry a mark above.
    await admin.send('/preview en');
    expect(await answerUntilSummary(admin, 'en', undefined, (step) => filler(MAX_TEXT_ANSWER_LENGTH, `preview${step}`))).toBe(MAX_QUESTIONS);
    await admin.press(t.submit);

    // Admin messages built from the question texts and option labels.
    for (const command of ['/status', '/groups', '/digest', '/sources']) {
      await admin.send(command);
      expect(admin.lastText()!.length).toBeLessThanOrEqual(4096);
    }
    await admin.send('/close_round');
    // The final report, built from the question texts and labels, fits too.
    expect(admin.lastText()).toMatch(/Maximal/);
    expect(admin.lastText()!.length).toBeLessThanOrEqual(4096);

    const refused = telegram.calls.filter((call) => !call.result.ok && call.method !== 'getUpdates');
    expect(refused.map((call) => `${call.method}: ${call.result.ok ? '' : call.result.description}`)).toEqual([]);
    expect(queryDatabase<{ status: string }>(databasePath, 'SELECT status FROM responses')).toEqual([{ status: 'completed' }]);
  }, 120_000);
});
