import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryDatabase, startBotProcess, temporaryDatabasePath, type BotProcess } from '../helpers/bot-process.js';
import { startFakeBotApi, type FakeBotApiServer } from '../helpers/fake-bot-api-server.js';
import { FakeTelegram, type ChatMessage } from '../helpers/fake-telegram.js';
import { until } from '../helpers/until.js';
import { defaultQuestionnaireYaml, SMALL_YAML } from '../helpers/questionnaires.js';

/*
 * Questionnaire self-service end to end: the real bot process, HTTP to a fake
 * Bot API on loopback, and every document fetched the way the bot fetches it
 * from Telegram (getFile, then /file/bot<token>/<file_path>).
 */

const ADMIN = 5201;
const UPLOADED = SMALL_YAML.replace('en: Small survey', 'en: Revised survey').replace('en: Who are you? }', 'en: What is your role? }');

let telegram: FakeTelegram;
let server: FakeBotApiServer;
let bot: BotProcess;
let databasePath: string;

const query = <T>(sql: string) => queryDatabase<T>(databasePath, sql);

const botMessages = (chatId: number) => telegram.messages(chatId).filter((m) => m.from === 'bot');

/** Does `action` and waits for `count` new bot messages in the chat; returns them. */
async function replies(chatId: number, action: () => Promise<void>, count = 1): Promise<ChatMessage[]> {
  const before = botMessages(chatId).length;
  await action();
  const deadline = Date.now() + 15_000;
  while (botMessages(chatId).length < before + count) {
    if (Date.now() > deadline) throw new Error(`expected ${count} replies in chat ${chatId}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return botMessages(chatId).slice(before);
}

const admin = () => telegram.user(ADMIN);
const say = async (text: string) => (await replies(ADMIN, () => admin().send(text))).at(-1)!;
const upload = async (data: Buffer | string, fileName: string, options: { declaredSize?: number | null } = {}) =>
  (await replies(ADMIN, () => admin().sendDocument(data, { fileName, ...options }))).at(-1)!;
const uploads = () => query<{ id: number; source: string }>("SELECT id, source FROM questionnaire_versions WHERE origin = 'upload'");

beforeAll(async () => {
  telegram = new FakeTelegram();
  server = await startFakeBotApi(telegram);
  databasePath = temporaryDatabasePath();
  telegram.user(ADMIN, { first_name: 'Admin', language_code: 'en' });
  telegram.addChat(ADMIN);
  bot = await startBotProcess({
    BOT_TOKEN: telegram.token,
    TELEGRAM_API_ROOT: server.apiRoot,
    DATABASE_PATH: databasePath,
    ADMIN_CHAT_IDS: String(ADMIN),
  });
}, 60_000);

afterAll(async () => {
  await bot?.stop();
  await server?.close();
});

describe('questionnaire uploads over HTTP', () => {
  it('lists /questionnaire in the admin menu', async () => {
    await until(() => telegram.commands({ type: 'chat', chat_id: ADMIN }, 'en').length > 0, 'the command menus');
    expect(telegram.commands({ type: 'chat', chat_id: ADMIN }, 'en')).toContainEqual({
      command: 'questionnaire',
      description: 'Download the questionnaire (.yaml)',
    });
  });

  it('refuses a document that is not YAML and one over 256 KB in one line each', async () => {
    expect((await upload(Buffer.from('%PDF-1.7\n'), 'survey.pdf')).text).toBe(
      'Only a questionnaire can be uploaded here: a .yaml or .yml file of at most 256 KB.',
    );
    const big = `${UPLOADED}# ${'x'.repeat(300 * 1024)}\n`;
    expect((await upload(big, 'big.yaml')).text).toBe('That file is too big: a questionnaire file is at most 256 KB.');
    // A client that declares no size: the download itself is cut off.
    expect((await upload(big, 'big.yaml', { declaredSize: null })).text).toBe(
      'That file is too big: a questionnaire file is at most 256 KB.',
    );
    expect(uploads()).toEqual([]);
  }, 30_000);

  it('refuses a broken file with all of its problems at once', async () => {
    const broken = SMALL_YAML.replace('en: Who are you? }', '}')
      .replace('- id: reason', '- id: role')
      .replace('question: satisfaction, in', 'question: nowhere, in');
    const reply = await upload(broken, 'broken.yaml');
    expect(reply.text).toBe(
      'Not saved. The file has 3 problems; the next round keeps its questionnaire. Fix them and send the file again:\n' +
        '• questions[0].text.en (line 18): required\n' +
        '• questions[2].id (line 26): duplicates "role" (first at line 16)\n' +
        '• questions[2].when.question (line 28): no question "nowhere"',
    );
    expect(uploads()).toEqual([]);
  }, 30_000);

  it('keeps a running round as it is, and opens the next one with the upload', async () => {
    expect((await say('/open_round Before the upload')).text).toBe('Round 1 “Before the upload” is open, with 16 questions.');
    const resident = telegram.user(8101, { language_code: 'en' });
    await replies(8101, () => resident.send('/start'), 2);

    const saved = await upload(UPLOADED, 'survey.yaml');
    expect(saved.text).toMatch(
      /^✅ Saved as questionnaire version 2 \([0-9a-f]{12}\)\. The next \/open_round uses it\.\nRevised survey\nQuestions: 5 \(1 scale, 2 choice, 1 multi, 1 text\)\nDimensions \(1\): Overall\nComposite indexes \(1\): Headline \(Overall\)\nLanguages: 繁體中文, 简体中文, English\n\nRound 1 “Before the upload”, open now, keeps the questionnaire it opened with\.$/,
    );
    expect(uploads()).toEqual([{ id: 2, source: UPLOADED }]);

    // Someone who starts now still gets the round's own questionnaire.
    const later = telegram.user(8102, { language_code: 'en' });
    const greeting = await replies(8102, () => later.send('/start'), 2);
    expect(greeting[0]!.text).toContain('16 questions');

    await say('/close_round');
    expect((await say('/open_round After the upload')).text).toBe('Round 2 “After the upload” is open, with 5 questions.');
    const next = telegram.user(8103, { language_code: 'en' });
    const asked = await replies(8103, () => next.send('/start'), 2);
    expect(asked.at(-1)!.text).toContain('What is your role?');

    expect(query('SELECT id, questionnaire_version_id AS version FROM rounds ORDER BY id')).toEqual([
      { id: 1, version: 1 },
      { id: 2, version: 2 },
    ]);
    expect((await say('/rounds')).text).toMatch(/#2 After the upload\n.*; questionnaire v2\n\n#1 Before the upload\n.*; questionnaire v1$/);
  }, 60_000);

  it('sends the next round’s questionnaire back byte for byte, and an older version by number', async () => {
    const current = await say('/questionnaire');
    expect(current.kind).toBe('document');
    expect(current.document?.filename).toBe('questionnaire-v2.yaml');
    expect(current.document?.data?.equals(Buffer.from(UPLOADED, 'utf8'))).toBe(true);

    // Version 1 is the shipped file, as the first round used it.
    const first = await say('/questionnaire 1');
    expect(first.document?.filename).toBe('questionnaire-v1.yaml');
    expect(first.document?.data?.toString('utf8')).toBe(defaultQuestionnaireYaml());
    expect(first.caption).toMatch(/^Questionnaire version 1, the questionnaire file on the server \([0-9a-f]{12}\)\./);

    expect((await say('/questionnaire 3')).text).toBe('There is no questionnaire version 3. /rounds shows the version each round used.');
    expect(telegram.calls.filter((call) => !call.result.ok && call.method !== 'getUpdates')).toEqual([]);
    // The file URL holds the token: it never reaches the log.
    expect(bot.output()).toContain('questionnaire uploaded');
    expect(bot.output()).not.toContain(telegram.token.split(':')[1]);
  }, 30_000);
});
