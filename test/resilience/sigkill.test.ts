import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerLabel } from '../../src/bot/prompt/question-view.js';
import type { Language } from '../../src/questionnaire/languages.js';
import { startBotProcess, temporaryDatabasePath, type BotProcess } from '../helpers/bot-process.js';
import { startFakeBotApi, type FakeBotApiServer } from '../helpers/fake-bot-api-server.js';
import { FakeTelegram, type ApiCall } from '../helpers/fake-telegram.js';
import { PersistentResident } from '../helpers/persistent-resident.js';
import { defaultQuestionnaire } from '../helpers/questionnaires.js';
import { Random, seedFrom } from '../helpers/random.js';
import { until } from '../helpers/until.js';
import {
  answersKey,
  databaseIntegrity,
  readSurvey,
  responsesOf,
  surveyInvariantViolations,
} from '../helpers/survey-db.js';

/*
 * The bot process is killed with SIGKILL four times while thirty residents are
 * answering at once — each time in the middle of handling updates, right
 * as Telegram receives one of its calls — and restarted on the same
 * database. What it had taken from Telegram is in its inbox; the new process
 * handles what was left unfinished first. Nobody has to send /start: every
 * resident's next question comes by itself. In the end: every answer a
 * resident was shown as recorded (or saw the next question after) is stored
 * with the value shown, one response each, all completed with exactly what
 * they chose, and no message is left with live buttons. Replay with
 * SIGKILL_SEED=<seed>.
 */

const SEED = seedFrom('SIGKILL_SEED', 7_1_2025);
const RESIDENTS = 30;
const ADMIN = 5001;
const LANGUAGE_CODES: Record<Language, string> = { 'zh-Hant': 'zh-hant', 'zh-Hans': 'zh-hans', en: 'en' };
const LANGUAGES: Language[] = ['zh-Hant', 'zh-Hans', 'en'];

let telegram: FakeTelegram;
let server: FakeBotApiServer;
let bot: BotProcess | undefined;
let databasePath: string;

beforeAll(async () => {
  console.log(`sigkill.test: seed ${SEED} (replay with SIGKILL_SEED=${SEED})`);
  telegram = new FakeTelegram();
  server = await startFakeBotApi(telegram, { confirmTimeoutMs: 90_000 });
  databasePath = temporaryDatabasePath();
  telegram.user(ADMIN, { first_name: 'Admin', language_code: 'en' });
  bot = await startBotProcess(environment(), { server });
  await telegram.user(ADMIN).send('/open_round Crash test');
}, 60_000);

afterAll(async () => {
  await bot?.stop('SIGKILL');
  await server?.close();
});

function environment(): Record<string, string> {
  return {
    BOT_TOKEN: telegram.token,
    TELEGRAM_API_ROOT: server.apiRoot,
    DATABASE_PATH: databasePath,
    ADMIN_CHAT_IDS: String(ADMIN),
    // The pacing of outgoing calls has nothing to do with crashes and would only slow this down.
    TELEGRAM_RATE_LIMITS: 'off',
  };
}

/**
 * Kills the bot with SIGKILL from inside the fake Telegram the moment it
 * receives the matching call: the process dies in the middle of an update,
 * after some of its effects and before others.
 */
function killWhen(predicate: (call: ApiCall, index: number) => boolean): Promise<{ unfinished: number }> {
  const victim = bot!;
  const from = telegram.calls.length;
  return telegram
    .waitForCall((call, index) => {
      // Only calls from now on (waitForCall also looks at past ones).
      if (index < from || !predicate(call, index)) return false;
      victim.child.kill('SIGKILL');
      return true;
    }, 60_000)
    .then(async () => {
      await victim.exited;
      // What the dead process had taken from Telegram and not finished.
      return { unfinished: unfinishedInInbox() };
    });
}

