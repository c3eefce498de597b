import { afterEach, describe, expect, it } from 'vitest';
import { TEXTS } from '../../../src/texts/resident.js';
import { questionnaireVersions, rounds } from '../../../src/db/schema.js';
import { ADMIN_GROUP_ID, ADMIN_ID, createTestBot, type TestBotOptions } from '../../helpers/bot-harness.js';
import { startFakeBotApi, type FakeBotApiServer } from '../../helpers/fake-bot-api-server.js';
import { DEFAULT_BOT_INFO, FakeTelegram } from '../../helpers/fake-telegram.js';
import { SMALL_YAML } from '../../helpers/questionnaires.js';

/*
 * Questionnaire self-service in-process: Bot API calls go to the fake
 * directly, while the files admins send are downloaded over HTTP from a fake
 * Bot API server, as the bot does from Telegram.
 */

const NOW = new Date('2026-11-24T08:00:00Z');
/** The small questionnaire as an author might change it. */
const UPLOADED = SMALL_YAML.replace('en: Small survey', 'en: Revised survey').replace('en: Who are you? }', 'en: What is your role? }');

let servers: FakeBotApiServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((server) => server.close()));
  servers = [];
});

async function botWithFiles(options: TestBotOptions = {}) {
  const telegram = options.telegram ?? new FakeTelegram();
  const server = await startFakeBotApi(telegram);
  servers.push(server);
  // The bot is connected after the server, so updates go to it in-process.
  const t = createTestBot({ now: () => NOW, ...options, telegram, apiRoot: server.apiRoot });
  const uploads = () => t.db.select().from(questionnaireVersions).all().filter((v) => v.origin === 'upload');
  const getFiles = () => t.telegram.callsTo('getFile').length;
  return { ...t, server, uploads, getFiles };
}

const lastDocument = (t: { telegram: FakeTelegram }, chatId = ADMIN_ID) =>
  t.telegram.messages(chatId).filter((m) => m.from === 'bot' && m.kind === 'document').at(-1);

