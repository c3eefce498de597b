import { Writable } from 'node:stream';
import { Api } from 'grammy';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { downloadFile } from '../../../src/transport/send/telegram-files.js';
import { startFakeBotApi, type FakeBotApiServer } from '../../helpers/fake-bot-api-server.js';
import { FakeTelegram } from '../../helpers/fake-telegram.js';

let server: FakeBotApiServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A file a user sent, the Api the bot would use, and a log that can be read back. */
async function setting(content: Buffer) {
  const telegram = new FakeTelegram();
  server = await startFakeBotApi(telegram);
  const fileIds: string[] = [];
  telegram.setDelivery(async (update) => void (update.message?.document && fileIds.push(update.message.document.file_id)));
  await telegram.user(1001).sendDocument(content, { fileName: 'q.yaml' });
  let logged = '';
  const log = pino({ level: 'debug' }, new Writable({ write: (chunk, _encoding, done) => void ((logged += String(chunk)), done()) }));
  const api = new Api(telegram.token, { apiRoot: server.apiRoot });
  const options = { token: telegram.token, apiRoot: server.apiRoot, fileId: fileIds[0]!, maxBytes: 1024, log };
  return { telegram, api, options, logged: () => logged };
}

describe('downloading a file a user sent', () => {
  it('gets its bytes through getFile and the file URL', async () => {
    const { api, options } = await setting(Buffer.from('title: 問卷\n'));
    const download = await downloadFile(api, options);
    expect(download).toEqual({ ok: true, bytes: Buffer.from('title: 問卷\n') });
  });

  it('stops at the size limit, declared or not', async () => {
    const { api, options, telegram } = await setting(Buffer.alloc(2048, 'x'));
    expect(await downloadFile(api, options)).toEqual({ ok: false, reason: 'too_big' });
    expect(await downloadFile(api, { ...options, maxBytes: 2048 })).toMatchObject({ ok: true });
    // getFile declaring no size: the body is counted as it comes.
    api.config.use(async (prev, method, payload, signal) => {
      const result = await prev(method, payload, signal);
      if (method === 'getFile' && result.ok) delete (result.result as { file_size?: number }).file_size;
      return result;
    });
    expect(await downloadFile(api, options)).toEqual({ ok: false, reason: 'too_big' });
    telegram.failNext('getFile', { error_code: 400, description: 'Bad Request: file is too big' });
    expect(await downloadFile(api, options)).toEqual({ ok: false, reason: 'too_big' });
  });

  it('does not follow a file path that climbs out', async () => {
    const { api, options } = await setting(Buffer.from('a: 1\n'));
    api.config.use(async (prev, method, payload, signal) => {
      const result = await prev(method, payload, signal);
      if (method === 'getFile' && result.ok) (result.result as { file_path: string }).file_path = 'documents/../../etc/passwd';
      return result;
    });
    expect(await downloadFile(api, options)).toEqual({ ok: false, reason: 'unavailable' });
  });

  it('says unavailable when Telegram cannot be reached, and logs no token', async () => {
    const { api, options, logged } = await setting(Buffer.from('a: 1\n'));
    const { file_path } = await api.getFile(options.fileId);
    expect(file_path).toBeDefined();
    await server!.close();
    const offline = new Api(options.token, { apiRoot: options.apiRoot, timeoutSeconds: 2 });
    api.config.use(async () => ({ ok: true, result: { file_id: options.fileId, file_unique_id: 'u', file_path } }) as never);
    expect(await downloadFile(api, options)).toEqual({ ok: false, reason: 'unavailable' });
    expect(await downloadFile(offline, options)).toEqual({ ok: false, reason: 'unavailable' });
    expect(logged()).toContain('file download failed');
    expect(logged()).not.toContain(options.token.split(':')[1]);
  });
});
