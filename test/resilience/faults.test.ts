import { afterAll, describe, expect, it } from 'vitest';
import type { Language } from '../../src/questionnaire/languages.js';
import { startBotProcess, temporaryDatabasePath, type BotProcess } from '../helpers/bot-process.js';
import {
  FAULT_KINDS,
  startFakeBotApi,
  type FakeBotApiServer,
  type FaultKind,
  type FaultPlan,
} from '../helpers/fake-bot-api-server.js';
import { FakeTelegram } from '../helpers/fake-telegram.js';
import { PersistentResident } from '../helpers/persistent-resident.js';
import { defaultQuestionnaire } from '../helpers/questionnaires.js';
import { seedFrom } from '../helpers/random.js';
import { answersKey, readSurvey, responsesOf, surveyInvariantViolations } from '../helpers/survey-db.js';

/*
 * Forty residents finish the default questionnaire against the real bot
 * process (as `npm start` runs it, outgoing rate limits on, as shipped)
 * while the Bot API answers 10% of sends and edits with 429 (retry_after
 * 1 s), 5% with 500, drops 2% of connections (half before applying the
 * call, half after, so the bot never learns that it worked) and adds 0–200 ms
 * to every call; a press answered later than 15 s is refused as Telegram
 * refuses it. Residents act the moment their next question appears. Nobody
 * may have to send /start: a reply that failed for good is repaired by the
 * bot handling its update again. Replay a run with FAULTS_SEED=<seed>;
 * FAULTS_DEBUG=1 prints when each fault happened.
 */

const SEED = seedFrom('FAULTS_SEED', 20240601);
const LANGUAGE_CODES: Record<Language, string> = { 'zh-Hant': 'zh-hant', 'zh-Hans': 'zh-hans', en: 'en' };
const LANGUAGES: Language[] = ['zh-Hant', 'zh-Hans', 'en'];
const SENDS_AND_EDITS = ['sendMessage', 'editMessageText', 'editMessageReplyMarkup'];

export const FAULT_PLAN: FaultPlan = {
  seed: SEED,
  rates: { '429': 0.1, '500': 0.05, 'drop-before': 0.01, 'drop-after': 0.01 },
  methods: SENDS_AND_EDITS,
  retryAfter: 1,
  latencyMs: [0, 200],
};

/** Faults every run gets whatever the dice say: a dropped answer to a press, its repetition refused. */
function forceFaults(server: FakeBotApiServer, firstUserId: number): void {
  server.failNext('sendMessage', '429', { times: 4, chatId: firstUserId });
  server.failNext('answerCallbackQuery', 'drop-after');
}

interface Scenario {
  residents: number;
  rateLimits: boolean;
  firstUserId: number;
}

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function runScenario({ residents: count, rateLimits, firstUserId }: Scenario) {
  const name = `${count} residents, rate limits ${rateLimits ? 'on' : 'off'}`;
  const telegram = new FakeTelegram({ callbackQueryTtlMs: 15_000 });
  const server: FakeBotApiServer = await startFakeBotApi(telegram, { confirmTimeoutMs: 90_000 });
  cleanups.push(() => server.close());
  const databasePath = temporaryDatabasePath();
  const admin = telegram.user(5001, { first_name: 'Admin', language_code: 'en' });
  const bot: BotProcess = await startBotProcess({
    BOT_TOKEN: telegram.token,
    TELEGRAM_API_ROOT: server.apiRoot,
    DATABASE_PATH: databasePath,
    ADMIN_CHAT_IDS: '5001',
    TELEGRAM_RATE_LIMITS: rateLimits ? 'on' : 'off',
  }, { server });
  cleanups.push(() => bot.stop());
  await admin.send('/open_round Faulty network');

  const questionnaire = defaultQuestionnaire();
  const residents = Array.from({ length: count }, (_, i) => {
    const language = LANGUAGES[i % LANGUAGES.length]!;
    const user = telegram.user(firstUserId + i, { language_code: LANGUAGE_CODES[language] });
    return new PersistentResident(user, language, questionnaire, SEED, { source: `wave_${i % 4}` });
  });

  forceFaults(server, firstUserId);
  server.faults(FAULT_PLAN);
  const started = Date.now();
  const results = await Promise.allSettled(residents.map((resident) => resident.finish()));
  server.faults(undefined);
  const counts = server.faultCounts();
  if (process.env['FAULTS_DEBUG']) printTimeline(telegram, server, started);
  const restarted = residents.filter((r) => r.restarts > 0);
  console.log(
    `faults.test [${name}]: done in ${Date.now() - started} ms, ${telegram.calls.length} calls; ` +
      `injected ${JSON.stringify(counts)}; ${restarted.length} residents had to /start again ` +
      `(${restarted.reduce((n, r) => n + r.restarts, 0)} times)`,
  );
  return { telegram, server, bot, databasePath, questionnaire, residents, results, counts };
}

type Outcome = Awaited<ReturnType<typeof runScenario>>;

