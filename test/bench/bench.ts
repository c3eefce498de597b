import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { TEXTS } from '../../src/texts/resident.js';
import { DEFAULT_QUESTIONNAIRE_PATH } from '../../src/config.js';
import { closeDatabase, openDatabase } from '../../src/db/client.js';
import { openRound } from '../../src/db/rounds.js';
import { computeFigures } from '../../src/figures/figures.js';
import type { Questionnaire } from '../../src/questionnaire/schema.js';
import { loadQuestionnaireFile } from '../../src/questionnaire/validate.js';
import { LARGE_START, LARGE_STEP, fillLargeRound } from '../figures/large-round.js';
import { startFakeBotApi } from '../helpers/fake-bot-api-server.js';
import { FakeTelegram } from '../helpers/fake-telegram.js';
import { faultPlan, percentile as percentileOf, runFaultsScenario, runFloodScenario, type FaultsRun } from '../helpers/scenarios.js';
import { Replies, Stopped, runResident, type Labels, type RunStats } from './driver.js';
import { buildFloorScript, firstOptionPath } from './floor-script.js';
import { buildDist } from '../helpers/build-dist.js';
import { measureIdleRss, type IdleRssResult } from './idle-rss.js';
import { measureResidentsDuringReport, type ReportResidentsResult } from './report-residents.js';
import { machineCpuSeconds, REPO, scratchDir, spawnBot, type BotProcess, type MemorySample } from './processes.js';

/*
 * npm run bench [-- --residents 500 --out bench-results/bench.json
 *                  --figures-responses 100000 --skip-figures ...]
 *
 * Part 1: manyi, run as `npm start` runs it, against a fake Bot API server on
 * loopback, with N residents who all /start at once and answer the default
 * questionnaire as fast as the bot answers; then the same for a floor bot (a
 * minimal grammY bot with the same conversation and manyi's polling loop,
 * test/bench/floor-bot.ts), and the ratios. One more manyi run with
 * Telegram's rate limits on shows the outgoing cap.
 * Part 2: peak memory of manyi with 100 and with 10,000 residents left in
 * progress (each /start and three answers).
 * Part 3: the figures module on a generated round of 100,000 responses, and
 * /report's Excel file of that round (time, peak memory, longest event-loop
 * stall), built in a process of its own by test/bench/report-run.ts.
 */

const { values: args } = parseArgs({
  options: {
    residents: { type: 'string', default: '500' },
    out: { type: 'string', default: 'bench-results/bench.json' },
    'figures-responses': { type: 'string', default: '100000' },
    'skip-figures': { type: 'boolean', default: false },
    'only-figures': { type: 'boolean', default: false },
    'in-progress': { type: 'string', default: '10000' },
    'in-progress-small': { type: 'string', default: '100' },
    'skip-in-progress': { type: 'boolean', default: false },
    'limits-residents': { type: 'string', default: '100' },
    'limits-seconds': { type: 'string', default: '20' },
    'skip-limits': { type: 'boolean', default: false },
    'skip-floor': { type: 'boolean', default: false },
    'skip-resilience': { type: 'boolean', default: false },
    'skip-idle': { type: 'boolean', default: false },
    'skip-report-residents': { type: 'boolean', default: false },
    'only-lean': { type: 'boolean', default: false },
    'faults-residents': { type: 'string', default: '40' },
    'flood-residents': { type: 'string', default: '6' },
    repeat: { type: 'string', default: '3' },
    'quiet-wait': { type: 'string', default: '10' },
    profile: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
  strict: true,
});

if (args.help) {
  console.log(`npm run bench -- [options]
  --residents N            residents completing the questionnaire, manyi and floor (default 500)
  --out PATH               JSON results (default bench-results/bench.json)
  --figures-responses N    completed responses in the generated round (default 100000)
  --skip-figures           skip part 3
  --only-figures           run part 3 alone (figures and /report on the generated round)
  --in-progress N          residents left in progress, large run (default 10000)
  --in-progress-small N    residents left in progress, small run (default 100)
  --skip-in-progress       skip part 2
  --limits-residents N     residents of the run with TELEGRAM_RATE_LIMITS=on (default 100)
  --limits-seconds S       how long that run lasts (default 20)
  --skip-limits            skip the rate-limited run
  --skip-floor             skip the floor bot
  --skip-resilience        skip part 4 (flood and faults)
  --skip-idle              skip idle RSS after start (compiled vs tsx)
  --skip-report-residents  skip residents' latency while /report on the generated round is built
  --only-lean              idle RSS and residents during /report alone
  --faults-residents N     residents of the faults runs (default 40)
  --flood-residents N      residents answering beside the flooder (default 6)
  --repeat N               run manyi and the floor N times each, alternately, and report the best (default 3)
  --quiet-wait S           before each run, wait up to S seconds for other processes to leave the CPU (default 10; 0: never)
  --profile                write CPU profiles of the bot processes next to the JSON`);
  process.exit(0);
}

function positive(name: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`--${name} should be a positive whole number, got ${value}`);
    process.exit(2);
  }
  return n;
}

const RESIDENTS = positive('residents', args.residents);
const FIGURES_RESPONSES = positive('figures-responses', args['figures-responses']);
const IN_PROGRESS = positive('in-progress', args['in-progress']);
const IN_PROGRESS_SMALL = positive('in-progress-small', args['in-progress-small']);
const LIMITS_RESIDENTS = positive('limits-residents', args['limits-residents']);
const LIMITS_SECONDS = positive('limits-seconds', args['limits-seconds']);
const REPEAT = positive('repeat', args.repeat);
const FAULTS_RESIDENTS = positive('faults-residents', args['faults-residents']);
const FLOOD_RESIDENTS = positive('flood-residents', args['flood-residents']);
const FAULTS_SEED = 20240601;
const QUIET_WAIT_S = Number(args['quiet-wait']);
if (!Number.isFinite(QUIET_WAIT_S) || QUIET_WAIT_S < 0) {
  console.error(`--quiet-wait should be a number of seconds, got ${args['quiet-wait']}`);
  process.exit(2);
}
const OUT = resolve(REPO, args.out ?? 'bench-results/bench.json');
const PROFILE_DIR = args.profile ? join(dirname(OUT), 'profiles') : undefined;

