import { GrammyError, HttpError } from 'grammy';
import { describe, expect, it } from 'vitest';
import { completeBareRefusals, describeApiFailure, untilTaken } from '../../src/transport/network.js';

describe('what a failed Bot API call says in the log', () => {
  it('names the call and what Telegram answered', () => {
    const error = new GrammyError("Call to 'setMyCommands' failed!", { ok: false, error_code: 502, description: 'Bad Gateway' }, 'setMyCommands', {});
    expect(describeApiFailure(error)).toBe('setMyCommands failed: Telegram answered 502 Bad Gateway');
  });

  it('never prints undefined for a refusal without an error code or description', () => {
    const bare = { ok: false } as unknown as ConstructorParameters<typeof GrammyError>[1];
    const error = new GrammyError("Call to 'setMyCommands' failed!", bare, 'setMyCommands', {});
    expect(error.message).toContain('undefined: undefined');
    const said = describeApiFailure(error);
    expect(said).toMatch(/^setMyCommands failed: the server refused it without an error code or description/);
    expect(said).not.toContain('undefined');
  });

  it('names the call and the network failure', () => {
    const error = new HttpError("Network request for 'getUpdates' failed!", Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }));
    expect(describeApiFailure(error)).toBe('getUpdates failed: the connection was refused (ECONNREFUSED)');
  });
});

describe('a refusal without an error code or description', () => {
  it('reaches the bot as an error that says so, and never prints undefined', async () => {
    const transformer = completeBareRefusals();
    const bare = (async () => ({ ok: false })) as unknown as Parameters<typeof transformer>[0];
    const response = await transformer(bare, 'setMyCommands', { commands: [] });
    expect(response).toEqual({ ok: false, error_code: 0, description: expect.stringMatching(/^refused it without an error code or description/) });
    const error = new GrammyError("Call to 'setMyCommands' failed!", response as never, 'setMyCommands', {});
    expect(error.message).not.toContain('undefined');
    expect(describeApiFailure(error)).toBe('setMyCommands failed: the server refused it without an error code or description (does it know this method?)');
  });
});

describe('a start-up call Telegram must take (deleteWebhook, setWebhook)', () => {
  const refusal = (code: number, description: string) =>
    new GrammyError("Call to 'deleteWebhook' failed!", { ok: false, error_code: code, description }, 'deleteWebhook', {});
  const collect = () => {
    const said: string[] = [];
    return { said, logger: { warn: (_details: object, message: string) => void said.push(message) } };
  };

  it('waits out 5xx, 429 and the network, saying so, until the call is taken', async () => {
    const failures: unknown[] = [
      refusal(502, 'Bad Gateway'),
      new HttpError("Network request for 'deleteWebhook' failed!", Object.assign(new Error('reset'), { code: 'ECONNRESET' })),
      refusal(429, 'Too Many Requests: retry after 1'),
    ];
    let calls = 0;
    const { said, logger } = collect();
    const call = async () => {
      calls++;
      const failure = failures.shift();
      if (failure) throw failure;
      return true;
    };
    const started = Date.now();
    await expect(untilTaken('delete the webhook', call, { logger, signal: new AbortController().signal })).resolves.toBe(true);
    expect(calls).toBe(4);
    expect(Date.now() - started).toBeGreaterThanOrEqual(6_900); // 1 s, 2 s, then 4 s
    expect(said).toEqual([
      'could not delete the webhook (deleteWebhook failed: Telegram answered 502 Bad Gateway). Trying again in 1 s',
      'could not delete the webhook (deleteWebhook failed: the connection was reset (ECONNRESET)). Trying again in 2 s',
      'could not delete the webhook (deleteWebhook failed: Telegram answered 429 Too Many Requests: retry after 1). Trying again in 4 s',
    ]);
  }, 15_000);

  it('throws a refusal that will not pass, at once', async () => {
    const { said, logger } = collect();
    const call = () => Promise.reject(refusal(400, 'Bad Request: bad webhook: HTTPS url must be provided for webhook'));
    await expect(untilTaken('set the webhook', call, { logger, signal: new AbortController().signal })).rejects.toThrow(/HTTPS url/);
    expect(said).toEqual([]);
  });

  it('gives up waiting when the bot is stopped', async () => {
    const stop = new AbortController();
    const { logger } = collect();
    const call = () => Promise.reject(refusal(500, 'Internal Server Error'));
    setTimeout(() => stop.abort(), 200);
    const started = Date.now();
    await expect(untilTaken('delete the webhook', call, { logger, signal: stop.signal })).resolves.toBe(false);
    expect(Date.now() - started).toBeLessThan(900);
  });
});
