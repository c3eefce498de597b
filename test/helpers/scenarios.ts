import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeDatabase, openDatabase } from '../../src/db/client.js';
import { openRound } from '../../src/db/rounds.js';
import { TEXTS } from '../../src/texts/resident.js';
import { LARGE_START, fillLargeRound } from '../figures/large-round.js';
import type { Language } from '../../src/questionnaire/languages.js';
import { startBotProcess, temporaryDatabasePath, type BotProcess } from './bot-process.js';
import { startFakeBotApi, type FakeBotApiServer, type FaultKind, type FaultPlan } from './fake-bot-api-server.js';
import { FakeTelegram, type FakeUser } from './fake-telegram.js';
import { PersistentResident } from './persistent-resident.js';
import { defaultQuestionnaire } from './questionnaires.js';
import { answersKey, readSurvey, responsesOf, surveyInvariantViolations } from './survey-db.js';

/*
 * Scenarios of one user's effect on the others, against the real bot process
 * as `npm start` runs it with the outgoing rate limits on (as shipped), over
 * HTTP to the fake Bot API server. The tests (test/resilience) assert on
 * them; the benchmark (npm run bench) reports them.
 */

const LANGUAGE_CODES: Record<Language, string> = { 'zh-Hant': 'zh-hant', 'zh-Hans': 'zh-hans', en: 'en' };
const LANGUAGES: Language[] = ['zh-Hant', 'zh-Hans', 'en'];
const ADMIN = 5001;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Messages of the bot in a chat that still carry buttons a resident could press. */
export function liveButtonMessages(telegram: FakeTelegram, chatId: number) {
  return telegram.messages(chatId).filter((m) => m.from === 'bot' && (m.replyMarkup?.inline_keyboard.length ?? 0) > 0);
}

export interface Started {
  telegram: FakeTelegram;
  server: FakeBotApiServer;
  bot: BotProcess;
  databasePath: string;
  close(): Promise<void>;
}

export async function startWithRound(title: string, telegram: FakeTelegram, extraEnv: Record<string, string> = {}): Promise<Started> {
  const server = await startFakeBotApi(telegram, { confirmTimeoutMs: 300_000 });
  const databasePath = temporaryDatabasePath();
  telegram.user(ADMIN, { first_name: 'Admin', language_code: 'en' });
  const bot = await startBotProcess(
    {
      BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: server.apiRoot,
      DATABASE_PATH: databasePath,
      ADMIN_CHAT_IDS: String(ADMIN),
      TELEGRAM_RATE_LIMITS: 'on',
      ...extraEnv,
    },
    { server },
  );
  await telegram.user(ADMIN).send(`/open_round ${title}`);
  return {
    telegram,
    server,
    bot,
    databasePath,
    close: async () => {
      await bot.stop();
      await server.close();
    },
  };
}

// ---------------------------------------------------------------- flood

export interface FloodOptions {
  /** Residents answering while one floods. */
  residents?: number;
  /** Messages that fit no question, sent at once (texts and stickers in turn). */
  burst?: number;
  /** Questions each resident answers. */
  questions?: number;
  /** A resident reads each question this long before answering (the first at once). */
  thinkMs?: number;
}

export interface FloodRun extends Started {
  /** The others' press → next question, ms. */
  latencies: number[];
  /** What the flooder got after its first question. */
  toFlooder: { slowDowns: number; hints: number; messages: number };
  /** Junk dropped from the inbox (by the flood guard or the cap per chat), as the bot logged it. */
  dropped: number;
  /** The flooder's own answer right after its burst was taken (its next question came). */
  flooderAnswered: boolean;
}

/** Presses the first option of the live question (and Done on a multi question); resolves with how long it took. */
async function answerOne(resident: FakeUser): Promise<number> {
  const en = TEXTS.en;
  const options = resident.buttons().filter((b) => ![en.back, en.skip, en.done].includes(b) && !b.startsWith('✅ '));
  const started = performance.now();
  await resident.press(options[0]!);
  if (resident.buttons().includes(en.done)) await resident.press(en.done);
  return performance.now() - started;
}

/** Residents answer `questions` questions, reading each for `thinkMs`; resolves with each press → next question, ms. */
async function othersAnswer(residents: readonly FakeUser[], questions: number, thinkMs: number): Promise<number[]> {
  const latencies: number[] = [];
  await Promise.all(
    residents.map(async (resident) => {
      for (let step = 0; step < questions; step++) {
        await sleep(step === 0 ? 100 : thinkMs);
        latencies.push(await answerOne(resident));
      }
    }),
  );
  return latencies;
}

