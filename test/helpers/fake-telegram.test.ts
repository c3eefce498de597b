import { Buffer } from 'node:buffer';
import { Bot, GrammyError, InlineKeyboard, InputFile } from 'grammy';
import type { Message } from 'grammy/types';
import { describe, expect, it } from 'vitest';
import { startFakeBotApi } from './fake-bot-api-server.js';
import { FakeTelegram, type ApiResult } from './fake-telegram.js';
import { connectBotToFake } from './in-process-api.js';

const USER = 1001;

/** A FakeTelegram where USER has already talked to the bot. */
function world(): FakeTelegram {
  const telegram = new FakeTelegram();
  telegram.user(USER, { first_name: 'Mei' });
  telegram.addChat(USER);
  return telegram;
}

function result<T>(outcome: ApiResult): T {
  if (!outcome.ok) throw new Error(`expected success, got ${outcome.description}`);
  return outcome.result as T;
}

function send(telegram: FakeTelegram, params: Record<string, unknown>): ApiResult {
  return telegram.call('sendMessage', { chat_id: USER, ...params });
}

const button = (callback_data: string) => ({ inline_keyboard: [[{ text: 'Go', callback_data }]] });

describe('FakeTelegram sendMessage', () => {
  it('returns a Telegram-like message and records the call', () => {
    const telegram = world();
    const message = result<Message>(send(telegram, { text: '  <b>Hi</b> &amp; bye ', parse_mode: 'HTML' }));
    expect(message).toMatchObject({
      message_id: 1,
      from: { id: 7000000001, is_bot: true, username: 'manyi_test_bot' },
      chat: { id: USER, type: 'private', first_name: 'Mei' },
      text: 'Hi & bye',
      entities: [{ type: 'bold', offset: 0, length: 2 }],
    });
    expect(telegram.calls.map((c) => c.method)).toEqual(['sendMessage']);
    expect(telegram.messages(USER)).toMatchObject([{ from: 'bot', text: 'Hi & bye', html: '  <b>Hi</b> &amp; bye ' }]);
  });

  it('refuses text over 4096 characters and accepts exactly 4096', () => {
    const telegram = world();
    expect(send(telegram, { text: 'x'.repeat(4097) })).toMatchObject({
      ok: false,
      error_code: 400,
      description: 'Bad Request: message is too long',
    });
    expect(send(telegram, { text: '好'.repeat(4096) }).ok).toBe(true);
    // The limit applies to the parsed text, not the markup.
    expect(send(telegram, { text: `<b>${'x'.repeat(4096)}</b>`, parse_mode: 'HTML' }).ok).toBe(true);
  });

  it('refuses empty text, bad HTML and unknown parse modes', () => {
    const telegram = world();
    expect(send(telegram, { text: ' \n ' })).toMatchObject({ description: 'Bad Request: message text is empty' });
    expect(send(telegram, {})).toMatchObject({ description: 'Bad Request: message text is empty' });
    const html = send(telegram, { text: 'a < b', parse_mode: 'HTML' });
    expect(html).toMatchObject({ ok: false, error_code: 400 });
    expect(!html.ok && html.description).toMatch(/^Bad Request: can't parse entities/);
    expect(send(telegram, { text: 'a < b' }).ok).toBe(true); // plain text is fine
    expect(send(telegram, { text: 'x', parse_mode: 'html5' })).toMatchObject({
      description: 'Bad Request: unsupported parse_mode',
    });
  });

  it('checks callback_data by UTF-8 bytes: 64 accepted, 65 refused', () => {
    const telegram = world();
    expect(send(telegram, { text: 'a', reply_markup: button('x'.repeat(64)) }).ok).toBe(true);
    expect(send(telegram, { text: 'a', reply_markup: button('好'.repeat(21) + 'x') }).ok).toBe(true); // 64 bytes
    const refused = { ok: false, description: 'Bad Request: BUTTON_DATA_INVALID' };
    expect(send(telegram, { text: 'a', reply_markup: button('x'.repeat(65)) })).toMatchObject(refused);
    expect(send(telegram, { text: 'a', reply_markup: button('好'.repeat(21) + 'xy') })).toMatchObject(refused);
    expect(send(telegram, { text: 'a', reply_markup: button('') })).toMatchObject(refused);
  });

  it('validates inline buttons and accepts reply_markup as a JSON string', () => {
    const telegram = world();
    const markup = JSON.stringify({ inline_keyboard: [[{ text: 'Site', url: 'https://example.com' }]] });
    expect(send(telegram, { text: 'a', reply_markup: markup }).ok).toBe(true);
    expect(telegram.messages(USER)[0]?.replyMarkup?.inline_keyboard[0]?.[0]?.text).toBe('Site');
    const bad = (keyboard: unknown) =>
      send(telegram, { text: 'a', reply_markup: { inline_keyboard: keyboard } });
    expect(bad([[{ text: 'x', url: 'example.com' }]])).toMatchObject({ description: 'Bad Request: BUTTON_URL_INVALID' });
    expect(bad([[{ text: '', callback_data: 'a' }]])).toMatchObject({ description: 'Bad Request: BUTTON_TEXT_EMPTY' });
    expect(bad([[{ text: 'x' }]]).ok).toBe(false);
    expect(bad([{ text: 'x', callback_data: 'a' }]).ok).toBe(false);
    expect(bad(Array.from({ length: 101 }, (_, i) => [{ text: `b${i}`, callback_data: `${i}` }])).ok).toBe(false);
    expect(send(telegram, { text: 'a', reply_markup: { remove_keyboard: true } }).ok).toBe(true);
    expect(send(telegram, { text: 'a', reply_markup: { keyboard: [[{ text: 'Yes' }]] } }).ok).toBe(true);
  });

  it('refuses unknown chats, unstarted users and blocked users', () => {
    const telegram = world();
    expect(telegram.call('sendMessage', { chat_id: 42, text: 'x' })).toEqual({
      ok: false,
      error_code: 400,
      description: 'Bad Request: chat not found',
    });
    telegram.user(2002);
    expect(telegram.call('sendMessage', { chat_id: 2002, text: 'x' })).toMatchObject({ error_code: 403 });
    telegram.block(USER);
    expect(send(telegram, { text: 'x' })).toEqual({
      ok: false,
      error_code: 403,
      description: 'Forbidden: bot was blocked by the user',
    });
    telegram.unblock(USER);
    expect(send(telegram, { text: 'x' }).ok).toBe(true);
  });

  it('answers unknown methods with 404', () => {
    expect(world().call('sendDice', { chat_id: USER })).toEqual({ ok: false, error_code: 404, description: 'Not Found' });
  });
});

describe('FakeTelegram edits and deletes', () => {
  it('refuses an edit that changes nothing', () => {
    const telegram = world();
    const sent = result<Message>(send(telegram, { text: '<b>Q1</b>', parse_mode: 'HTML', reply_markup: button('a') }));
    const edit = (params: Record<string, unknown>) =>
      telegram.call('editMessageText', { chat_id: USER, message_id: sent.message_id, ...params });
    expect(edit({ text: '<b>Q1</b>', parse_mode: 'HTML', reply_markup: button('a') })).toMatchObject({
      ok: false,
      description: expect.stringMatching(/^Bad Request: message is not modified/) as unknown,
    });
    // Same text without bold is a change; so is dropping the keyboard.
    expect(edit({ text: 'Q1', reply_markup: button('a') }).ok).toBe(true);
    const edited = result<Message>(edit({ text: 'Q1' }));
    expect(edited.reply_markup).toBeUndefined();
    expect(edited.edit_date).toBeTypeOf('number');
    expect(telegram.messages(USER)[0]).toMatchObject({ text: 'Q1', editCount: 2 });
    expect(telegram.messages(USER)[0]?.replyMarkup).toBeUndefined();
  });

  it('refuses editing a message that does not exist', () => {
    const telegram = world();
    expect(telegram.call('editMessageText', { chat_id: USER, message_id: 99, text: 'x' })).toEqual({
      ok: false,
      error_code: 400,
      description: 'Bad Request: message to edit not found',
    });
  });

  it('edits and removes reply markup', () => {
    const telegram = world();
    const sent = result<Message>(send(telegram, { text: 'Q', reply_markup: button('a') }));
    const ids = { chat_id: USER, message_id: sent.message_id };
    expect(telegram.call('editMessageReplyMarkup', { ...ids, reply_markup: button('a') }).ok).toBe(false);
    expect(telegram.call('editMessageReplyMarkup', { ...ids, reply_markup: button('b') }).ok).toBe(true);
    expect(telegram.call('editMessageReplyMarkup', ids).ok).toBe(true);
    expect(telegram.messages(USER)[0]?.replyMarkup).toBeUndefined();
    expect(telegram.call('editMessageReplyMarkup', ids).ok).toBe(false);
  });

  it('deletes messages once', () => {
    const telegram = world();
    const sent = result<Message>(send(telegram, { text: 'bye' }));
    const del = () => telegram.call('deleteMessage', { chat_id: USER, message_id: sent.message_id });
    expect(del()).toEqual({ ok: true, result: true });
    expect(del()).toMatchObject({ description: 'Bad Request: message to delete not found' });
    expect(telegram.messages(USER)).toEqual([]);
    expect(telegram.messages(USER, { includeDeleted: true })).toMatchObject([{ text: 'bye', deleted: true }]);
  });
});

describe('FakeTelegram callbacks, commands and files', () => {
  it('answers a callback query only once', async () => {
    const telegram = world();
    telegram.setDelivery(async () => {});
    send(telegram, { text: 'Q', reply_markup: { inline_keyboard: [[{ text: 'Yes', callback_data: 'yes' }]] } });
    const user = telegram.user(USER);
    await user.press('Yes');
    const [query] = telegram.callbackQueries();
    expect(query).toMatchObject({ data: 'yes', messageId: 1, answered: false });
    const answer = () => telegram.call('answerCallbackQuery', { callback_query_id: query?.id, text: 'Saved' });
    expect(answer().ok).toBe(true);
    expect(answer()).toMatchObject({
      ok: false,
      description: 'Bad Request: query is too old and response timeout expired or query ID is invalid',
    });
    expect(user.lastCallbackAnswer()).toEqual({ text: 'Saved' });
    await expect(user.press('No')).rejects.toThrow(/no inline button "No".*\[Yes\]/);
  });

  it('validates bot commands', () => {
    const telegram = world();
    const set = (commands: unknown) => telegram.call('setMyCommands', { commands });
    expect(set([{ command: 'start', description: 'Start the survey' }]).ok).toBe(true);
    expect(result(telegram.call('getMyCommands', {}))).toEqual([{ command: 'start', description: 'Start the survey' }]);
    expect(set([{ command: 'Start', description: 'x' }])).toMatchObject({ description: 'Bad Request: BOT_COMMAND_INVALID' });
    expect(set([{ command: 'start', description: '' }])).toMatchObject({
      description: 'Bad Request: BOT_COMMAND_DESCRIPTION_INVALID',
    });
    expect(set(JSON.stringify([{ command: 'help', description: 'Help' }])).ok).toBe(true);
  });

  it('stores uploaded documents and refuses non-image photos', async () => {
    const telegram = world();
    const csv = Buffer.from('a,b\n1,2\n');
    const sent = await telegram.callAsync('sendDocument', {
      chat_id: USER,
      document: new InputFile(csv, 'report.csv'),
      caption: '<i>export</i>',
      parse_mode: 'HTML',
    });
    expect(result<Message>(sent).document).toMatchObject({ file_name: 'report.csv', mime_type: 'text/csv' });
    expect(telegram.messages(USER)[0]).toMatchObject({ kind: 'document', caption: 'export' });
    expect(telegram.messages(USER)[0]?.document?.data?.equals(csv)).toBe(true);
    const photo = await telegram.callAsync('sendPhoto', { chat_id: USER, photo: new InputFile(csv, 'chart.png') });
    expect(photo).toMatchObject({ ok: false, description: 'Bad Request: IMAGE_PROCESS_FAILED' });
    const long = telegram.call('sendDocument', { chat_id: USER, document: { filename: 'a.txt' }, caption: 'x'.repeat(1025) });
    expect(long).toMatchObject({ description: 'Bad Request: message caption is too long' });
  });

  it('requires a delivery for user actions', async () => {
    await expect(world().user(USER).send('/start')).rejects.toThrow(/no delivery/);
  });
});

// A tiny bot used to check both adapters end to end.
function tinyBot(telegram: FakeTelegram, apiRoot?: string): Bot {
  const bot = new Bot(telegram.token, { botInfo: telegram.botInfo, ...(apiRoot ? { client: { apiRoot } } : {}) });
  bot.command('start', (ctx) =>
    ctx.reply('<b>How satisfied are you?</b>', {
      parse_mode: 'HTML',
      reply_markup: new InlineKeyboard().text('Very', 'rate:5').text('Not', 'rate:1'),
    }),
  );
  bot.command('export', (ctx) => ctx.replyWithDocument(new InputFile(Buffer.from('a,b\n1,2\n'), '滿意度 report.csv')));
  bot.command('broken', (ctx) => ctx.reply('a < b', { parse_mode: 'HTML' }));
  bot.callbackQuery(/^rate:(\d)$/, async (ctx) => {
    await ctx.answerCallbackQuery({ text: 'Thanks!' });
    await ctx.editMessageText(`You chose ${ctx.match[1]}`);
  });
  return bot;
}

async function exerciseTinyBot(telegram: FakeTelegram): Promise<void> {
  const user = telegram.user(USER, { first_name: 'Mei' });
  await user.send('/start');
  expect(user.lastText()).toBe('How satisfied are you?');
  expect(user.buttons()).toEqual(['Very', 'Not']);
  await user.press('Very');
  expect(user.lastText()).toBe('You chose 5');
  expect(user.buttons()).toEqual([]);
  expect(user.lastCallbackAnswer()).toEqual({ text: 'Thanks!' });
  await user.send('/export@manyi_test_bot');
  const doc = user.lastBotMessage()?.document;
  expect(doc?.filename).toBe('滿意度 report.csv');
  expect(doc?.data?.toString()).toBe('a,b\n1,2\n');
  expect(telegram.messages(USER).map((m) => m.from)).toEqual(['user', 'bot', 'user', 'bot']);
}

describe('tiny bot end to end', () => {
  it('works over HTTP long polling', async () => {
    const telegram = new FakeTelegram();
    const server = await startFakeBotApi(telegram);
    const bot = tinyBot(telegram, server.apiRoot);
    const errors: unknown[] = [];
    bot.catch((err) => {
      errors.push(err.error);
    });
    const running = bot.start();
    try {
      await exerciseTinyBot(telegram);
      await telegram.user(USER).send('/broken');
      expect(errors).toHaveLength(1);
      expect(errors[0]).toBeInstanceOf(GrammyError);
      expect(server.pending()).toBe(0);
    } finally {
      await bot.stop();
      await running;
      await server.close();
    }
  });

  it('works in-process', async () => {
    const telegram = new FakeTelegram();
    const bot = tinyBot(telegram);
    connectBotToFake(bot, telegram);
    await exerciseTinyBot(telegram);
    await expect(telegram.user(USER).send('/broken')).rejects.toThrow(/can't parse entities/);
  });

  it('hides non-command group messages from a bot in privacy mode', async () => {
    const telegram = new FakeTelegram();
    const bot = new Bot(telegram.token, { botInfo: telegram.botInfo });
    const seen: string[] = [];
    bot.on('message:text', (ctx) => {
      seen.push(ctx.message.text);
    });
    connectBotToFake(bot, telegram);
    telegram.group(-100, 'Committee');
    const user = telegram.user(USER);
    await user.sendIn(-100, 'hello everyone');
    await user.sendIn(-100, '/help@other_bot');
    await user.sendIn(-100, '/help@manyi_test_bot');
    expect(seen).toEqual(['/help@manyi_test_bot']);
  });
});

describe('fake Bot API server', () => {
  it('implements getUpdates offsets, long polling, auth and form bodies', async () => {
    const telegram = new FakeTelegram();
    const server = await startFakeBotApi(telegram, { confirmTimeoutMs: 300 });
    const url = (method: string, token = telegram.token) => `${server.apiRoot}/bot${token}/${method}`;
    const api = async (method: string, body: unknown): Promise<ApiResult> => {
      const response = await fetch(url(method), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return (await response.json()) as ApiResult;
    };
    try {
      expect((await fetch(url('getMe', '1:wrong'))).status).toBe(401);
      expect(result(await api('getMe', {}))).toMatchObject({ username: 'manyi_test_bot' });

      const poll = api('getUpdates', { timeout: 5 });
      const sent = telegram.user(USER).send('hi');
      const updates = result<{ update_id: number; message?: Message }[]>(await poll);
      expect(updates.map((u) => [u.update_id, u.message?.text])).toEqual([[1, 'hi']]);
      expect(server.pending()).toBe(1);
      // Asking again without a higher offset re-delivers and confirms nothing.
      expect(result<unknown[]>(await api('getUpdates', { offset: 1 }))).toHaveLength(1);
      expect(result(await api('getUpdates', { offset: 2 }))).toEqual([]);
      await sent;
      expect(server.pending()).toBe(0);

      const form = await fetch(url('sendMessage'), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ chat_id: String(USER), text: 'from a form' }).toString(),
      });
      expect(form.status).toBe(200);
      const call = await telegram.waitForCall((c) => c.method === 'sendMessage', 1000);
      expect(call.result.ok).toBe(true);
      const refused = await fetch(url('sendMessage'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ chat_id: 5, text: 'x' }),
      });
      expect(refused.status).toBe(400);

      await expect(telegram.user(USER).send('nobody polls')).rejects.toThrow(
        'update 2 was not confirmed by the bot within 300 ms',
      );
    } finally {
      await server.close();
    }
  });
});

