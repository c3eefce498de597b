import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { leanFetch } from '../../../src/transport/send/lean-fetch.js';

/*
 * The fetch grammY's client uses: what it reads of an answer (ok, status,
 * JSON) and how failures reach it, which the retry and the log lines read.
 */

let server: Server | undefined;

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  server = createServer(handler);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const readBody = (req: Readable) =>
  new Promise<string>((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });

describe('the fetch grammY calls', () => {
  it('posts a JSON body with its headers and reads the JSON answer, over one kept-alive connection', async () => {
    const seen: { method?: string; type?: string; body: string; socket: unknown }[] = [];
    const root = await serve(async (req, res) => {
      seen.push({ method: req.method, type: req.headers['content-type'], body: await readBody(req), socket: req.socket });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, result: { message_id: 7, text: '滿意' } }));
    });
    const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ chat_id: 1, text: '滿意' }) };
    const first = await leanFetch(`${root}/bot1:x/sendMessage`, init);
    const second = await leanFetch(`${root}/bot1:x/sendMessage`, init);
    expect(first.ok).toBe(true);
    expect(await first.json()).toEqual({ ok: true, result: { message_id: 7, text: '滿意' } });
    expect(await second.json()).toEqual({ ok: true, result: { message_id: 7, text: '滿意' } });
    expect(seen.map(({ method, type, body }) => ({ method, type, body }))).toEqual([
      { method: 'POST', type: 'application/json', body: '{"chat_id":1,"text":"滿意"}' },
      { method: 'POST', type: 'application/json', body: '{"chat_id":1,"text":"滿意"}' },
    ]);
    expect(seen[1]!.socket).toBe(seen[0]!.socket);
  });

  it('streams a body given as a stream (a file upload)', async () => {
    let received = '';
    const root = await serve(async (req, res) => {
      received = await readBody(req);
      res.end('{"ok":true,"result":true}');
    });
    const body = Readable.from(['--b\r\n', 'part one', '\r\n--b--\r\n']);
    const response = await leanFetch(`${root}/bot1:x/sendDocument`, { method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=b' }, body });
    expect(await response.json()).toEqual({ ok: true, result: true });
    expect(received).toBe('--b\r\n' + 'part one' + '\r\n--b--\r\n');
  });

  it("gives a refusal's status and JSON, and a SyntaxError for an answer that is not JSON", async () => {
    const root = await serve((req, res) => {
      if (req.url?.endsWith('/refused')) {
        res.writeHead(400);
        return void res.end('{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}');
      }
      res.writeHead(502);
      res.end('<html>Bad Gateway</html>');
    });
    const refused = await leanFetch(`${root}/refused`, { method: 'POST' });
    expect(refused).toMatchObject({ ok: false, status: 400 });
    expect(await refused.json()).toMatchObject({ error_code: 400 });
    const page = await leanFetch(`${root}/proxy-page`, { method: 'POST' });
    expect(page.status).toBe(502);
    await expect(page.json()).rejects.toBeInstanceOf(SyntaxError);
  });

  it('fails with the network error and its code when nothing listens', async () => {
    const root = await serve(() => undefined);
    server!.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await expect(leanFetch(`${root}/getMe`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('gives up with an AbortError when the signal aborts (grammY\'s timeout)', async () => {
    const root = await serve(() => undefined); // never answers
    const controller = new AbortController();
    const pending = leanFetch(`${root}/getUpdates`, { method: 'POST', signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    await expect(leanFetch(`${root}/getUpdates`, { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });
});