/** One resident bursts junk messages while others answer the default questionnaire. */
export async function runFloodScenario(options: FloodOptions = {}): Promise<FloodRun> {
  const { residents: count = 6, burst = 80, questions = 6, thinkMs = 2_000 } = options;
  const started = await startWithRound('Flood', new FakeTelegram());
  const { telegram, bot } = started;
  const flooder = telegram.user(8000, { language_code: 'en' });
  const residents = Array.from({ length: count }, (_, i) => telegram.user(8100 + i, { language_code: 'en' }));
  await Promise.all([flooder, ...residents].map((user) => user.send('/start')));
  const firstQuestion = flooder.lastBotMessage()!;

  const sending = Promise.all(
    Array.from({ length: burst }, (_, i) => (i % 2 === 0 ? flooder.send(`spam ${i}`) : flooder.sendSticker())),
  );
  const latencies = await othersAnswer(residents, questions, thinkMs);
  await sending;

  const en = TEXTS.en;
  const toFlooder = flooder.botMessages().filter((m) => m.message_id > firstQuestion.message_id);
  // Dropped by the flood guard, or by the inbox's cap on what one chat may queue.
  const logged = [
    ...bot.output().matchAll(/"dropped":(\d+)[^\n]*flooding chat|flooding chat[^\n]*"dropped":(\d+)/g),
    ...bot.output().matchAll(/"oldest":(\d+)[^\n]*queued too much|queued too much[^\n]*"oldest":(\d+)/g),
  ];
  await flooder.press(firstQuestion.replyMarkup!.inline_keyboard[0]![0]!.text);
  return {
    ...started,
    latencies,
    toFlooder: {
      slowDowns: toFlooder.filter((m) => m.text === en.slowDown).length,
      hints: toFlooder.filter((m) => m.text.startsWith('⚠️ ')).length,
      messages: toFlooder.length,
    },
    dropped: logged.reduce((sum, match) => sum + Number(match[1] ?? match[2] ?? 0), 0),
    // The pressed question became the next one, in place (the hints it got may sit below it).
    flooderAnswered: /^✓ 1\/16 [^\n]*\n\n2 \/ 16\n/.test(
      flooder.botMessages().find((m) => m.message_id === firstQuestion.message_id)?.text ?? '',
    ),
  };
}

// ---------------------------------------------------------------- a flood of commands

export interface CommandFloodRun extends Started {
  /** The others' press → next question, ms. */
  latencies: number[];
  /** Messages the flooder got from the bot for its burst. */
  repliesToFlooder: number;
  /** The flooder's own press after the burst → its next question, ms. */
  flooderAnswerMs: number;
}

/** The commands a stuck client repeats. */
const REPEATED_COMMANDS = ['/start', '/help', '/language', '/notify on'];

/** A port nobody listens on (the bot's webhook server takes it). */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/**
 * One chat sends `burst` commands at once (as a stuck client does) while
 * others answer the default questionnaire, by long polling or by webhook.
 */
export async function runCommandFloodScenario(
  options: { residents?: number; burst?: number; questions?: number; thinkMs?: number; webhook?: boolean } = {},
): Promise<CommandFloodRun> {
  const { residents: count = 6, burst = 300, questions = 6, thinkMs = 2_000, webhook = false } = options;
  const port = webhook ? await freePort() : 0;
  const env: Record<string, string> = webhook ? { WEBHOOK_URL: `http://127.0.0.1:${port}/telegram/hook`, PORT: String(port) } : {};
  const started = await startWithRound('Command flood', new FakeTelegram(), env);
  const { telegram } = started;
  const flooder = telegram.user(8000, { language_code: 'en' });
  const residents = Array.from({ length: count }, (_, i) => telegram.user(8100 + i, { language_code: 'en' }));
  await Promise.all([flooder, ...residents].map((user) => user.send('/start')));
  const question = flooder.lastBotMessage()!;

  const sending = Promise.all(Array.from({ length: burst }, (_, i) => flooder.send(REPEATED_COMMANDS[i % REPEATED_COMMANDS.length]!)));
  const latencies = await othersAnswer(residents, questions, thinkMs);
  await sending;
  const repliesToFlooder = flooder.botMessages().filter((m) => m.message_id > question.message_id).length;
  // The flooder answers its question (the newest prompt, after all that) and waits for the next.
  const answering = performance.now();
  await answerOne(flooder);
  return { ...started, latencies, repliesToFlooder, flooderAnswerMs: performance.now() - answering };
}

