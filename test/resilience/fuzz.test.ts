import type { BotError } from 'grammy';
import type { Update } from 'grammy/types';
import { afterAll, describe, expect, it } from 'vitest';
import type { BotContext } from '../../src/bot/context.js';
import { ADMIN_GROUP_ID, createTestBot, type TestBot } from '../helpers/bot-harness.js';
import { startBotProcess, temporaryDatabasePath, type BotProcess } from '../helpers/bot-process.js';
import { startFakeBotApi, type FakeBotApiServer } from '../helpers/fake-bot-api-server.js';
import { FakeTelegram, type ApiCall, type ChatMessage } from '../helpers/fake-telegram.js';
import { newFuzzStats, randomAction, type FuzzStats, type FuzzWorld } from '../helpers/fuzz-updates.js';
import { defaultQuestionnaire, defaultQuestionnaireYaml, SMALL_YAML, smallQuestionnaire } from '../helpers/questionnaires.js';
import { Random, seedFrom } from '../helpers/random.js';
import { readSurvey, surveyInvariantViolations } from '../helpers/survey-db.js';

/*
 * Thousands of random updates — junk text up to 10,000 characters, stickers,
 * photos, voice, edits, forged and stale button data, commands with junk
 * arguments (admin commands from anyone, and from the admin), channel posts,
 * inline queries, chats and users never seen, residents who block the bot in
 * the middle — mixed with residents playing along, several at once. Then:
 * the bot is up and serves a normal /start, the stored data is valid, no
 * update broke a handler, and the bot sent Telegram nothing it would refuse.
 * Replay with FUZZ_SEED=<seed>.
 */

const SEED = seedFrom('FUZZ_SEED', 20_251_124);
const LANGUAGE_CODES = ['zh-hant', 'zh-hans', 'en', 'zh-TW', 'zh-CN', 'fr', undefined, 'en-US', 'zh'];

/** Calls Telegram refused: all are failures, but a 403 from a chat that had blocked the bot. */
function refusedCalls(calls: readonly ApiCall[], stats: FuzzStats) {
  return calls.filter((call) => {
    if (call.result.ok || call.method === 'getUpdates') return false;
    const blocked = call.result.error_code === 403 && /blocked by the user/.test(call.result.description);
    return !(blocked && stats.blocked.has(Number(call.params['chat_id'])));
  });
}

function summary(stats: FuzzStats): string {
  return Object.entries(stats.actions)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([action, n]) => `${action} ${n}`)
    .join(', ');
}

/** Refused calls grouped by method and Telegram's description, with a count and the first example. */
function refusalSummary(calls: readonly ApiCall[]) {
  const groups: Record<string, { count: number; example: unknown }> = {};
  for (const call of calls) {
    const description = call.result.ok ? '' : call.result.description;
    const key = `${call.method}: ${description}`;
    groups[key] ??= { count: 0, example: call.params };
    groups[key].count++;
  }
  return groups;
}

/** Runs `count` random actions, `lanes` at a time (several residents act at once, as in real life). */
async function runActions(world: FuzzWorld, stats: FuzzStats, count: number, lanes: number): Promise<void> {
  let started = 0;
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (started < count) {
        started++;
        await randomAction(world, stats);
      }
    }),
  );
}

