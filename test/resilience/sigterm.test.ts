import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Language } from '../../src/questionnaire/languages.js';
import { startBotProcess, temporaryDatabasePath, type BotProcess } from '../helpers/bot-process.js';
import { startFakeBotApi, type FakeBotApiServer } from '../helpers/fake-bot-api-server.js';
import { FakeTelegram } from '../helpers/fake-telegram.js';
import { PersistentResident } from '../helpers/persistent-resident.js';
import { defaultQuestionnaire } from '../helpers/questionnaires.js';
import { seedFrom } from '../helpers/random.js';
import {
  answersKey,
  databaseIntegrity,
  readSurvey,
  responsesOf,
  surveyInvariantViolations,
} from '../helpers/survey-db.js';

/*
 * A clean stop (SIGTERM, SIGINT) while residents are answering: the process
 * stops fetching updates, lets the batch in hand finish, confirms it, closes
 * the database and exits with 0 within a few seconds; the database is
 * consistent; after a restart nobody has lost anything and everyone finishes.
 */

const SEED = seedFrom('SIGTERM_SEED', 424242);
const RESIDENTS = 20;
const ADMIN = 5001;
/** "A few seconds": the batch in hand gets 5 s of grace (polling.ts), then there is little else to do. */
const EXIT_WITHIN_MS = 7_000;
const LANGUAGE_CODES: Record<Language, string> = { 'zh-Hant': 'zh-hant', 'zh-Hans': 'zh-hans', en: 'en' };
const LANGUAGES: Language[] = ['zh-Hant', 'zh-Hans', 'en'];

let telegram: FakeTelegram;
let server: FakeBotApiServer;
let bot: BotProcess | undefined;
let databasePath: string;

function environment(): Record<string, string> {
  return {
    BOT_TOKEN: telegram.token,
    TELEGRAM_API_ROOT: server.apiRoot,
    DATABASE_PATH: databasePath,
    ADMIN_CHAT_IDS: String(ADMIN),
    TELEGRAM_RATE_LIMITS: 'off',
  };
}

/** Sends `signal` and measures how long the process takes to exit (killing it after `limitMs`). */
async function stopAndTime(signal: NodeJS.Signals, limitMs = 20_000): Promise<{ code: number | null; ms: number }> {
  const victim = bot!;
  const started = Date.now();
  victim.child.kill(signal);
  const timer = setTimeout(() => victim.child.kill('SIGKILL'), limitMs);
  const code = await victim.exited;
  clearTimeout(timer);
  return { code, ms: Date.now() - started };
}

beforeAll(async () => {
  console.log(`sigterm.test: seed ${SEED} (replay with SIGTERM_SEED=${SEED})`);
  telegram = new FakeTelegram();
  server = await startFakeBotApi(telegram, { confirmTimeoutMs: 90_000 });
  databasePath = temporaryDatabasePath();
  telegram.user(ADMIN, { first_name: 'Admin', language_code: 'en' });
  bot = await startBotProcess(environment(), { server });
  await telegram.user(ADMIN).send('/open_round Clean stops');
}, 60_000);

afterAll(async () => {
  await bot?.stop('SIGKILL');
  await server?.close();
});