// ---------------------------------------------------------------- faults

const SENDS_AND_EDITS = ['sendMessage', 'editMessageText', 'editMessageReplyMarkup'];

/** The Telegram the issue describes: 10% of sends and edits 429, 5% 500, 2% dropped connections, 0–200 ms. */
export function faultPlan(seed: number): FaultPlan {
  return {
    seed,
    rates: { '429': 0.1, '500': 0.05, 'drop-before': 0.01, 'drop-after': 0.01 },
    methods: SENDS_AND_EDITS,
    retryAfter: 1,
    latencyMs: [0, 200],
  };
}

export interface FaultsOptions {
  residents: number;
  seed: number;
  /** Faults to inject; none: the same run on a sound network, for comparison. */
  plan?: FaultPlan;
  firstUserId?: number;
}

export interface FaultsRun extends Started {
  wallMs: number;
  residents: PersistentResident[];
  /** Every action of every resident → the first change on their screen, ms. */
  replyLatenciesMs: number[];
  /** Presses made again after 10 s of silence. */
  repeatedPresses: number;
  counts: Record<FaultKind, number>;
  /** Everything that went wrong for residents; all empty / zero when the bot did its job. */
  verdict: {
    failed: string[];
    /** Residents who had to send /start to get their next question. */
    restarted: number;
    /** Stored answers that are not what the resident chose, or not what they were shown as recorded. */
    mismatches: string[];
    /** Calls Telegram refused that no lost connection explains. */
    unexplainedRefusals: { method: string; chatId: number | undefined; description: string }[];
    /** Presses never answered. */
    unanswered: number;
    /** Messages left with live buttons after everyone finished. */
    liveButtons: number;
  };
}

/** A person's patience: after 10 s of silence they press again, after 20 s they send /start; each new question is read for 0.5–1.5 s. */
export const PATIENCE = { pressAgainMs: 10_000, restartMs: 20_000, readMs: [500, 1_500] as const };

/**
 * Residents finish the default questionnaire as fast as the bot lets them,
 * each reading its next question for a moment and, like people, not
 * waiting for the bot beyond their patience (PATIENCE); presses answered
 * later than 15 s are refused as Telegram refuses them.
 */
export async function runFaultsScenario({ residents: count, seed, plan, firstUserId = 10_000 }: FaultsOptions): Promise<FaultsRun> {
  const telegram = new FakeTelegram({ callbackQueryTtlMs: 15_000 });
  const started = await startWithRound('Faulty network', telegram);
  const { server, databasePath } = started;
  // Residents do not wait for the bot to finish with what they did: they watch their screen.
  server.setHandledProbe(undefined);
  const questionnaire = defaultQuestionnaire();
  const residents = Array.from({ length: count }, (_, i) => {
    const language = LANGUAGES[i % LANGUAGES.length]!;
    const user = telegram.user(firstUserId + i, { language_code: LANGUAGE_CODES[language] });
    return new PersistentResident(user, language, questionnaire, seed, { source: `wave_${i % 4}`, patience: PATIENCE });
  });
  if (plan) {
    // Whatever the dice say: a first resident's message refused more times than the client retries, and a lost answer to a press.
    server.failNext('sendMessage', '429', { times: 4, chatId: firstUserId });
    server.failNext('answerCallbackQuery', 'drop-after');
    server.faults(plan);
  }
  const startedAt = performance.now();
  const results = await Promise.allSettled(residents.map((resident) => resident.finish()));
  const wallMs = performance.now() - startedAt;
  server.faults(undefined);

  const mismatches = residentMismatches(databasePath, residents);
  return {
    ...started,
    wallMs,
    residents,
    replyLatenciesMs: residents.flatMap((r) => r.replyLatenciesMs),
    repeatedPresses: residents.reduce((n, r) => n + r.repeats, 0),
    counts: server.faultCounts(),
    verdict: {
      failed: results.flatMap((r, i) => (r.status === 'rejected' ? [`resident ${i}: ${String(r.reason)}`] : [])),
      restarted: residents.filter((r) => r.restarts > 0).length,
      mismatches,
      unexplainedRefusals: unexplainedRefusals(telegram, server),
      unanswered: telegram.callbackQueries().filter((q) => !q.answered).length,
      liveButtons: residents.reduce((n, r) => n + liveButtonMessages(telegram, r.user.chatId).length, 0),
    },
  };
}

/**
 * Everything stored that is not what the residents chose, or not what they
 * were shown as recorded (empty when each finished with exactly that).
 */