describe('fuzz, in-process (the bot createBot builds, fed through the durable inbox)', () => {
  it.each([
    { name: 'the default questionnaire', yaml: defaultQuestionnaireYaml(), questionnaire: defaultQuestionnaire(), count: 3_000, seed: SEED },
    { name: 'a small questionnaire with a 20-character text question', yaml: SMALL_YAML, questionnaire: smallQuestionnaire(), count: 1_500, seed: SEED + 1 },
  ])('$count random updates on $name leave the bot up, its data valid and Telegram with nothing refused', async ({ yaml, questionnaire, count, seed }) => {
    console.log(`fuzz.test (in-process): seed ${seed} (replay with FUZZ_SEED=${SEED})`);
    const started = Date.now();
    const t = createTestBot({ questionnaire: yaml });
    const handlerErrors: BotError<BotContext>[] = [];
    const reportError = t.bot.errorHandler;
    t.bot.catch(async (error) => {
      handlerErrors.push(error);
      await reportError(error);
    });
    await t.openRound('Fuzz <b>&</b> round');

    const random = new Random(seed);
    let nextId = 900_000;
    const world: FuzzWorld = {
      telegram: t.telegram,
      random,
      questionnaire,
      residents: Array.from({ length: 25 }, (_, i) => {
        const code = LANGUAGE_CODES[i % LANGUAGE_CODES.length];
        return t.telegram.user(100_000 + i, code === undefined ? {} : { language_code: code });
      }),
      admin: t.admin,
      adminGroupId: ADMIN_GROUP_ID,
      maxResponseId: () => (t.db.$client.prepare('select max(id) m from responses').get() as { m: number | null }).m ?? 0,
      freshId: () => nextId++,
    };
    const stats = newFuzzStats();
    await runActions(world, stats, count, 8);
    console.log(`fuzz.test (in-process): ${count} actions in ${Date.now() - started} ms: ${summary(stats)}`);

    const unexpected = handlerErrors.filter((e) => {
      const cause = e.error as { error_code?: number };
      return !(cause.error_code === 403 && stats.blocked.has(e.ctx.chat?.id ?? 0));
    });
    expect({
      escapedTheInbox: t.escaped.map(String),
      brokeAHandler: unexpected.map((e) => `update ${e.ctx.update.update_id}: ${String(e.error)}`),
      refusedByTelegram: refusalSummary(refusedCalls(t.telegram.calls, stats)),
      invalidData: surveyInvariantViolations(readSurvey(t.db.$client)),
    }).toEqual({ escapedTheInbox: [], brokeAHandler: [], refusedByTelegram: {}, invalidData: [] });

    // Still serving: with a round open, a newcomer's /start gets the first question.
    await t.admin.send('/open_round After the fuzz');
    const newcomer = t.telegram.user(999_999, { language_code: 'en' });
    await newcomer.send('/start');
    expect(newcomer.lastText()).toMatch(/^1 \/ \d+\n/);
    expect(stats.blocked.size).toBeGreaterThan(0);
  }, 60_000);
});

describe('fuzz against the real process over HTTP', () => {
  let server: FakeBotApiServer | undefined;
  let bot: BotProcess | undefined;
  afterAll(async () => {
    await bot?.stop();
    await server?.close();
  });

  it('400 random updates leave the process up, its data valid and Telegram with nothing refused', async () => {
    const seed = SEED + 2;
    console.log(`fuzz.test (process): seed ${seed} (replay with FUZZ_SEED=${SEED})`);
    const started = Date.now();
    const telegram = new FakeTelegram();
    server = await startFakeBotApi(telegram);
    const databasePath = temporaryDatabasePath();
    const adminGroupId = -100_900;
    const admin = telegram.user(5001, { first_name: 'Admin', language_code: 'en' });
    telegram.group(adminGroupId, 'Admins');
    bot = await startBotProcess({
      BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: server.apiRoot,
      DATABASE_PATH: databasePath,
      ADMIN_CHAT_IDS: `5001,${adminGroupId}`,
      TELEGRAM_RATE_LIMITS: 'off',
    }, { server });
    await admin.send('/open_round Fuzz <i>over</i> HTTP');

    const random = new Random(seed);
    let nextId = 900_000;
    const world: FuzzWorld = {
      telegram,
      random,
      questionnaire: defaultQuestionnaire(),
      residents: Array.from({ length: 12 }, (_, i) => {
        const code = LANGUAGE_CODES[i % LANGUAGE_CODES.length];
        return telegram.user(100_000 + i, code === undefined ? {} : { language_code: code });
      }),
      admin,
      adminGroupId,
      maxResponseId: () => 40,
      freshId: () => nextId++,
    };
    const stats = newFuzzStats();
    await runActions(world, stats, 400, 6);
    console.log(`fuzz.test (process): 400 actions in ${Date.now() - started} ms: ${summary(stats)}`);

    expect(bot.child.exitCode).toBeNull();
    // No update broke a handler for a reason other than a blocked chat.
    const failures = bot
      .output()
      .split('\n')
      .filter((line) => line.includes('"update failed"') && !line.includes('"code":403'));
    expect({
      brokeAHandler: failures,
      refusedByTelegram: refusalSummary(refusedCalls(telegram.calls, stats)),
      invalidData: surveyInvariantViolations(readSurvey(databasePath)),
    }).toEqual({ brokeAHandler: [], refusedByTelegram: {}, invalidData: [] });

    await admin.send('/open_round After the fuzz');
    const newcomer = telegram.user(999_999, { language_code: 'en' });
    await newcomer.send('/start');
    expect(newcomer.lastText()).toMatch(/^1 \/ \d+\n/);
  }, 60_000);
});