function unfinishedInInbox(): number {
  const db = new Database(databasePath, { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM inbox_updates WHERE done_at IS NULL').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/** Messages of the bot in a chat that still carry buttons a resident could press. */
function liveButtonMessages(chatId: number) {
  return telegram.messages(chatId).filter((m) => m.from === 'bot' && (m.replyMarkup?.inline_keyboard.length ?? 0) > 0);
}

describe('SIGKILL in the middle of many questionnaires', () => {
  it('loses no acknowledged answer, makes no duplicate, and lets everyone finish', async () => {
    const questionnaire = defaultQuestionnaire();
    const residents = Array.from({ length: RESIDENTS }, (_, i) => {
      const language = LANGUAGES[i % LANGUAGES.length]!;
      const user = telegram.user(40_000 + i, { language_code: LANGUAGE_CODES[language] });
      return new PersistentResident(user, language, questionnaire, SEED, { source: `kill_${i}` });
    });

    // Four kills, each the moment Telegram receives a given kind of call once the residents are
    // some way in: as a press is acknowledged, as an answer is shown recorded, as the next question
    // goes out, and at a random call. Where exactly is drawn from the seed.
    const random = new Random(SEED);
    const edits = () => telegram.calls.filter((c) => c.method === 'editMessageText').length;
    const plan = (['answerCallbackQuery', 'editMessageText', 'sendMessage', undefined] as const).map((method, i) => ({
      method,
      afterEdits: Math.round(RESIDENTS * (1 + 3.5 * i + random.next() * 2)),
    }));
    const kills: { method: string; afterEdits: number; unfinished: number }[] = [];
    const crashes = (async () => {
      for (const { method, afterEdits } of plan) {
        const killed = await killWhen(
          (call) => (method === undefined || call.method === method) && call.method !== 'getUpdates' && edits() >= afterEdits,
        );
        kills.push({ method: method ?? 'any', afterEdits, ...killed });
        bot = await startBotProcess(environment(), { server });
      }
    })();

    const results = await Promise.allSettled(residents.map((resident) => resident.finish()));
    await crashes;
    const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [`resident ${i}: ${String(r.reason)}`] : []));
    console.log(
      `sigkill.test: kills ${JSON.stringify(kills)}; ` +
        `${residents.filter((r) => r.restarts > 0).length} residents sent /start again`,
    );
    if (process.env['SIGKILL_DEBUG']) for (const r of residents.filter((r) => r.restarts > 0).slice(0, 3)) console.log(r.user.chatId, r.log.join('\n'), '\n--- messages:\n', telegram.messages(r.user.chatId).map((m) => `#${m.message_id} ${m.from}: ${m.text.slice(0, 60).replace(/\n/g, ' | ')} ${m.replyMarkup ? '[kb]' : ''}`).join('\n'));
    expect(failed).toEqual([]);
    expect(kills).toHaveLength(plan.length);
    // The kills did land in the middle of things: updates taken and not finished, handled after the restart.
    expect(kills.every((kill) => kill.unfinished > 0)).toBe(true);
    expect(unfinishedInInbox()).toBe(0);
    // Nobody had to send /start to get their next question.
    expect(residents.map((r) => r.restarts)).toEqual(residents.map(() => 0));

    expect(databaseIntegrity(databasePath)).toEqual({ integrity: 'ok', foreignKeyProblems: 0 });
    const snapshot = readSurvey(databasePath);
    expect(surveyInvariantViolations(snapshot)).toEqual([]);
    expect(snapshot.responses).toHaveLength(RESIDENTS);
    // A copy a crash left with live buttons is retired once every update Telegram held has been fetched.
    await until(() => residents.every((r) => liveButtonMessages(r.user.chatId).length === 0), 'lost copies to be retired');
    let acknowledged = 0;
    for (const resident of residents) {
      const responses = responsesOf(snapshot, resident.user.user.id);
      expect(responses.map((r) => r.status), `user ${resident.user.chatId}`).toEqual(['completed']);
      const stored = responses[0]!.answers;
      for (const ack of resident.acknowledgements()) {
        acknowledged++;
        const question = questionnaire.questions.find((q) => q.id === ack.questionId)!;
        const answer = stored.get(ack.questionId);
        expect(answer, `${ack.questionId} was acknowledged to ${resident.user.chatId}`).toBeDefined();
        expect(resident.shownAs(question, answer!)).toBe(ack.shown);
      }
      expect(answersKey(stored), `user ${resident.user.chatId}`).toEqual(answersKey(resident.expectedAnswers()));
      expect(liveButtonMessages(resident.user.chatId), `user ${resident.user.chatId}`).toEqual([]);
    }
    expect(acknowledged).toBeGreaterThan(RESIDENTS * 10);

    // The restarted bot is whole: a newcomer is served at once.
    const newcomer = telegram.user(49_999, { language_code: 'en' });
    await newcomer.send('/start');
    expect(newcomer.lastText()).toMatch(/^1 \/ \d+\n/);
  }, 120_000);
});

/*
 * A crash between committing a step and showing it: the update comes again,
 * is recognised as handled (nothing changes), and the resident should then be
 * shown where they are without having to send /start.
 */
describe('after a crash, the redelivered update shows the resident where they stand', () => {
  /** Presses (or types) and kills the bot the moment Telegram has applied its `method` call for it; restarts it. */
  async function cutShort(action: () => Promise<void>, method: string): Promise<void> {
    const killed = killWhen((call) => call.method === method);
    const done = action();
    await killed;
    bot = await startBotProcess(environment(), { server });
    await done;
  }

  function callbackData(message: { replyMarkup?: { inline_keyboard: { text: string; callback_data?: string }[][] } }, text: string) {
    const button = message.replyMarkup?.inline_keyboard.flat().find((b) => b.text === text);
    if (!button?.callback_data) throw new Error(`no button ${text}`);
    return button.callback_data;
  }

  it('a press cut short before its acknowledgement: the pressed question becomes the next one, the answer on top', async () => {
    const user = telegram.user(48_001, { language_code: 'en' });
    await user.send('/start');
    const prompt = user.lastBotMessage()!;
    await cutShort(() => user.pressData(callbackData(prompt, 'Member of the public'), prompt.message_id), 'answerCallbackQuery');
    expect(user.lastText()).toMatch(/^✓ 1\/16 Member of the public\n\n2 \/ 16\n/);
    expect(liveButtonMessages(user.chatId).map((m) => m.message_id)).toEqual([prompt.message_id]);
  }, 60_000);

  it('a toggle on a multi question cut short: the question shows the option as selected', async () => {
    const user = telegram.user(48_002, { language_code: 'en' });
    await user.send('/start');
    while (!user.buttons().includes('Done ✔')) {
      const options = user.buttons().filter((b) => b !== '◀ Back' && b !== 'Skip ▶');
      await user.press(options[0]!);
    }
    const prompt = user.lastBotMessage()!;
    const option = user.buttons()[0]!;
    await cutShort(() => user.pressData(callbackData(prompt, option), prompt.message_id), 'answerCallbackQuery');
    expect(user.buttons(prompt.message_id)).toContain(`✅ ${option}`);
  }, 60_000);

  it('a crash as the next question is shown, then /start: one live copy, and what is stored is what was shown', async () => {
    const user = telegram.user(48_004, { language_code: 'en' });
    await user.send('/start');
    const first = user.lastBotMessage()!;
    // Telegram edits the pressed question into the next one, and the bot dies before it records that.
    await cutShort(() => user.pressData(callbackData(first, 'Party cadre'), first.message_id), 'editMessageText');
    // A person who is not sure where they are sends /start.
    await user.send('/start');
    // A copy the crash may have left loses its buttons once every update Telegram held has been fetched.
    await until(() => liveButtonMessages(user.chatId).length === 1, 'one live prompt');
    const live = liveButtonMessages(user.chatId);
    expect(live).toHaveLength(1);
    expect(live[0]!.text).toMatch(/^2 \/ 16\n/);

    const [chosen, other] = live[0]!.replyMarkup!.inline_keyboard.flat() as { text: string; callback_data: string }[];
    await user.pressData(chosen!.callback_data, live[0]!.message_id);
    // A stale press on the first message, with another option: told the truth, nothing changes.
    await user.pressData(other!.callback_data, first.message_id);
    expect(user.lastCallbackAnswer()?.text).toBe(`Already recorded for this question: ${chosen!.text}`);

    const shown = telegram.messages(user.chatId).find((m) => m.message_id === live[0]!.message_id)!;
    expect(shown.text.startsWith(`✓ 2/16 ${chosen!.text}\n\n3 / 16\n`)).toBe(true);
    const snapshot = readSurvey(databasePath);
    const stored = responsesOf(snapshot, user.user.id)[0]!.answers;
    const questionId = chosen!.callback_data.split(':')[2]!;
    const question = defaultQuestionnaire().questions.find((q) => q.id === questionId)!;
    expect(answerLabel(question, stored.get(questionId)!, 'en')).toBe(chosen!.text);
    expect(liveButtonMessages(user.chatId)).toHaveLength(1);
  }, 60_000);

  it('a crash as the next question goes out, /start sent while the bot is down: the lost copy is retired, the resident’s own messages never touched', async () => {
    const user = telegram.user(48_005, { language_code: 'en' });
    await user.send('/start');
    // Presses turn each question into the next in place; the typed suggestion is what sends the next one (the summary).
    while (!user.buttons().includes('Skip ▶') || user.buttons().some((b) => b !== '◀ Back' && b !== 'Skip ▶')) {
      const options = user.buttons().filter((b) => b !== '◀ Back' && b !== 'Skip ▶' && b !== 'Done ✔');
      await user.press(options[0]!);
      if (user.buttons().includes('Done ✔')) await user.press('Done ✔');
    }
    // Telegram takes the summary, and the bot dies before it records which message that is.
    const killed = killWhen(
      (call) => call.method === 'sendMessage' && Number(call.params['chat_id']) === user.chatId && call.params['reply_markup'] !== undefined,
    );
    const typed = user.send('A suggestion typed just before the crash');
    await killed;
    // Hearing nothing, the resident sends /start twice while the bot is down: their messages sit
    // just above the lost copy, where a repair that guessed ids would edit them.
    const again = [user.send('/start'), user.send('/start')];
    bot = await startBotProcess(environment(), { server });
    await Promise.all([typed, ...again]);

    const edits = () =>
      telegram.calls.filter((c) => c.method.startsWith('editMessage') && Number(c.params['chat_id']) === user.chatId);
    const ownIds = new Set(telegram.messages(user.chatId).filter((m) => m.from !== 'bot').map((m) => m.message_id));
    expect(ownIds.size).toBeGreaterThanOrEqual(3);
    // The lost copy loses its buttons once every update Telegram held has been fetched: one live summary stays.
    await until(() => liveButtonMessages(user.chatId).length === 1, 'the lost copy to be retired');
    const copies = telegram.messages(user.chatId).filter((m) => m.from === 'bot' && m.text.startsWith('Please check your answers'));
    expect(copies.length).toBeGreaterThanOrEqual(2);
    expect(liveButtonMessages(user.chatId).map((m) => m.message_id)).toEqual([copies.at(-1)!.message_id]);
    expect(edits().filter((c) => ownIds.has(Number(c.params['message_id'])))).toEqual([]);
    expect(edits().filter((c) => !c.result.ok && /can't be edited/.test(c.result.description))).toEqual([]);
  }, 60_000);

  it('a typed answer cut short after it was shown recorded: the next question (here the summary) comes', async () => {
    const user = telegram.user(48_003, { language_code: 'en' });
    await user.send('/start');
    while (!user.buttons().includes('Skip ▶') || user.buttons().some((b) => b !== '◀ Back' && b !== 'Skip ▶')) {
      const options = user.buttons().filter((b) => b !== '◀ Back' && b !== 'Skip ▶' && b !== 'Done ✔');
      await user.press(options[0]!);
      if (user.buttons().includes('Done ✔')) await user.press('Done ✔');
    }
    await cutShort(() => user.send('A suggestion typed just before the crash'), 'editMessageText');
    expect(user.buttons()).toEqual(['◀ Back', '✅ Submit']);
  }, 60_000);
});