describe('a clean stop while residents are answering', () => {
  it('SIGTERM in the middle: exit code 0 within a few seconds, a consistent database, and nothing lost on restart', async () => {
    const questionnaire = defaultQuestionnaire();
    const residents = Array.from({ length: RESIDENTS }, (_, i) => {
      const language = LANGUAGES[i % LANGUAGES.length]!;
      const user = telegram.user(60_000 + i, { language_code: LANGUAGE_CODES[language] });
      return new PersistentResident(user, language, questionnaire, SEED, { source: `term_${i}` });
    });
    const edits = () => telegram.calls.filter((c) => c.method === 'editMessageText').length;

    const finishing = Promise.allSettled(residents.map((resident) => resident.finish()));
    // Stop the moment Telegram receives a call in the middle of the questionnaires: a batch is in hand.
    const from = telegram.calls.length;
    await telegram.waitForCall((call, index) => index >= from && call.method === 'editMessageText' && edits() >= RESIDENTS * 6, 60_000);
    const pendingAtStop = server.pending();
    const { code, ms } = await stopAndTime('SIGTERM');
    const output = bot!.output();
    console.log(`sigterm.test: exit ${code} after ${ms} ms with ${pendingAtStop} updates in flight`);
    expect(code).toBe(0);
    expect(ms).toBeLessThan(EXIT_WITHIN_MS);
    expect(output).toContain('"msg":"stopped"');
    expect(output).not.toContain('stopped with updates in hand');
    // The stop sent no getUpdates over the aborted long poll (Telegram would answer 409 Conflict).
    expect(server.overlappingPolls()).toBe(0);

    // The database as the stopped bot left it.
    expect(databaseIntegrity(databasePath)).toEqual({ integrity: 'ok', foreignKeyProblems: 0 });
    const atStop = readSurvey(databasePath);
    expect(surveyInvariantViolations(atStop)).toEqual([]);
    for (const resident of residents) {
      expect(responsesOf(atStop, resident.user.user.id).length).toBeLessThanOrEqual(1);
    }
    // Nobody was done yet: the stop landed in the middle.
    expect(atStop.responses.filter((r) => r.status === 'completed').length).toBeLessThan(RESIDENTS);

    // What residents were shown before the stop is stored.
    for (const resident of residents) {
      const stored = responsesOf(atStop, resident.user.user.id)[0]?.answers ?? new Map();
      for (const ack of resident.acknowledgements()) {
        const question = questionnaire.questions.find((q) => q.id === ack.questionId)!;
        const answer = stored.get(ack.questionId);
        expect(answer, `${ack.questionId} was acknowledged to ${resident.user.chatId}`).toBeDefined();
        expect(resident.shownAs(question, answer!)).toBe(ack.shown);
      }
    }

    bot = await startBotProcess(environment(), { server });
    const results = await finishing;
    const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [`resident ${i}: ${String(r.reason)}`] : []));
    expect(failed).toEqual([]);

    const snapshot = readSurvey(databasePath);
    expect(surveyInvariantViolations(snapshot)).toEqual([]);
    for (const resident of residents) {
      const responses = responsesOf(snapshot, resident.user.user.id);
      expect(responses.map((r) => r.status)).toEqual(['completed']);
      const stored = responses[0]!.answers;
      expect(answersKey(stored), `user ${resident.user.chatId}`).toEqual(answersKey(resident.expectedAnswers()));
      for (const ack of resident.acknowledgements()) {
        const question = questionnaire.questions.find((q) => q.id === ack.questionId)!;
        expect(resident.shownAs(question, stored.get(ack.questionId)!)).toBe(ack.shown);
      }
    }
    // Nobody had to send /start after the restart: what was in hand was finished, what came after was handled.
    expect(residents.map((r) => r.restarts)).toEqual(residents.map(() => 0));
  }, 120_000);

  it('SIGINT (Ctrl-C) likewise: exit code 0 within a few seconds, the update in hand kept', async () => {
    const user = telegram.user(61_000, { language_code: 'en' });
    await user.send('/start');
    await user.press('Member of the public');
    const { code, ms } = await stopAndTime('SIGINT');
    expect(code).toBe(0);
    expect(ms).toBeLessThan(EXIT_WITHIN_MS);
    expect(databaseIntegrity(databasePath).integrity).toBe('ok');
    bot = await startBotProcess(environment(), { server });
    await user.send('/start');
    expect(user.lastText()).toMatch(/^2 \/ 16\n/);
  }, 60_000);

  it('SIGTERM while an update waits out a long flood wait: still exits 0 within a few seconds, and the update comes again', async () => {
    // Telegram tells the bot to wait 30 s before writing to this resident (within auto-retry's
    // 60 s limit, so it waits): the update in hand cannot finish within the stop's grace.
    const user = telegram.user(62_000, { language_code: 'en' });
    server.failNext('sendMessage', '429', { times: 1_000, chatId: user.chatId, retryAfter: 30 });
    const start = user.send('/start');
    await waitUntil(() => server.injected.some((f) => f.chatId === user.chatId));
    const { code, ms } = await stopAndTime('SIGTERM', 15_000);
    const output = bot!.output();
    console.log(`sigterm.test: with an update in a flood wait, exit ${code} after ${ms} ms (null: still running, killed)`);
    if (process.env['SIGTERM_DEBUG']) console.log(output.slice(-4000));
    server.clearFaults();
    bot = await startBotProcess(environment(), { server });
    await start;
    expect(user.lastText()).toMatch(/^1 \/ 16\n/);
    expect(code).toBe(0);
    expect(ms).toBeLessThan(EXIT_WITHIN_MS);
  }, 60_000);
});

async function waitUntil(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
