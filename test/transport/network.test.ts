import { GrammyError, HttpError } from 'grammy';
import { describe, expect, it } from 'vitest';
import { completeBareRefusals, describeApiFailure } from '../../src/transport/network.js';

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
