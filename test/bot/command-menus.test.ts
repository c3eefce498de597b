import { Writable } from 'node:stream';
import { GrammyError, type Api } from 'grammy';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { keepSettingCommandMenus } from '../../src/bot/command-menus.js';

function recorder() {
  const lines: { level: number; msg: string }[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as { level: number; msg: string });
      done();
    },
  });
  return { logger: pino({ level: 'info' }, destination), lines };
}

const refusal = (code: number, description: string) =>
  new GrammyError("Call to 'setMyCommands' failed!", { ok: false, error_code: code, description }, 'setMyCommands', {});

describe('setting the command menus in the background', () => {
  it('gives up at once, with one error line, when Telegram refuses the menu itself (400)', async () => {
    let calls = 0;
    const api = { setMyCommands: () => (calls++, Promise.reject(refusal(400, 'Bad Request: BOT_COMMAND_DESCRIPTION_INVALID'))) } as unknown as Api;
    const { logger, lines } = recorder();
    await keepSettingCommandMenus(api, { adminChatIds: [], defaultLanguage: 'en', logger, signal: new AbortController().signal });
    expect(calls).toBe(1);
    expect(lines).toEqual([
      expect.objectContaining({ level: 50, msg: expect.stringContaining('setMyCommands failed: Telegram answered 400 Bad Request: BOT_COMMAND_DESCRIPTION_INVALID') }),
    ]);
  });

  it('stops trying when the bot stops', async () => {
    const api = { setMyCommands: () => Promise.reject(refusal(502, 'Bad Gateway')) } as unknown as Api;
    const { logger, lines } = recorder();
    const stopping = new AbortController();
    const trying = keepSettingCommandMenus(api, { adminChatIds: [], defaultLanguage: 'en', logger, signal: stopping.signal });
    await new Promise((resolve) => setTimeout(resolve, 100));
    stopping.abort();
    await trying;
    expect(lines).toEqual([expect.objectContaining({ level: 40, msg: expect.stringMatching(/502 Bad Gateway\); residents are served without them. Trying again in 1 s$/) })]);
  });
});