const ADMIN = 1001;
const FIRST_RESIDENT = 200_000_000;
const LANGUAGE = 'zh-Hant' as const;
const LABELS: Labels = TEXTS[LANGUAGE];
const SUGGESTION = '希望多公開幹部選拔的情況，讓群眾多了解。';
/** A run fails when no resident got a reply for this long. */
const STALL_MS = 30_000;
/** And when it takes longer than this in all. */
const RUN_DEADLINE_MS = 15 * 60_000;

// ---------------------------------------------------------------- helpers

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

const round = (n: number, digits = 1) => (Number.isFinite(n) ? Number(n.toFixed(digits)) : null);
const mb = (kb: number) => round(kb / 1024, 1);

/** Most calls within any window of `windowMs`. */
function maxInWindow(times: readonly number[], windowMs: number): number {
  let best = 0;
  let from = 0;
  for (let to = 0; to < times.length; to++) {
    while (times[to]! - times[from]! >= windowMs) from++;
    best = Math.max(best, to - from + 1);
  }
  return best;
}

function loadDefaultQuestionnaire(): Questionnaire {
  const loaded = loadQuestionnaireFile(DEFAULT_QUESTIONNAIRE_PATH);
  if (!loaded.ok) throw new Error(`the default questionnaire is invalid:\n${loaded.problems.join('\n')}`);
  return loaded.questionnaire;
}

/**
 * Waits until other processes use less than 0.15 of a core for two seconds in a
 * row (other engineers' test runs on a shared machine skew every figure), at
 * most `maxSeconds`. Returns how long it waited.
 */
async function waitForQuiet(maxSeconds: number): Promise<number> {
  const started = performance.now();
  let quietSeconds = 0;
  while (quietSeconds < 2 && performance.now() - started < maxSeconds * 1000) {
    const before = machineCpuSeconds();
    await sleep(1000);
    quietSeconds = machineCpuSeconds() - before < 0.15 ? quietSeconds + 1 : 0;
  }
  return (performance.now() - started) / 1000;
}

function log(message: string): void {
  console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);
}

// ---------------------------------------------------------------- one run

type BotKind = 'manyi' | 'floor';

interface RunOptions {
  label: string;
  bot: BotKind;
  residents: number;
  rateLimits?: boolean;
  /** Answers before stopping (left in progress); all and Submit when absent. */
  answers?: number;
  /** Time-box the residents' activity. */
  seconds?: number;
  /** Measure the live heap after the run (a heap snapshot, which collects garbage first). */
  heapSnapshot?: boolean;
}

interface RunResult {
  label: string;
  bot: BotKind;
  residents: number;
  rateLimits: boolean;
  wallSeconds: number;
  updates: number;
  completed: number;
  completedPerSecond: number;
  updatesPerSecond: number;
  latencyMs: { p50: number | null; p95: number | null; p99: number | null; max: number | null; mean: number | null };
  apiCalls: number;
  apiCallsByMethod: Record<string, number>;
  apiCallsPerCompleted: number | null;
  refusedCalls: number;
  refusedExamples: { method: string; description: string }[];
  /** Calls naming a chat (sendMessage, edits: what the throttler limits) per second. */
  chatCallsPerSecond: { mean: number | null; maxIn1s: number };
  sendMessagesPerSecond: { mean: number | null; maxIn1s: number };
  peakRssMb: number | null;
  peakSampledRssMb: number | null;
  rssBeforeResidentsMb: number | null;
  rssAtEndMb: number | null;
  liveHeapAfterGcMb?: number;
  /** Mean RSS over the first and the last third of the measured window. */
  rssThirdsMb: { first: number | null; last: number | null };
  botCpuSeconds: number | null;
  botCpuMsPerUpdate: number | null;
  botCpuUtilisation: number | null;
  harnessCpuUtilisation: number | null;
  /** Seconds spent waiting for a quiet machine before the run. */
  waitedForQuietSeconds: number;
  /** CPU used by other processes on the machine during the run (cores): other work skews the figures. */
  otherCpuCores: number | null;
  /** How late the harness's event loop ran (its own delay is in every latency measured). */
  harnessLoopDelayMs: { p99: number | null; max: number | null };
  exitCode: number | null;
  database?: { completedResponses: number; partialResponses: number; answers: number; fileMb: number | null };
  memoryTimeline: MemorySample[];
}