describe('an admin uploads a questionnaire', () => {
  it('stores a valid file as a new version and answers with what is in it', async () => {
    const t = await botWithFiles();
    await t.admin.sendDocument(UPLOADED, { fileName: 'survey.yaml' });
    const [version] = t.uploads();
    expect(version).toMatchObject({ id: 1, origin: 'upload', source: UPLOADED, createdAt: NOW });
    expect(version!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(t.admin.lastText()).toBe(
      `✅ Saved as questionnaire version 1 (${version!.sha256.slice(0, 12)}). The next /open_round uses it.\n` +
        'Revised survey\n' +
        'Questions: 5 (1 scale, 2 choice, 1 multi, 1 text)\n' +
        'Dimensions (1): Overall\n' +
        'Composite indexes (1): Headline (Overall)\n' +
        'Languages: 繁體中文, 简体中文, English',
    );
  });

  it('answers in the admin’s language', async () => {
    const t = await botWithFiles();
    await t.admin.send('/language');
    await t.admin.press('繁體中文');
    await t.admin.sendDocument(UPLOADED, { fileName: 'survey.yml' });
    expect(t.admin.lastText()).toMatch(
      /^✅ 已儲存為問卷第 1 版（[0-9a-f]{12}）。下一次 \/open_round 將使用這份問卷。\n小問卷\n題目：5 題（1 量表題、2 單選題、1 多選題、1 文字題）\n維度（1）：總體\n綜合指數（1）：總指數（總體）\n語言：繁體中文、简体中文、English$/,
    );
  });

  it('opens the next round with the newest upload, and /questionnaire gives it back byte for byte', async () => {
    const t = await botWithFiles();
    // A byte-order mark and Windows line endings, as an editor on Windows may save it.
    const bytes = Buffer.from(`\uFEFF${UPLOADED.replace(/\n/g, '\r\n')}`, 'utf8');
    await t.admin.sendDocument(bytes, { fileName: 'Survey.YAML' });
    expect(t.admin.lastText()).toMatch(/^✅ Saved as questionnaire version 1 /);

    await t.admin.send('/questionnaire');
    const document = lastDocument(t)!;
    expect(document.document?.filename).toBe('questionnaire-v1.yaml');
    expect(document.document?.data?.equals(bytes)).toBe(true);
    expect(document.caption).toMatch(
      /^The next round will use this questionnaire: version 1, uploaded 2026-11-24 16:00 \([0-9a-f]{12}\)\.\nEdit it and send it back/,
    );

    await t.openRound('After upload');
    const resident = t.resident(2001, 'en');
    await resident.send('/start');
    expect(resident.botMessages().map((m) => m.text).join('\n')).toContain('What is your role?');
    expect(t.db.select().from(rounds).get()).toMatchObject({ questionnaireVersionId: 1 });
    await t.admin.send('/rounds');
    expect(t.admin.lastText()).toMatch(/#1 After upload\n.*; questionnaire v1$/);
  });

  it('leaves a running round as it is, and the round after it takes the upload', async () => {
    const t = await botWithFiles();
    await t.openRound('Running');
    const resident = t.resident(2001, 'en');
    await resident.send('/start');
    await t.admin.sendDocument(UPLOADED, { fileName: 'survey.yaml' });
    expect(t.admin.lastText()).toMatch(/\n\nRound 1 “Running”, open now, keeps the questionnaire it opened with\.$/);

    const later = t.resident(2002, 'en');
    await later.send('/start');
    expect(later.botMessages().map((m) => m.text).join('\n')).toContain('Who are you?');
    expect(later.botMessages().map((m) => m.text).join('\n')).not.toContain('What is your role?');
    expect(t.db.select().from(rounds).all()).toMatchObject([{ id: 1, questionnaireVersionId: 1 }]);

    await t.admin.send('/close_round');
    await t.openRound('Next');
    const next = t.resident(2003, 'en');
    await next.send('/start');
    expect(next.botMessages().map((m) => m.text).join('\n')).toContain('What is your role?');
    // Version 1 is the file the first round used, version 2 the upload.
    expect(t.db.select().from(rounds).all()).toMatchObject([
      { id: 1, questionnaireVersionId: 1 },
      { id: 2, questionnaireVersionId: 2 },
    ]);
  });

  it('refuses a broken file with every problem, and keeps the questionnaire the next round uses', async () => {
    const t = await botWithFiles();
    const broken = SMALL_YAML.replace('en: Who are you? }', '}')
      .replace('- id: reason', '- id: role')
      .replace('question: satisfaction, in', 'question: nowhere, in');
    await t.admin.sendDocument(broken, { fileName: 'survey.yaml' });
    expect(t.admin.lastText()).toBe(
      'Not saved. The file has 3 problems; the next round keeps its questionnaire. Fix them and send the file again:\n' +
        '• questions[0].text.en (line 18): required\n' +
        '• questions[2].id (line 26): duplicates "role" (first at line 16)\n' +
        '• questions[2].when.question (line 28): no question "nowhere"',
    );
    expect(t.uploads()).toEqual([]);
    await t.openRound('Still the file');
    expect(t.admin.lastText()).toBe('Round 1 “Still the file” is open, with 5 questions.');
  });

  it('spreads a long list of problems over several whole messages, and stops at a few', async () => {
    const t = await botWithFiles();
    // Sixty questions with six mistakes each: far more than anyone would read.
    const question = (i: number) =>
      `  - { id: Q${i}, type: choice, text: { zh-Hant: "<b>${i}</b>", fr: x }, options: [{ value: A, label: {} }], colour: red }`;
    const source = `title: { en: x }\ndescription: { en: x }\nquestions:\n${Array.from({ length: 60 }, (_, i) => question(i)).join('\n')}\n`;
    const before = t.admin.botMessages().length;
    await t.admin.sendDocument(source, { fileName: 'many.yaml' });
    const replies = t.admin.botMessages().slice(before);
    expect(replies.length).toBeGreaterThan(1);
    expect(replies.length).toBeLessThanOrEqual(6);
    for (const reply of replies) expect(reply.html!.length).toBeLessThanOrEqual(4096);
    expect(replies[0]!.text).toMatch(/^Not saved\. The file has \d+ problems/);
    expect(replies.at(-1)!.text).toMatch(/\n… and \d+ more\.$/);
    // Every line is one whole problem, escaped: what the file said comes out as text.
    const lines = replies.flatMap((reply) => reply.text.split('\n')).filter((line) => line.startsWith('• '));
    for (const line of lines) expect(line).toMatch(/^• (title|description|questions)\S* \(line \d+\): /);
    const shown = lines.length;
    const left = Number(/… and (\d+) more\.$/.exec(replies.at(-1)!.text)![1]);
    expect(shown + left).toBe(Number(/has (\d+) problems/.exec(replies[0]!.text)![1]));
    expect(t.uploads()).toEqual([]);
  });

  it('says so when the same file comes again, and stores it once', async () => {
    const t = await botWithFiles();
    await t.admin.sendDocument(UPLOADED, { fileName: 'survey.yaml' });
    await t.admin.sendDocument(UPLOADED, { fileName: 'copy.yaml' });
    expect(t.admin.lastText()).toMatch(/^This file is the same as version 1 \([0-9a-f]{12}\), which the next round uses already\. Nothing changed\.$/);
    expect(t.uploads()).toHaveLength(1);
  });

  it('works in an admin group as a reply to the bot, which is all a bot in privacy mode sees there', async () => {
    const t = await botWithFiles();
    const groupMessages = () => t.telegram.messages(ADMIN_GROUP_ID).filter((m) => m.from === 'bot');
    await t.admin.sendIn(ADMIN_GROUP_ID, '/questionnaire');
    const sent = groupMessages().at(-1)!;
    await t.admin.sendDocument(UPLOADED, { fileName: 'survey.yaml', chatId: ADMIN_GROUP_ID, replyTo: sent.message_id });
    expect(groupMessages().at(-1)?.text).toMatch(/^✅ Saved as questionnaire version 1 /);
    await t.admin.sendDocument('%PDF', { fileName: 'minutes.pdf', chatId: ADMIN_GROUP_ID, replyTo: sent.message_id });
    expect(groupMessages().at(-1)?.text).toBe('Only a questionnaire can be uploaded here: a .yaml or .yml file of at most 256 KB.');
    expect(t.uploads()).toHaveLength(1);
  });

  it('leaves other files alone in an admin group whose messages the bot reads in full', async () => {
    const telegram = new FakeTelegram({ botInfo: { ...DEFAULT_BOT_INFO, can_read_all_group_messages: true } });
    const t = await botWithFiles({ telegram });
    await t.admin.sendDocument('%PDF', { fileName: 'minutes.pdf', chatId: ADMIN_GROUP_ID });
    expect(t.telegram.messages(ADMIN_GROUP_ID).filter((m) => m.from === 'bot')).toEqual([]);
    await t.admin.sendDocument(UPLOADED, { fileName: 'survey.yaml', chatId: ADMIN_GROUP_ID });
    expect(t.telegram.messages(ADMIN_GROUP_ID).at(-1)?.text).toMatch(/^✅ Saved as questionnaire version 1 /);
  });
});

describe('what an upload refuses in one line, storing nothing', () => {
  it('a document that is not YAML, without downloading it', async () => {
    const t = await botWithFiles();
    await t.admin.sendDocument(Buffer.from('%PDF-1.7'), { fileName: 'survey.pdf', mimeType: 'application/pdf' });
    expect(t.admin.lastText()).toBe('Only a questionnaire can be uploaded here: a .yaml or .yml file of at most 256 KB.');
    await t.admin.sendDocument(UPLOADED, { fileName: 'survey.yaml.txt' });
    await t.admin.sendDocument(UPLOADED);
    expect(t.admin.lastText()).toBe('Only a questionnaire can be uploaded here: a .yaml or .yml file of at most 256 KB.');
    expect(t.getFiles()).toBe(0);
    expect(t.uploads()).toEqual([]);
  });

  it('a file over 256 KB, by its declared size or, when that lies, while downloading', async () => {
    const t = await botWithFiles();
    const big = `${UPLOADED}\n# ${'x'.repeat(256 * 1024)}\n`;
    await t.admin.sendDocument(big, { fileName: 'big.yaml' });
    expect(t.admin.lastText()).toBe('That file is too big: a questionnaire file is at most 256 KB.');
    expect(t.getFiles()).toBe(0);
    for (const declaredSize of [100, null]) {
      await t.admin.sendDocument(big, { fileName: 'big.yaml', declaredSize });
      expect(t.admin.lastText()).toBe('That file is too big: a questionnaire file is at most 256 KB.');
    }
    expect(t.getFiles()).toBe(2);
    // Exactly at the limit is taken.
    const padded = `${UPLOADED}#`;
    const exact = padded + 'x'.repeat(256 * 1024 - Buffer.byteLength(padded));
    await t.admin.sendDocument(exact, { fileName: 'exact.yaml' });
    expect(t.admin.lastText()).toMatch(/^✅ Saved as questionnaire version 1 /);
    expect(t.uploads()).toHaveLength(1);
  });

  it('a .yaml file that is not UTF-8 text', async () => {
    const t = await botWithFiles();
    await t.admin.sendDocument(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0xff, 0xfe]), { fileName: 'image.yaml' });
    expect(t.admin.lastText()).toBe('That file is not UTF-8 text, so it cannot be a questionnaire.');
    await t.admin.sendDocument(Buffer.from('title: x\u0000\n'), { fileName: 'nul.yaml' });
    expect(t.admin.lastText()).toBe('That file is not UTF-8 text, so it cannot be a questionnaire.');
    expect(t.uploads()).toEqual([]);
  });

  it('a file Telegram cannot hand out just now', async () => {
    // Files come from another Telegram that does not know them: a 404 on download.
    const elsewhere = await startFakeBotApi(new FakeTelegram());
    servers.push(elsewhere);
    const t = await botWithFiles();
    const wrongRoot = createBotOn(t.telegram, elsewhere.apiRoot);
    await wrongRoot.admin.sendDocument(UPLOADED, { fileName: 'survey.yaml' });
    expect(wrongRoot.admin.lastText()).toBe('The file could not be fetched from Telegram just now. Please send it again.');
    expect(wrongRoot.db.select().from(questionnaireVersions).all()).toEqual([]);
  });
});