describe('documents users send', () => {
  it('arrive as a document message, and getFile gives a path the server serves over HTTP', async () => {
    const telegram = new FakeTelegram();
    const server = await startFakeBotApi(telegram);
    const bot = tinyBot(telegram, server.apiRoot);
    const received: Message.DocumentMessage['document'][] = [];
    bot.on('message:document', (ctx) => void received.push(ctx.message.document));
    void bot.start({ drop_pending_updates: false });
    try {
      const bytes = Buffer.from('title: 問卷\n', 'utf8');
      await telegram.user(USER).sendDocument(bytes, { fileName: 'survey.yaml' });
      expect(received).toEqual([
        expect.objectContaining({ file_name: 'survey.yaml', mime_type: 'application/x-yaml', file_size: bytes.length }),
      ]);
      expect(telegram.messages(USER).at(-1)).toMatchObject({ from: 'user', kind: 'document' });

      const file = await bot.api.getFile(received[0]!.file_id);
      expect(file).toMatchObject({ file_size: bytes.length, file_path: expect.stringMatching(/^documents\/file_\d+\.yaml$/) });
      expect((await bot.api.getFile(received[0]!.file_id)).file_path).toBe(file.file_path);
      const download = await fetch(`${server.apiRoot}/file/bot${telegram.token}/${file.file_path}`);
      expect(download.status).toBe(200);
      expect(Buffer.from(await download.arrayBuffer()).equals(bytes)).toBe(true);

      // A wrong token or an unknown path is a 404, as Telegram answers both.
      expect((await fetch(`${server.apiRoot}/file/bot1:wrong/${file.file_path}`)).status).toBe(404);
      expect((await fetch(`${server.apiRoot}/file/bot${telegram.token}/documents/file_999.yaml`)).status).toBe(404);
      expect((await fetch(`${server.apiRoot}/file/bot${telegram.token}/documents/%E0%A4%A`)).status).toBe(404);
      await expect(bot.api.getFile('nonsense')).rejects.toThrow('Bad Request: invalid file_id');
    } finally {
      await bot.stop();
      await server.close();
    }
  });

  it('carry the name, type and declared size a test asks for', async () => {
    const telegram = new FakeTelegram();
    const seen: Message[] = [];
    telegram.setDelivery(async (update) => void (update.message && seen.push(update.message)));
    const user = telegram.user(USER);
    await user.sendDocument('%PDF', { fileName: 'a.pdf', mimeType: 'application/pdf', declaredSize: null });
    await user.sendDocument('x', { declaredSize: 10 });
    expect(seen.map((m) => m.document)).toEqual([
      { file_id: expect.any(String), file_unique_id: expect.any(String), file_name: 'a.pdf', mime_type: 'application/pdf' },
      { file_id: expect.any(String), file_unique_id: expect.any(String), mime_type: 'application/octet-stream', file_size: 10 },
    ]);
  });

  it('in a group reach a bot in privacy mode only as a reply to one of its messages', async () => {
    const telegram = new FakeTelegram();
    const seen: Message[] = [];
    telegram.setDelivery(async (update) => void (update.message && seen.push(update.message)));
    telegram.group(-100, 'Admins');
    const user = telegram.user(USER);
    await user.sendDocument('a: 1', { fileName: 'q.yaml', chatId: -100 });
    await user.sendDocument('a: 1', { fileName: 'q.yaml', chatId: -100, replyTo: 1 });
    expect(seen).toEqual([]);
    const prompt = result<Message>(telegram.call('sendMessage', { chat_id: -100, text: 'Send the file here' }));
    await user.sendDocument('a: 1', { fileName: 'q.yaml', chatId: -100, replyTo: prompt.message_id });
    expect(seen).toMatchObject([{ reply_to_message: { message_id: prompt.message_id, text: 'Send the file here' } }]);
    expect(telegram.messages(-100).map((m) => m.kind)).toEqual(['document', 'document', 'text', 'document']);
  });
});