export function residentMismatches(databasePath: string, residents: readonly PersistentResident[]): string[] {
  const mismatches: string[] = [];
  const snapshot = readSurvey(databasePath);
  mismatches.push(...surveyInvariantViolations(snapshot));
  for (const resident of residents) {
    const { questionnaire } = resident;
    const who = `user ${resident.user.chatId}`;
    const responses = responsesOf(snapshot, resident.user.user.id);
    if (responses.length !== 1 || responses[0]!.status !== 'completed') {
      mismatches.push(`${who}: ${responses.map((r) => r.status).join(', ') || 'no response'}`);
      continue;
    }
    const stored = responses[0]!.answers;
    const [got, chosen] = [JSON.stringify(answersKey(stored)), JSON.stringify(answersKey(resident.expectedAnswers()))];
    if (got !== chosen) mismatches.push(`${who}: stored ${got}, chosen ${chosen}`);
    for (const ack of resident.acknowledgements()) {
      const question = questionnaire.questions.find((q) => q.id === ack.questionId)!;
      const answer = stored.get(ack.questionId);
      if (!answer || resident.shownAs(question, answer) !== ack.shown) {
        mismatches.push(`${who}: ${ack.questionId} was shown "${ack.shown}" but stored otherwise`);
      }
    }
  }
  return mismatches;
}

/**
 * Calls Telegram refused (other than getUpdates) are allowed only as the
 * repetition of a call whose response the network lost (answering a query a
 * second time, an edit that the lost attempt had already made), and as the
 * retirement of a copy a lost sendMessage may have left: taking the buttons
 * off the messages just below the prompt sent again, which Telegram refuses
 * for the resident's own messages and for messages without buttons.
 */
function unexplainedRefusals(telegram: FakeTelegram, server: FakeBotApiServer) {
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
    const description = call.result.description;
    const retiresLostCopy =
      call.method === 'editMessageReplyMarkup' && /message can't be edited|message is not modified/.test(description);
    return repeatsLostCall || retiresLostCopy ? [] : [{ method: call.method, chatId, description }];
  });
}

// ---------------------------------------------------------------- an admin's /report on a large round

export interface ReportScenarioRun extends Started {
  /** Residents' press → next question (ms) before the report, and while it was built. */
  without: number[];
  during: number[];
  /** /report sent → handled (its document sent), ms. */
  reportMs: number;
}

/**
 * An open round already holding `responses` completed responses; residents
 * answer, reading each question for `thinkMs`, first alone, then while an
 * admin's /report of the round is built.
 */
export async function runReportScenario({ responses = 100_000, residents: count = 8, thinkMs = 1_500 } = {}): Promise<ReportScenarioRun> {
  const databasePath = temporaryDatabasePath();
  const db = openDatabase(databasePath);
  const opened = openRound(db, { title: 'Large', questionnaire: defaultQuestionnaire(), now: new Date(LARGE_START) });
  if (!opened.ok) throw new Error('a round is already open');
  fillLargeRound(db, opened.round.id, opened.round.questionnaire, responses);
  closeDatabase(db);

  const telegram = new FakeTelegram();
  const server = await startFakeBotApi(telegram, { confirmTimeoutMs: 300_000 });
  const admin = telegram.user(ADMIN, { first_name: 'Admin', language_code: 'en' });
  const env = { BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: server.apiRoot, DATABASE_PATH: databasePath, ADMIN_CHAT_IDS: String(ADMIN), TELEGRAM_RATE_LIMITS: 'on' };
  const bot = await startBotProcess(env, { server });
  const started: Started = { telegram, server, bot, databasePath, close: async () => void (await bot.stop(), await server.close()) };
  const users = Array.from({ length: count }, (_, i) => telegram.user(8200 + i, { language_code: 'en' }));
  await Promise.all(users.map((user) => user.send('/start')));

  const without = await othersAnswer(users, 4, thinkMs);
  const during: number[] = [];
  let reportDone = false;
  const reportStarted = performance.now();
  // Done when its document is sent (a large report outlasts the inbox probe's patience).
  const report = telegram
    .waitForCall((call) => call.method === 'sendDocument' && Number(call.params['chat_id']) === ADMIN, 300_000)
    .then(() => (reportDone = true));
  void admin.send('/report').catch(() => undefined);
  await Promise.all(
    users.map(async (resident) => {
      for (let step = 0; step < 10 && !reportDone; step++) {
        await sleep(thinkMs);
        during.push(await answerOne(resident));
      }
    }),
  );
  await report;
  return { ...started, without, during, reportMs: performance.now() - reportStarted };
}