/** A second bot on the same fake Telegram, fetching files from `apiRoot`. */
function createBotOn(telegram: FakeTelegram, apiRoot: string) {
  return createTestBot({ telegram, apiRoot, now: () => NOW });
}

describe('/questionnaire', () => {
  it('sends the questionnaire file when nothing was uploaded, and any version by number', async () => {
    const t = await botWithFiles();
    await t.admin.send('/questionnaire');
    const file = lastDocument(t)!;
    expect(file.document?.filename).toBe('questionnaire.yaml');
    expect(file.document?.data?.toString('utf8')).toBe(SMALL_YAML);
    expect(file.caption).toMatch(/^The next round will use this questionnaire: the questionnaire file on the server \([0-9a-f]{12}\)\./);

    await t.openRound('On the file');
    await t.admin.sendDocument(UPLOADED, { fileName: 'survey.yaml' });
    await t.admin.sendDocument(UPLOADED.replace('Revised survey', 'Third'), { fileName: 'survey.yaml' });
    await t.admin.send('/questionnaire 1');
    expect(lastDocument(t)!.document).toMatchObject({ filename: 'questionnaire-v1.yaml' });
    expect(lastDocument(t)!.document?.data?.toString('utf8')).toBe(SMALL_YAML);
    expect(lastDocument(t)!.caption).toMatch(/^Questionnaire version 1, the questionnaire file on the server \([0-9a-f]{12}\)\.\n/);
    await t.admin.send('/questionnaire 2');
    expect(lastDocument(t)!.document?.data?.toString('utf8')).toBe(UPLOADED);
    expect(lastDocument(t)!.caption).toMatch(/^Questionnaire version 2, uploaded 2026-11-24 16:00 \([0-9a-f]{12}\)\.\n/);
    await t.admin.send('/questionnaire');
    expect(lastDocument(t)!.document).toMatchObject({ filename: 'questionnaire-v3.yaml' });
  });

  it('explains a malformed or unknown version in one line', async () => {
    const t = await botWithFiles();
    for (const argument of ['abc', '-1', '1.5', 'v2', '1 2', '9999999999']) {
      await t.admin.send(`/questionnaire ${argument}`);
      expect(t.admin.lastText()).toBe('Usage: /questionnaire for the next round’s questionnaire, or /questionnaire 2 for version 2.');
    }
    for (const argument of ['0', '7']) {
      await t.admin.send(`/questionnaire ${argument}`);
      expect(t.admin.lastText()).toBe(`There is no questionnaire version ${argument}. /rounds shows the version each round used.`);
    }
    expect(t.telegram.callsTo('sendDocument')).toEqual([]);
  });

  it('still sends a questionnaire file that has problems, saying so', async () => {
    const t = await botWithFiles();
    const { writeFileSync } = await import('node:fs');
    writeFileSync(t.questionnairePath, SMALL_YAML.replace('max_length: 20', 'max_length: 0'));
    await t.admin.send('/questionnaire');
    expect(lastDocument(t)!.caption).toMatch(/\n⚠️ It has 1 problem: \/open_round refuses it until a corrected file is uploaded\.\n/);
  });
});

describe('someone who is not an admin', () => {
  it('sending a document gets the usual hint, and nothing is fetched or stored', async () => {
    const t = await botWithFiles();
    const resident = t.resident(2001, 'en');
    await resident.sendDocument(UPLOADED, { fileName: 'survey.yaml' });
    expect(resident.lastText()).toMatch(/^No survey is open right now/);
    await t.openRound('Open');
    await resident.send('/start');
    await resident.sendDocument(UPLOADED, { fileName: 'survey.yaml' });
    expect(resident.botMessages().at(-1)?.text).toBe(`⚠️ ${TEXTS.en.useButtons}`);
    expect(t.getFiles()).toBe(0);
    expect(t.uploads()).toEqual([]);
  });

  it('asking for /questionnaire gets the refusal that reveals nothing', async () => {
    const t = await botWithFiles();
    const resident = t.resident(2001, 'en');
    await resident.send('/questionnaire');
    expect(resident.lastText()).toBe('This command is not available here.');
    await resident.send('/questionnaire 1');
    expect(resident.lastText()).toBe('This command is not available here.');
    expect(t.telegram.callsTo('sendDocument')).toEqual([]);
  });
});