async function runBot(options: RunOptions, floorScriptPath: string): Promise<RunResult> {
  const rateLimits = options.rateLimits ?? false;
  const waited = QUIET_WAIT_S > 0 ? await waitForQuiet(QUIET_WAIT_S) : 0;
  if (waited >= 3) log(`  waited ${waited.toFixed(0)} s for other processes to quieten`);
  const telegram = new FakeTelegram();
  const replies = new Replies(telegram);
  const server = await startFakeBotApi(telegram, { confirmTimeoutMs: RUN_DEADLINE_MS });
  const dir = scratchDir('manyi-bench-');
  const databasePath = join(dir, 'data', 'manyi.sqlite');
  const admin = telegram.user(ADMIN, { first_name: 'Admin', language_code: 'en' });
  let bot: BotProcess | undefined;
  let watchdog: NodeJS.Timeout | undefined;
  try {
    const nodeFlags = PROFILE_DIR ? ['--cpu-prof', '--cpu-prof-dir', PROFILE_DIR, `--cpu-prof-name=${options.label}.cpuprofile`] : [];
    const env = {
      BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: server.apiRoot,
      LOG_LEVEL: 'warn',
      TELEGRAM_RATE_LIMITS: rateLimits ? 'on' : 'off',
    };
    if (options.bot === 'manyi') {
      bot = spawnBot('dist/main.js', {
        env: { ...env, DATABASE_PATH: databasePath, ADMIN_CHAT_IDS: String(ADMIN) },
        nodeFlags: options.heapSnapshot ? [...nodeFlags, '--heapsnapshot-signal=SIGUSR2'] : nodeFlags,
      });
      // The admin's command waits in the queue until the bot polls: its answer means the bot is up.
      const opened = telegram.waitForCall(
        (call) => call.method === 'sendMessage' && Number(call.params['chat_id']) === ADMIN,
        60_000,
      );
      void admin.send('/open_round Bench').catch(() => undefined);
      const exit = bot.exited.then((code) => {
        throw new Error(`manyi exited (${code}) before it answered:\n${bot?.output()}`);
      });
      await Promise.race([opened, exit]);
      const text = admin.lastText() ?? '';
      if (!/is open/.test(text)) throw new Error(`/open_round was not accepted: ${text}`);
    } else {
      bot = spawnBot('test/bench/floor-bot.ts', { env: { ...env, FLOOR_SCRIPT: floorScriptPath }, nodeFlags });
      await bot.waitForOutput('polling for updates', 60_000);
    }
    const running = bot;
    // Let start-up settle (command menus, the first long poll) before measuring.
    await sleep(300);

    const users = Array.from({ length: options.residents }, (_, i) =>
      telegram.user(FIRST_RESIDENT + i, { first_name: `R${i}`, language_code: 'zh-hant' }),
    );
    const stats: RunStats = { latencies: [], updates: 0, completed: 0, completedAt: [] };
    let timeUp = false;
    const rssBefore = running.memory()?.rssKb;
    replies.resetCounts();
    replies.counting = true;
    const cpuBefore = running.cpuSeconds();
    const harnessBefore = process.cpuUsage();
    const machineBefore = machineCpuSeconds();
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    const started = performance.now();
    replies.lastReplyAt = started;

    watchdog = setInterval(() => {
      const now = performance.now();
      if (!running.isRunning()) {
        replies.failAll(new Error(`the bot exited during the run (${running.status()}):\n${running.output().slice(-3000)}`));
      } else if (replies.pending > 0 && now - replies.lastReplyAt > STALL_MS) {
        replies.failAll(new Error(`no reply for ${STALL_MS} ms (${replies.pending} residents waiting, ${server.pending()} updates queued)`));
      } else if (now - started > RUN_DEADLINE_MS) {
        replies.failAll(new Error(`the run took longer than ${RUN_DEADLINE_MS} ms`));
      }
    }, 1000);
    let stopTimer: NodeJS.Timeout | undefined;
    if (options.seconds !== undefined) {
      stopTimer = setTimeout(() => {
        timeUp = true;
        replies.failAll(new Stopped('time is up'));
      }, options.seconds * 1000);
    }

    const outcomes = await Promise.allSettled(
      users.map((user) =>
        runResident(user, replies, LABELS, stats, {
          ...(options.answers !== undefined ? { answers: options.answers } : {}),
          stopped: () => timeUp,
          suggestion: SUGGESTION,
        }),
      ),
    );
    clearTimeout(stopTimer);
    const failures = outcomes.flatMap((o) =>
      o.status === 'rejected' && !(o.reason instanceof Stopped) ? [o.reason as Error] : [],
    );
    if (failures.length > 0) {
      throw new Error(`${failures.length} residents failed; the first: ${failures[0]!.message}`);
    }
    // Completed: the last thanks; in progress: the last answer; time-boxed: the box.
    const ended =
      options.seconds !== undefined
        ? started + options.seconds * 1000
        : options.answers === undefined
          ? Math.max(...stats.completedAt)
          : replies.lastReplyAt;
    replies.counting = false;
    const wallSeconds = (ended - started) / 1000;
    const cpuSeconds = running.cpuSeconds() - cpuBefore;
    const harness = process.cpuUsage(harnessBefore);
    const machine = machineCpuSeconds() - machineBefore;
    loopDelay.disable();
    // Memory a little after the work, as it stays.
    await sleep(options.answers !== undefined ? 2000 : 200);
    const rssAtEnd = running.memory()?.rssKb;
    const peak = running.peak();
    const liveHeap = options.heapSnapshot ? await running.liveHeapBytes() : undefined;
    const exitCode = await running.stop();
    bot = undefined;

    const sorted = stats.latencies.slice().sort((a, b) => a - b);
    const third = (ended - started) / 3;
    const meanRss = (from: number, to: number) => {
      const inside = running
        .samples()
        .filter((sample) => sample.t >= from - running.startedAt && sample.t <= to - running.startedAt);
      return inside.length === 0 ? null : mb(inside.reduce((sum, sample) => sum + sample.rssKb, 0) / inside.length);
    };
    const apiCalls = [...replies.methods.values()].reduce((a, b) => a + b, 0);
    const chatCalls = replies.chatCalls;
    const sends = replies.sendMessages;
    const result: RunResult = {
      label: options.label,
      bot: options.bot,
      residents: options.residents,
      rateLimits,
      wallSeconds: round(wallSeconds, 2)!,
      updates: stats.updates,
      completed: stats.completed,
      completedPerSecond: round(stats.completed / wallSeconds, 1)!,
      updatesPerSecond: round(stats.updates / wallSeconds, 0)!,
      latencyMs: {
        p50: round(percentile(sorted, 50)),
        p95: round(percentile(sorted, 95)),
        p99: round(percentile(sorted, 99)),
        max: round(sorted.at(-1) ?? Number.NaN),
        mean: round(sorted.reduce((a, b) => a + b, 0) / sorted.length),
      },
      apiCalls,
      apiCallsByMethod: Object.fromEntries(replies.methods),
      apiCallsPerCompleted: stats.completed > 0 ? round(apiCalls / stats.completed, 1) : null,
      refusedCalls: replies.refused.length,
      refusedExamples: replies.refused.slice(0, 5),
      chatCallsPerSecond: {
        mean: round(chatCalls.length / wallSeconds, 1),
        maxIn1s: maxInWindow(chatCalls, 1000),
      },
      sendMessagesPerSecond: {
        mean: round(sends.length / wallSeconds, 1),
        maxIn1s: maxInWindow(sends, 1000),
      },
      peakRssMb: mb(peak.hwmKb),
      peakSampledRssMb: mb(peak.sampledRssKb),
      rssBeforeResidentsMb: rssBefore === undefined ? null : mb(rssBefore),
      rssAtEndMb: rssAtEnd === undefined ? null : mb(rssAtEnd),
      ...(liveHeap !== undefined ? { liveHeapAfterGcMb: round(liveHeap / 2 ** 20, 1)! } : {}),
      rssThirdsMb: { first: meanRss(started, started + third), last: meanRss(ended - third, ended) },
      botCpuSeconds: round(cpuSeconds, 2),
      botCpuMsPerUpdate: round((cpuSeconds * 1000) / stats.updates, 2),
      botCpuUtilisation: round(cpuSeconds / wallSeconds, 2),
      harnessCpuUtilisation: round((harness.user + harness.system) / 1e6 / wallSeconds, 2),
      waitedForQuietSeconds: round(waited, 0)!,
      otherCpuCores: round((machine - cpuSeconds - (harness.user + harness.system) / 1e6) / wallSeconds, 2),
      harnessLoopDelayMs: { p99: round(loopDelay.percentile(99) / 1e6), max: round(loopDelay.max / 1e6) },
      exitCode,
      // One sample per 500 ms is plenty for the record.
      memoryTimeline: running.samples().filter((sample, i, all) => i === 0 || Math.floor(sample.t / 500) !== Math.floor(all[i - 1]!.t / 500)),
    };
    if (options.bot === 'manyi') result.database = inspectDatabase(databasePath);
    return result;
  } finally {
    clearInterval(watchdog);
    replies.detach();
    await bot?.stop(3000);
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function inspectDatabase(path: string): RunResult['database'] {
  const db = new Database(path, { readonly: true });
  try {
    const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
    const pages = db.pragma('page_count', { simple: true }) as number;
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    return {
      completedResponses: count(`select count(*) n from responses where status = 'completed'`),
      partialResponses: count(`select count(*) n from responses where status = 'partial'`),
      answers: count('select count(*) n from answers'),
      fileMb: round((pages * pageSize) / 1024 / 1024, 1),
    };
  } finally {
    db.close();
  }
}

// ---------------------------------------------------------------- figures

interface FiguresResult {
  completedResponses: number;
  partialResponses: number;
  generateMs: number;
  wholeRoundMs: number[];
  lastWeekMs: number[];
  lastWeekCompleted: number;
}

function timeFigures(completed: number): FiguresResult {
  const questionnaire = loadDefaultQuestionnaire();
  const db = openDatabase(':memory:');
  try {
    const opened = openRound(db, { title: 'large', questionnaire, now: new Date(LARGE_START) });
    if (!opened.ok) throw new Error('a round is already open');
    const roundId = opened.round.id;
    let started = performance.now();
    fillLargeRound(db, roundId, questionnaire, completed);
    const generateMs = performance.now() - started;
    const input = {
      roundIds: [roundId],
      questionnaire,
      ...(questionnaire.report.respondent_question ? { respondentQuestion: questionnaire.report.respondent_question } : {}),
      ...(questionnaire.report.improvement_question ? { improvementQuestion: questionnaire.report.improvement_question } : {}),
    };
    const total = completed + Math.floor(completed / 10);
    // The last seven days of the round (responses are LARGE_STEP ms apart).
    const end = LARGE_START + (total + 1) * LARGE_STEP + 300_000;
    const week = { from: new Date(end - 7 * 24 * 3600_000), to: new Date(end) };
    const wholeRoundMs: number[] = [];
    const lastWeekMs: number[] = [];
    let lastWeekCompleted = 0;
    for (let i = 0; i < 3; i++) {
      started = performance.now();
      computeFigures(db, input);
      wholeRoundMs.push(round(performance.now() - started, 0)!);
      started = performance.now();
      lastWeekCompleted = computeFigures(db, { ...input, window: week }).counts.completed;
      lastWeekMs.push(round(performance.now() - started, 0)!);
    }
    return {
      completedResponses: completed,
      partialResponses: Math.floor(completed / 10),
      generateMs: round(generateMs, 0)!,
      wholeRoundMs,
      lastWeekMs,
      lastWeekCompleted,
    };
  } finally {
    closeDatabase(db);
  }
}

// ---------------------------------------------------------------- one user's effect on the others

interface ResilienceResult {
  flood: {
    residents: number;
    burst: number;
    othersLatencyMs: { p50: number | null; p95: number | null; max: number | null };
    presses: number;
    toFlooder: { slowDowns: number; hints: number; messages: number };
    junkDropped: number;
    flooderAnswerTaken: boolean;
  };
  faults: {
    residents: number;
    withoutFaultsSeconds: number;
    withFaultsSeconds: number;
    ratio: number | null;
    injected: Record<string, number>;
    verdict: FaultsRun['verdict'];
    verdictWithoutFaults: FaultsRun['verdict'];
  };
}

/**
 * Part 4, rate limits on (as shipped): one resident floods while others
 * answer; then residents finish through Telegram's faults, against the same
 * run on a sound network.
 */
async function runResilience(): Promise<ResilienceResult> {
  log(`one resident bursts 80 junk messages while ${FLOOD_RESIDENTS} others answer (rate limits on)`);
  if (QUIET_WAIT_S > 0) await waitForQuiet(QUIET_WAIT_S);
  const flood = await runFloodScenario({ residents: FLOOD_RESIDENTS, burst: 80, questions: 6 });
  await flood.close();
  const runFaults = async (withFaults: boolean) => {
    log(`${FAULTS_RESIDENTS} residents finish the questionnaire, rate limits on, ${withFaults ? 'with' : 'without'} faults`);
    if (QUIET_WAIT_S > 0) await waitForQuiet(QUIET_WAIT_S);
    const run = await runFaultsScenario({
      residents: FAULTS_RESIDENTS,
      seed: FAULTS_SEED,
      ...(withFaults ? { plan: faultPlan(FAULTS_SEED) } : {}),
    });
    await run.close();
    return run;
  };
  const sound = await runFaults(false);
  const faulty = await runFaults(true);
  const { latencies } = flood;
  return {
    flood: {
      residents: FLOOD_RESIDENTS,
      burst: 80,
      othersLatencyMs: {
        p50: round(percentileOf(latencies, 50), 0),
        p95: round(percentileOf(latencies, 95), 0),
        max: round(Math.max(...latencies), 0),
      },
      presses: latencies.length,
      toFlooder: flood.toFlooder,
      junkDropped: flood.dropped,
      flooderAnswerTaken: flood.flooderAnswered,
    },
    faults: {
      residents: FAULTS_RESIDENTS,
      withoutFaultsSeconds: round(sound.wallMs / 1000, 1)!,
      withFaultsSeconds: round(faulty.wallMs / 1000, 1)!,
      ratio: ratio(faulty.wallMs, sound.wallMs),
      injected: faulty.counts,
      verdict: faulty.verdict,
      verdictWithoutFaults: sound.verdict,
    },
  };
}

const clean = (verdict: FaultsRun['verdict']) =>
  verdict.failed.length === 0 &&
  verdict.restarted === 0 &&
  verdict.mismatches.length === 0 &&
  verdict.unexplainedRefusals.length === 0 &&
  verdict.unanswered === 0 &&
  verdict.liveButtons === 0;

interface ReportResult {
  responses: number;
  gatherMs: number | null;
  writeMs: number | null;
  totalMs: number;
  rssBeforeMb: number;
  peakRssMb: number;
  longestStallMs: number;
  fileMb: number;
  /** The same report built as the bot builds it, in the figures worker thread. */
  inWorker?: ReportResult;
}

/**
 * /report on a generated round of `completed` responses, closed after its
 * last one: the round goes into a database file, then test/bench/report-run.ts
 * builds the .xlsx in a process of its own, so the peak memory is the report's.
 */
function timeReport(completed: number): ReportResult {
  const dir = scratchDir('manyi-bench-report-');
  try {
    const path = join(dir, 'manyi.sqlite');
    const questionnaire = loadDefaultQuestionnaire();
    const db = openDatabase(path);
    const opened = openRound(db, { title: '2025 年度測評', questionnaire, now: new Date(LARGE_START) });
    if (!opened.ok) throw new Error('a round is already open');
    fillLargeRound(db, opened.round.id, questionnaire, completed);
    db.$client.prepare('UPDATE rounds SET closed_at = (SELECT max(started_at) + 1 FROM responses) WHERE id = ?').run(opened.round.id);
    closeDatabase(db);
    const reportRun = (...mode: string[]) => {
      const run = spawnSync(process.execPath, ['--import', 'tsx', join(REPO, 'test/bench/report-run.ts'), path, String(opened.round.id), join(dir, 'report.xlsx'), ...mode], {
        cwd: REPO,
        encoding: 'utf8',
      });
      if (run.status !== 0) throw new Error(`report-run failed:\n${run.stderr}`);
      return JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as ReportResult;
    };
    return { ...reportRun(), inWorker: reportRun('worker') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function printFigures(figures: FiguresResult, report: ReportResult): void {
  console.log('');
  console.log(
    `Part 3 — computeFigures on a round of ${figures.completedResponses} completed (+${figures.partialResponses} partial) ` +
      `responses (generated in ${figures.generateMs} ms); three runs each`,
  );
  console.log(
    table([
      ['', 'ms'],
      ['whole round', figures.wholeRoundMs.join(' / ')],
      [`last 7 days (${figures.lastWeekCompleted} completed)`, figures.lastWeekMs.join(' / ')],
    ]),
  );
  console.log('');
  console.log(`/report of that round: an .xlsx of ${report.responses} responses (${report.fileMb} MB), in a process of its own`);
  const worker = report.inWorker;
  console.log(
    table([
      ['', 'on the main thread', 'in the figures worker (as the bot does)'],
      ['figures, groups, trend (ms)', report.gatherMs, worker?.gatherMs ?? null],
      ['workbook written (ms)', report.writeMs, worker?.writeMs ?? null],
      ['in all (ms)', report.totalMs, worker?.totalMs ?? null],
      ['RSS before (MB)', report.rssBeforeMb, worker?.rssBeforeMb ?? null],
      ['peak RSS (MB)', report.peakRssMb, worker?.peakRssMb ?? null],
      ["longest event-loop stall of the main thread (ms)", report.longestStallMs, worker?.longestStallMs ?? null],
    ]),
  );
}

// ---------------------------------------------------------------- report

function table(rows: (string | number | null)[][]): string {
  const cells = rows.map((row) => row.map((c) => (c === null ? '–' : String(c))));
  const widths = cells[0]!.map((_, i) => Math.max(...cells.map((row) => [...(row[i] ?? '')].length)));
  return cells
    .map((row, r) => {
      const line = row.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
      return r === 0 ? `${line}\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : line;
    })
    .join('\n');
}

const ratio = (a: number | null | undefined, b: number | null | undefined) =>
  a === null || a === undefined || b === null || b === undefined || b === 0 ? null : round(a / b, 2);

/**
 * The fastest of the repeats. Noise here only ever slows a run down (other
 * processes taking the CPU, a GC at a bad moment), so the best run is the
 * least disturbed one; every run is printed and kept in the JSON too.
 */
function best(runs: RunResult[]): RunResult {
  return runs.reduce((a, b) => (b.completedPerSecond > a.completedPerSecond ? b : a));
}

function partThree(): { figures: FiguresResult; report: ReportResult } {
  log(`figures module on a generated round of ${FIGURES_RESPONSES} completed responses`);
  const figures = timeFigures(FIGURES_RESPONSES);
  log(`/report on a generated round of ${FIGURES_RESPONSES} completed responses`);
  return { figures, report: timeReport(FIGURES_RESPONSES) };
}

/** --only-figures: Part 3 alone, printed and written like the whole benchmark's. */
function onlyFigures(): void {
  const started = performance.now();
  mkdirSync(dirname(OUT), { recursive: true });
  const { figures, report } = partThree();
  printFigures(figures, report);
  const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? null, memoryGb: round(totalmem() / 2 ** 30, 1), node: process.version };
  const result = { date: new Date().toISOString(), machine, parameters: { figuresResponses: FIGURES_RESPONSES }, figures, report, benchSeconds: round((performance.now() - started) / 1000, 1) };
  writeFileSync(OUT, `${JSON.stringify(result, null, 2)}\n`);
  console.log('');
  console.log(`Written to ${OUT} (${result.benchSeconds} s in all)`);
}

/** Idle RSS after start, and residents' latency while /report on the generated round is built. */
async function leanParts(): Promise<{ idle?: IdleRssResult; duringReport?: ReportResidentsResult }> {
  const parts: { idle?: IdleRssResult; duringReport?: ReportResidentsResult } = {};
  if (!args['skip-idle']) {
    log('manyi idle after start: compiled (npm start) vs the tsx loader (npm run dev)');
    parts.idle = await measureIdleRss();
  }
  if (!args['skip-report-residents']) {
    log(`8 residents answer, reading 1.5 s, before and while /report on ${FIGURES_RESPONSES} responses is built (rate limits on)`);
    if (QUIET_WAIT_S > 0) await waitForQuiet(QUIET_WAIT_S);
    parts.duringReport = await measureResidentsDuringReport(FIGURES_RESPONSES);
  }
  return parts;
}

function printLean(idle: IdleRssResult | undefined, duringReport: ReportResidentsResult | undefined): void {
  if (idle) {
    console.log('');
    console.log(
      `Idle RSS, polling with nothing to do, ${idle.settleSeconds} s after start (10 s after in brackets): ` +
        `${idle.compiledMb} MB (${idle.compiledAt10sMb}) compiled (npm start), ${idle.tsxMb} MB (${idle.tsxAt10sMb}) with the tsx loader (npm run dev).`,
    );
  }
  if (duringReport) {
    const { withoutMs: a, duringMs: b } = duringReport;
    console.log('');
    console.log(`Residents during /report on ${duringReport.responses} responses (${duringReport.residents} residents reading 1.5 s, rate limits on; the report took ${duringReport.reportMs} ms)`);
    console.log(
      table([
        ['press → next question (ms)', 'p50', 'p95', 'presses'],
        ['without /report', a.p50, a.p95, a.presses],
        ['while /report is built', b.p50, b.p95, b.presses],
        ['p95 while / without', null, duringReport.p95Ratio, null],
      ]),
    );
  }
}

async function main(): Promise<void> {
  if (args['only-figures']) return onlyFigures();
  if (args['only-lean']) {
    buildDist();
    const { idle, duringReport } = await leanParts();
    printLean(idle, duringReport);
    mkdirSync(dirname(OUT), { recursive: true });
    writeFileSync(OUT, `${JSON.stringify({ date: new Date().toISOString(), idleRss: idle ?? null, residentsDuringReport: duringReport ?? null }, null, 2)}\n`);
    return;
  }
  const benchStarted = performance.now();
  // manyi runs as `npm start` runs it: compiled first.
  buildDist();
  mkdirSync(dirname(OUT), { recursive: true });
  if (PROFILE_DIR) mkdirSync(PROFILE_DIR, { recursive: true });
  const questionnaire = loadDefaultQuestionnaire();
  const scriptDir = scratchDir('manyi-bench-floor-');
  const floorScriptPath = join(scriptDir, 'floor-script.json');
  writeFileSync(floorScriptPath, JSON.stringify(buildFloorScript(questionnaire, LANGUAGE)));
  const questionsAnswered = firstOptionPath(questionnaire).length;

  const results: Record<string, RunResult> = {};
  const repeats: Record<BotKind, RunResult[]> = { manyi: [], floor: [] };
  try {
    for (let i = 1; i <= REPEAT; i++) {
      const nth = REPEAT > 1 ? ` (${i} of ${REPEAT})` : '';
      log(`manyi: ${RESIDENTS} residents complete the questionnaire, rate limits off${nth}`);
      repeats.manyi.push(await runBot({ label: `manyi-${i}`, bot: 'manyi', residents: RESIDENTS }, floorScriptPath));
      if (!args['skip-floor']) {
        log(`floor bot: ${RESIDENTS} residents${nth}`);
        repeats.floor.push(await runBot({ label: `floor-${i}`, bot: 'floor', residents: RESIDENTS }, floorScriptPath));
      }
    }
    results['manyi'] = best(repeats.manyi);
    if (repeats.floor.length > 0) results['floor'] = best(repeats.floor);
    if (!args['skip-limits']) {
      log(`manyi with TELEGRAM_RATE_LIMITS=on: ${LIMITS_RESIDENTS} residents for ${LIMITS_SECONDS} s`);
      results['manyiRateLimited'] = await runBot(
        { label: 'manyi-rate-limits-on', bot: 'manyi', residents: LIMITS_RESIDENTS, rateLimits: true, seconds: LIMITS_SECONDS },
        floorScriptPath,
      );
    }
    if (!args['skip-in-progress']) {
      for (const [key, n] of [
        ['inProgressSmall', IN_PROGRESS_SMALL],
        ['inProgressLarge', IN_PROGRESS],
      ] as const) {
        log(`manyi: ${n} residents /start, answer 3 questions and stay in progress`);
        results[key] = await runBot(
          { label: `manyi-in-progress-${n}`, bot: 'manyi', residents: n, answers: 3, heapSnapshot: true },
          floorScriptPath,
        );
      }
    }
  } finally {
    rmSync(scriptDir, { recursive: true, force: true });
  }

  const { idle, duringReport } = await leanParts();

  const resilience = args['skip-resilience'] ? undefined : await runResilience();

  let figures: FiguresResult | undefined;
  let reportRun: ReportResult | undefined;
  if (!args['skip-figures']) ({ figures, report: reportRun } = partThree());

  // ---- targets
  const manyi = results['manyi']!;
  const floor = results['floor'];
  const limited = results['manyiRateLimited'];
  const small = results['inProgressSmall'];
  const large = results['inProgressLarge'];
  const ratios = floor
    ? {
        completedPerSecond: ratio(manyi.completedPerSecond, floor.completedPerSecond),
        updatesPerSecond: ratio(manyi.updatesPerSecond, floor.updatesPerSecond),
        p50: ratio(manyi.latencyMs.p50, floor.latencyMs.p50),
        p95: ratio(manyi.latencyMs.p95, floor.latencyMs.p95),
        p99: ratio(manyi.latencyMs.p99, floor.latencyMs.p99),
        apiCallsPerCompleted: ratio(manyi.apiCallsPerCompleted, floor.apiCallsPerCompleted),
        peakRss: ratio(manyi.peakRssMb, floor.peakRssMb),
        botCpuMsPerUpdate: ratio(manyi.botCpuMsPerUpdate, floor.botCpuMsPerUpdate),
      }
    : undefined;
  const heapGrowth = small && large ? ratio(large.liveHeapAfterGcMb, small.liveHeapAfterGcMb) : null;
  const peakGrowth = small && large ? ratio(large.peakRssMb, small.peakRssMb) : null;
  const targets = {
    throughput: ratios
      ? { target: 'completed questionnaires per second ≥ 0.8 × the floor', value: ratios.completedPerSecond, met: (ratios.completedPerSecond ?? 0) >= 0.8 }
      : null,
    p99: ratios ? { target: 'p99 latency ≤ 1.1 × the floor (issue 17)', value: ratios.p99, met: (ratios.p99 ?? Infinity) <= 1.1 } : null,
    peakRss: ratios ? { target: 'peak RSS ≤ 1.3 × the floor (issue 17)', value: ratios.peakRss, met: (ratios.peakRss ?? Infinity) <= 1.3 } : null,
    memoryFlat:
      small && large
        ? {
            target: `live heap after GC with ${large.residents} residents in progress ≤ 1.1 × with ${small.residents}`,
            value: heapGrowth,
            met: (heapGrowth ?? Infinity) <= 1.1,
            bytesPerExtraResident: round(
              (((large.liveHeapAfterGcMb ?? 0) - (small.liveHeapAfterGcMb ?? 0)) * 2 ** 20) / (large.residents - small.residents),
              0,
            ),
            peakRssRatio: peakGrowth,
            note:
              'Peak RSS is reported as asked but also measures how long the bot was under full load ' +
              `(${small.wallSeconds} s vs ${large.wallSeconds} s): V8 grows its heap under sustained allocation. ` +
              `Compare the peak with ${large.residents} in progress against Part 1's run at the same load with none left in progress.`,
          }
        : null,
    flood: resilience
      ? {
          target: "one resident floods (80 junk messages), rate limits on: the others' press → next question p95 ≤ 2 s",
          value: resilience.flood.othersLatencyMs.p95,
          met: (resilience.flood.othersLatencyMs.p95 ?? Infinity) <= 2_000 && resilience.flood.flooderAnswerTaken,
        }
      : null,
    faults: resilience
      ? {
          target: `${FAULTS_RESIDENTS} residents through 429s, 500s, drops and latency, rate limits on: all finish, stored = chosen, time ≤ 2 × without faults`,
          value: resilience.faults.ratio,
          met: clean(resilience.faults.verdict) && (resilience.faults.ratio ?? Infinity) <= 2,
        }
      : null,
    rateLimitCap: limited
      ? {
          target: 'TELEGRAM_RATE_LIMITS=on: about 30 calls to chats per second (mean ≤ 30, busiest second ≤ 33)',
          value: limited.chatCallsPerSecond.maxIn1s,
          mean: limited.chatCallsPerSecond.mean,
          met: (limited.chatCallsPerSecond.mean ?? Infinity) <= 30 && limited.chatCallsPerSecond.maxIn1s <= 33,
        }
      : null,
  };

  // ---- print
  const columns = floor ? ['', 'manyi', 'floor', 'manyi/floor'] : ['', 'manyi'];
  const row = (name: string, a: number | string | null, b?: number | string | null, r?: number | null) =>
    floor ? [name, a, b ?? null, r ?? null] : [name, a];
  const spread = (runs: RunResult[]) => runs.map((r) => r.completedPerSecond).join(' / ');
  const others = (runs: RunResult[]) => runs.map((r) => r.otherCpuCores).join(' / ');
  console.log('');
  console.log(
    `Part 1 — ${RESIDENTS} residents complete the default questionnaire (${questionsAnswered} questions, ` +
      `${manyi.updates / RESIDENTS} updates each) all at once; TELEGRAM_RATE_LIMITS=off` +
      (REPEAT > 1 ? `; the best of ${REPEAT} runs each` : ''),
  );
  console.log(
    table([
      columns,
      row('completed questionnaires / s', manyi.completedPerSecond, floor?.completedPerSecond, ratios?.completedPerSecond),
      ...(REPEAT > 1
        ? [
            row('  every run', spread(repeats.manyi), spread(repeats.floor)),
            row('  other processes in each run (cores)', others(repeats.manyi), others(repeats.floor)),
          ]
        : []),
      row('updates / s', manyi.updatesPerSecond, floor?.updatesPerSecond, ratios?.updatesPerSecond),
      row('latency p50 (ms)', manyi.latencyMs.p50, floor?.latencyMs.p50, ratios?.p50),
      row('latency p95 (ms)', manyi.latencyMs.p95, floor?.latencyMs.p95, ratios?.p95),
      row('latency p99 (ms)', manyi.latencyMs.p99, floor?.latencyMs.p99, ratios?.p99),
      row('API calls / completed (no getUpdates)', manyi.apiCallsPerCompleted, floor?.apiCallsPerCompleted, ratios?.apiCallsPerCompleted),
      row('peak RSS of the bot (MB, VmHWM)', manyi.peakRssMb, floor?.peakRssMb, ratios?.peakRss),
      row('bot CPU per update (ms)', manyi.botCpuMsPerUpdate, floor?.botCpuMsPerUpdate, ratios?.botCpuMsPerUpdate),
      row('bot CPU (cores busy)', manyi.botCpuUtilisation, floor?.botCpuUtilisation),
      row('harness + fake server CPU (cores busy)', manyi.harnessCpuUtilisation, floor?.harnessCpuUtilisation),
      row('harness event-loop delay p99 (ms)', manyi.harnessLoopDelayMs.p99, floor?.harnessLoopDelayMs.p99),
      row('other processes on the machine (cores busy)', manyi.otherCpuCores, floor?.otherCpuCores),
      row('wall time (s)', manyi.wallSeconds, floor?.wallSeconds),
      row('refused API calls', manyi.refusedCalls, floor?.refusedCalls),
    ]),
  );
  if (manyi.database) {
    console.log(
      `manyi's database after the run: ${manyi.database.completedResponses} completed responses ` +
        `(${RESIDENTS} expected), ${manyi.database.answers} answers.`,
    );
  }
  if (limited) {
    console.log('');
    console.log(`manyi with TELEGRAM_RATE_LIMITS=on: ${limited.residents} residents, as fast as the bot answers, for ${limited.wallSeconds} s`);
    console.log(
      table([
        ['', 'mean / s', 'busiest second'],
        ['calls to chats (sendMessage + edits)', limited.chatCallsPerSecond.mean, limited.chatCallsPerSecond.maxIn1s],
        ['sendMessage', limited.sendMessagesPerSecond.mean, limited.sendMessagesPerSecond.maxIn1s],
        ['updates handled', limited.updatesPerSecond, null],
      ]),
    );
    console.log(`latency p50 / p99: ${limited.latencyMs.p50} / ${limited.latencyMs.p99} ms; refused API calls: ${limited.refusedCalls}`);
  }
  if (small && large) {
    console.log('');
    console.log('Part 2 — residents left in progress (each /start and 3 answers), separate manyi runs');
    console.log(
      table([
        ['', `${small.residents} residents`, `${large.residents} residents`],
        ['responses in progress (database)', small.database?.partialResponses ?? null, large.database?.partialResponses ?? null],
        ['peak RSS (MB, VmHWM)', small.peakRssMb, large.peakRssMb],
        ['RSS before residents (MB)', small.rssBeforeResidentsMb, large.rssBeforeResidentsMb],
        [
          'mean RSS, first / last third of the run (MB)',
          `${small.rssThirdsMb.first} / ${small.rssThirdsMb.last}`,
          `${large.rssThirdsMb.first} / ${large.rssThirdsMb.last}`,
        ],
        ['RSS 2 s after the last answer (MB)', small.rssAtEndMb, large.rssAtEndMb],
        ['live JS heap after a full GC (MB)', small.liveHeapAfterGcMb ?? null, large.liveHeapAfterGcMb ?? null],
        ['time under load (s)', small.wallSeconds, large.wallSeconds],
        ['updates / s', small.updatesPerSecond, large.updatesPerSecond],
      ]),
    );
    console.log(
      `For comparison, Part 1's manyi run (same full load, nobody left in progress): peak RSS ${manyi.peakRssMb} MB.`,
    );
  }
  printLean(idle, duringReport);
  if (figures && reportRun) printFigures(figures, reportRun);
  if (resilience) {
    const { flood, faults } = resilience;
    const verdictLine = (v: FaultsRun['verdict']) =>
      `${v.failed.length} failed, ${v.restarted} had to /start, ${v.mismatches.length} stored ≠ chosen or shown, ` +
      `${v.unexplainedRefusals.length} unexplained refusals, ${v.unanswered} presses unanswered, ${v.liveButtons} live buttons left`;
    console.log('');
    console.log("Part 4 — one user's effect on the others (manyi as shipped: TELEGRAM_RATE_LIMITS=on)");
    console.log(
      table([
        ['', 'value'],
        [`flood: others' press → next question p50 / p95 / max (ms), ${flood.presses} presses`, `${flood.othersLatencyMs.p50} / ${flood.othersLatencyMs.p95} / ${flood.othersLatencyMs.max}`],
        ['flood: to the flooder — hints / slow-down notices / messages in all', `${flood.toFlooder.hints} / ${flood.toFlooder.slowDowns} / ${flood.toFlooder.messages}`],
        ['flood: junk dropped from the inbox; flooder’s next answer taken', `${flood.junkDropped}; ${flood.flooderAnswerTaken ? 'yes' : 'NO'}`],
        [`faults: ${faults.residents} residents finish, without / with faults (s)`, `${faults.withoutFaultsSeconds} / ${faults.withFaultsSeconds}`],
        ['faults: with / without', faults.ratio],
        ['faults injected', JSON.stringify(faults.injected)],
      ]),
    );
    console.log(`with faults: ${verdictLine(faults.verdict)}`);
    console.log(`without faults: ${verdictLine(faults.verdictWithoutFaults)}`);
  }
  const allRuns = [...repeats.manyi, ...repeats.floor, ...Object.entries(results).filter(([k]) => k !== 'manyi' && k !== 'floor').map(([, r]) => r)];
  const busy = allRuns.filter((r) => (r.otherCpuCores ?? 0) > 0.25);
  if (busy.length > 0) {
    console.log('');
    console.log(
      `Warning: other processes kept the machine busy during ${busy.map((r) => `${r.label} (${r.otherCpuCores} cores)`).join(', ')}; ` +
        'those figures are lower than on a quiet machine' + (REPEAT > 1 ? ' (the best of the repeats tempers this)' : '') + '. Run again when it is quiet.',
    );
  }
  console.log('');
  console.log('Targets');
  const mark = (met: boolean | undefined) => (met === undefined ? 'not run' : met ? 'met' : 'MISSED');
  console.log(
    table([
      ['target', 'value', 'result'],
      ['throughput ≥ 0.8 × floor', targets.throughput?.value ?? null, mark(targets.throughput?.met)],
      ['p99 latency ≤ 1.1 × floor', targets.p99?.value ?? null, mark(targets.p99?.met)],
      ['peak RSS ≤ 1.3 × floor', targets.peakRss?.value ?? null, mark(targets.peakRss?.met)],
      [
        `memory flat: live heap, ${large?.residents ?? '?'} vs ${small?.residents ?? '?'} in progress ≤ 1.1×`,
        targets.memoryFlat?.value ?? null,
        mark(targets.memoryFlat?.met),
      ],
      [`  (peak RSS, ${large?.residents ?? '?'} vs ${small?.residents ?? '?'}: see Part 2)`, peakGrowth, ''],
      ['rate limits on: ≤ ~30 calls to chats / s', targets.rateLimitCap?.value ?? null, mark(targets.rateLimitCap?.met)],
      ["flood: others' p95 ≤ 2 s (ms)", targets.flood?.value ?? null, mark(targets.flood?.met)],
      ['faults: all finish, stored = chosen, time ≤ 2 × without', targets.faults?.value ?? null, mark(targets.faults?.met)],
      [`idle RSS after start (${idle?.settleSeconds ?? 30} s) ≤ 90 MB`, idle?.compiledMb ?? null, mark(idle ? idle.compiledMb <= 90 : undefined)],
      [
        `residents' p95 during /report on ${FIGURES_RESPONSES} ≤ 1.2 × without`,
        duringReport?.p95Ratio ?? null,
        mark(duringReport?.p95Ratio === undefined || duringReport.p95Ratio === null ? undefined : duringReport.p95Ratio <= 1.2),
      ],
      [
        `longest stall during /report on ${FIGURES_RESPONSES} ≤ 100 ms`,
        reportRun?.inWorker?.longestStallMs ?? null,
        mark(reportRun?.inWorker ? reportRun.inWorker.longestStallMs <= 100 : undefined),
      ],
    ]),
  );

  const strip = ({ memoryTimeline: _t, ...run }: RunResult) => run;
  const report = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? null, memoryGb: round(totalmem() / 2 ** 30, 1), node: process.version },
    parameters: {
      residents: RESIDENTS,
      repeat: REPEAT,
      language: LANGUAGE,
      questionsAnswered,
      inProgress: [IN_PROGRESS_SMALL, IN_PROGRESS],
      rateLimited: { residents: LIMITS_RESIDENTS, seconds: LIMITS_SECONDS },
      figuresResponses: args['skip-figures'] ? null : FIGURES_RESPONSES,
    },
    runs: results,
    repeats: REPEAT > 1 ? { manyi: repeats.manyi.map(strip), floor: repeats.floor.map(strip) } : null,
    ratios: ratios ?? null,
    targets,
    resilience: resilience ?? null,
    figures: figures ?? null,
    report: reportRun ?? null,
    idleRss: idle ?? null,
    residentsDuringReport: duringReport ?? null,
    benchSeconds: round((performance.now() - benchStarted) / 1000, 1),
  };
  writeFileSync(OUT, `${JSON.stringify(report, null, 2)}\n`);
  console.log('');
  console.log(`Written to ${OUT} (${report.benchSeconds} s in all)`);
  if (PROFILE_DIR) console.log(`CPU profiles in ${PROFILE_DIR} (summarise: node --import tsx test/bench/profile-summary.ts <file>)`);
}

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    if (interrupted) return;
    interrupted = true;
    console.error(`bench: ${signal}, stopping (bot processes are killed)`);
    process.exit(130);
  });
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error('bench failed:', error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