/*
 * What the fuzz found, as plain cases: a press the bot answers by editing a
 * message into the state it is already in, which Telegram refuses ("message
 * is not modified"). A double tap sends two presses before the bot has
 * handled the first, so both carry the message as it was, buttons and all;
 * they arrive in one batch.
 */
describe('cases the fuzz found', () => {
  function botWithBatches() {
    const t = createTestBot();
    return t;
  }

  const dataOf = (message: ChatMessage, predicate: (data: string) => boolean): string => {
    const data = message.replyMarkup?.inline_keyboard.flat().flatMap((b) => ('callback_data' in b ? [b.callback_data] : []));
    const found = data?.find(predicate);
    if (!found) throw new Error(`no such button on ${message.text}`);
    return found;
  };

  const refused = (t: TestBot) => t.telegram.calls.filter((c) => !c.result.ok).map((c) => `${c.method}: ${c.result.ok ? '' : c.result.description.slice(0, 40)}`);

  it('a double tap on a question after the round closed sends no edit Telegram refuses', async () => {
    const t = botWithBatches();
    await t.openRound();
    const resident = t.resident(3001, 'en');
    await resident.send('/start');
    const prompt = resident.lastBotMessage()!;
    const data = dataOf(prompt, (d) => d.startsWith('1a:'));
    await t.admin.send('/close_round');
    await Promise.all([resident.pressData(data, prompt.message_id), resident.pressData(data, prompt.message_id)]);
    expect(resident.lastCallbackAnswer()?.text).toBe('This survey round has closed.');
    expect(resident.buttons(prompt.message_id)).toEqual([]);
    expect(refused(t)).toEqual([]);
  });

  it('a press on a summary holding HTML-like text after the round closed keeps the text and takes the buttons off', async () => {
    const t = botWithBatches();
    await t.openRound();
    const resident = t.resident(3002, 'en');
    await resident.send('/start');
    await resident.press('Member');
    await resident.press('Satisfied');
    await resident.press('Online');
    await resident.press('Done ✔');
    await resident.send('<b>x</b> & y');
    const summary = resident.lastBotMessage()!;
    expect(summary.text).toContain('→ <b>x</b> & y');
    await t.admin.send('/close_round');
    await resident.press('✅ Submit');
    expect(resident.lastCallbackAnswer()?.text).toBe('This survey round has closed.');
    const after = t.telegram.messages(resident.chatId).find((m) => m.message_id === summary.message_id)!;
    expect(after.text).toBe(summary.text);
    expect(after.replyMarkup).toBeUndefined();
    expect(refused(t)).toEqual([]);
  });

  it('a double tap on a language of the picker sends no edit Telegram refuses', async () => {
    const t = botWithBatches();
    const resident = t.resident(3002, 'en');
    await resident.send('/language');
    const picker = resident.lastBotMessage()!;
    const data = dataOf(picker, (d) => d === '1L:en');
    await Promise.all([resident.pressData(data, picker.message_id), resident.pressData(data, picker.message_id)]);
    expect(resident.lastText()).toBe('Language set to English.');
    expect(refused(t)).toEqual([]);
  });

  it('forged language data on a question sends no edit Telegram refuses', async () => {
    const t = botWithBatches();
    await t.openRound();
    const resident = t.resident(3004, 'en');
    await resident.send('/start');
    await resident.pressData('1L:zh-Hans', resident.lastBotMessage()!.message_id);
    expect(resident.lastText()).toMatch(/^1 \/ \d+\n您的身份？/);
    expect(refused(t)).toEqual([]);
  });
});
