import { Bot } from 'grammy';
import type { Update } from 'grammy/types';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { handleBatch, startPolling } from '../../src/bot/polling.js';
import { startFakeBotApi } from '../helpers/fake-bot-api-server.js';
import { DEFAULT_BOT_INFO, FakeTelegram } from '../helpers/fake-telegram.js';

const message = (update_id: number, chat: number, text: string): Update => ({
  update_id,
  message: {
    message_id: update_id,
    date: 0,
    chat: { id: chat, type: 'private', first_name: 'x' },
    from: { id: chat, is_bot: false, first_name: 'x' },
    text,
  },
});

describe('handling a batch of updates', () => {
  it('runs different chats at once and keeps each chat in order', async () => {
    const bot = new Bot('1:token-for-a-test-bot-xxxxxxxx', { botInfo: DEFAULT_BOT_INFO });
    const events: string[] = [];
    bot.on('message:text', async (ctx) => {
      events.push(`start ${ctx.chat.id}:${ctx.message.text}`);
      await new Promise((resolve) => setTimeout(resolve, ctx.message.text === 'slow' ? 50 : 5));
      events.push(`end ${ctx.chat.id}:${ctx.message.text}`);
    });
    await handleBatch(bot, [message(1, 10, 'slow'), message(2, 20, 'a'), message(3, 10, 'after'), message(4, 20, 'b')]);
    // Chat 20 finished both while chat 10 was still on its slow first update...
    expect(events.indexOf('end 20:b')).toBeLessThan(events.indexOf('end 10:slow'));
    // ...and chat 10's second update started only after its first ended.
    expect(events.indexOf('start 10:after')).toBeGreaterThan(events.indexOf('end 10:slow'));
  });

  it('reports a failing update to the error handler and still handles the rest', async () => {
    const bot = new Bot('1:token-for-a-test-bot-xxxxxxxx', { botInfo: DEFAULT_BOT_INFO });
    const handled: string[] = [];
    const errors: string[] = [];
    bot.on('message:text', (ctx) => {
      if (ctx.message.text === 'boom') throw new Error('boom');
      handled.push(ctx.message.text);
    });
    bot.catch((error) => void errors.push((error.error as Error).message));
    await handleBatch(bot, [message(1, 10, 'boom'), message(2, 10, 'next'), message(3, 20, 'other')]);
    expect(errors).toEqual(['boom']);
    expect(handled.sort()).toEqual(['next', 'other']);
  });
});

describe('polling', () => {
  it('confirms a batch only after handling it, and confirms the last one on stop', async () => {
    const telegram = new FakeTelegram();
    const server = await startFakeBotApi(telegram);
    const bot = new Bot(telegram.token, { botInfo: telegram.botInfo, client: { apiRoot: server.apiRoot } });
    const seen: string[] = [];
    bot.on('message:text', async (ctx) => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      seen.push(ctx.message.text);
      await ctx.reply(`got ${ctx.message.text}`);
    });
    const polling = startPolling(bot, { allowedUpdates: ['message'], logger: pino({ level: 'silent' }), timeoutSeconds: 1 });
    const user = telegram.user(42);
    await Promise.all([user.send('one'), telegram.user(43).send('two')]);
    expect(seen.sort()).toEqual(['one', 'two']);
    await polling.stop();
    expect(server.pending()).toBe(0);
    await server.close();
  });
});