/** FAULTS_DEBUG=1: calls Telegram applied per second, and when each fault was injected. */
function printTimeline(telegram: FakeTelegram, server: FakeBotApiServer, started: number): void {
  const perSecond: number[] = [];
  for (const call of telegram.calls) {
    const second = Math.floor((call.at - started) / 1000);
    if (second >= 0) perSecond[second] = (perSecond[second] ?? 0) + 1;
  }
  console.log(`calls per second: ${Array.from(perSecond, (n) => n ?? 0).join(' ')}`);
  for (const fault of server.injected) {
    console.log(`${((fault.at - started) / 1000).toFixed(1)} s: ${fault.kind} ${fault.method} chat ${fault.chatId ?? '-'}`);
  }
}

function expectEveryoneGotExactlyWhatTheyChose({ bot, databasePath, questionnaire, residents, results }: Outcome) {
  const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [`resident ${i}: ${String(r.reason)}`] : []));
  expect(failed).toEqual([]);
  expect(bot.child.exitCode).toBeNull();

  const snapshot = readSurvey(databasePath);
  expect(surveyInvariantViolations(snapshot)).toEqual([]);
  expect(snapshot.responses).toHaveLength(residents.length);
  for (const resident of residents) {
    const responses = responsesOf(snapshot, resident.user.user.id);
    expect(responses.map((r) => r.status)).toEqual(['completed']);
    const stored = responses[0]!.answers;
    expect(answersKey(stored), `user ${resident.user.chatId}`).toEqual(answersKey(resident.expectedAnswers()));
    // Whatever the resident was shown as recorded is what is stored.
    for (const ack of resident.acknowledgements()) {
      const question = questionnaire.questions.find((q) => q.id === ack.questionId)!;
      const answer = stored.get(ack.questionId);
      expect(answer, `${ack.questionId} was acknowledged to ${resident.user.chatId}`).toBeDefined();
      expect(resident.shownAs(question, answer!)).toBe(ack.shown);
    }
  }
}

/**
 * Calls Telegram refused (other than getUpdates) are allowed only as the
 * repetition of a call whose response the network lost (answering a query a
 * second time, an edit that the lost attempt had already made), and as the
 * retirement of a copy a lost sendMessage may have left: taking the buttons
 * off the messages just below the prompt sent again, which Telegram refuses
 * for the resident's own messages and for messages without buttons.
 */
function unexplainedRefusals({ telegram, server }: Outcome) {
  const lost = server.injected.filter((f) => f.kind === 'drop-after' && f.callIndex !== undefined);
  return telegram.calls.flatMap((call, index) => {
    if (call.result.ok || call.method === 'getUpdates') return [];
    const chatId = call.params['chat_id'] === undefined ? undefined : Number(call.params['chat_id']);
    const repeatsLostCall = lost.some((fault) => {
      const original = telegram.calls[fault.callIndex!];
      return (
        original !== undefined &&
        fault.callIndex! < index &&
        original.method === call.method &&
        JSON.stringify(original.params['message_id']) === JSON.stringify(call.params['message_id']) &&
        JSON.stringify(original.params['callback_query_id']) === JSON.stringify(call.params['callback_query_id'])
      );
    });
    const description = call.result.ok ? '' : call.result.description;
    const retiresLostCopy =
      call.method === 'editMessageReplyMarkup' && /message can't be edited|message is not modified/.test(description);
    return repeatsLostCall || retiresLostCopy ? [] : [{ method: call.method, chatId, result: call.result }];
  });
}

/** Messages of the bot that still carry buttons a resident could press. */
function liveButtonMessages(telegram: FakeTelegram, chatId: number) {
  return telegram.messages(chatId).filter((m) => m.from === 'bot' && (m.replyMarkup?.inline_keyboard.length ?? 0) > 0);
}

describe('residents finish through 429s, 500s, dropped connections and latency', () => {
  it('forty residents, rate limits on: all finish without /start, each with exactly what they chose and saw recorded', async () => {
    console.log(`faults.test: seed ${SEED} (replay with FAULTS_SEED=${SEED})`);
    const outcome = await runScenario({ residents: 40, rateLimits: true, firstUserId: 10_000 });
    // Every kind of fault really happened (otherwise the test proves little).
    for (const kind of FAULT_KINDS) expect(outcome.counts[kind]).toBeGreaterThan(0);
    expectEveryoneGotExactlyWhatTheyChose(outcome);
    expect(outcome.residents.map((r) => r.restarts)).toEqual(outcome.residents.map(() => 0));
    expect(unexplainedRefusals(outcome)).toEqual([]);
    // Every press was answered, in time.
    const unanswered = outcome.telegram.callbackQueries().filter((q) => !q.answered);
    expect(unanswered).toEqual([]);
    for (const resident of outcome.residents) {
      expect(liveButtonMessages(outcome.telegram, resident.user.chatId), `user ${resident.user.chatId}`).toEqual([]);
    }

    // After the storm the bot serves a newcomer at once.
    const newcomer = outcome.telegram.user(20_000, { language_code: 'en' });
    await newcomer.send('/start');
    expect(newcomer.lastText()).toMatch(/^1 \/ \d+\n/);
  }, 300_000);
});
