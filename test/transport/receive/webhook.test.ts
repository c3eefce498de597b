import { connect, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { Update } from 'grammy/types';
import { afterEach, describe, expect, it } from 'vitest';
import type { Inbox } from '../../../src/transport/receive/inbox.js';
import { createMessageWatch } from '../../../src/transport/receive/message-watch.js';
import { startWebhookServer, type WebhookOptions, type WebhookServer } from '../../../src/transport/receive/webhook.js';
import { until } from '../../helpers/until.js';

/*
 * The webhook server faces the internet: slow clients, many connections and
 * floods of forged requests must neither hold it up nor fill the log.
 */

const SECRET = 'only-telegram-knows';
const PATH = '/telegram/hook';

let server: WebhookServer | undefined;
const sockets: Socket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await server?.close();
  server = undefined;
});

function logLines() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, destination), lines };
}

async function start(options: Partial<WebhookOptions> = {}) {
  const stored: Update[] = [];
  const { logger, lines } = logLines();
  const inbox = { add: (updates: Update[]) => stored.push(...updates), watch: createMessageWatch({ logger }) } as unknown as Inbox;
  server = await startWebhookServer({ inbox, logger, port: 0, host: '127.0.0.1', path: PATH, secret: SECRET, ...options });
  return { stored, lines, port: server.port };
}

/** A raw connection, and a promise that settles when the server closes it. */
async function open(port: number) {
  const socket = connect(port, '127.0.0.1');
  sockets.push(socket);
  // Read what the server says (a 408, say): a paused socket never sees the end that closes it.
  socket.resume();
  const closed = new Promise<number>((resolve) => {
    const opened = Date.now();
    socket.on('close', () => resolve(Date.now() - opened));
    socket.on('error', () => undefined);
  });
  // Connected, or already closed (a busy machine may take longer to say which than the server takes to cut).
  await Promise.race([new Promise<void>((resolve) => socket.once('connect', resolve)), closed]);
  return { socket, closed };
}

const post = (port: number, secret: string) =>
  fetch(`http://127.0.0.1:${port}${PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret },
    body: JSON.stringify({ update_id: 1 }),
  });

describe('the webhook server', () => {
  it('cuts off a client that sends its headers slowly', async () => {
    const { port } = await start({ requestTimeoutMs: 500 });
    const { socket, closed } = await open(port);
    socket.write(`POST ${PATH} HTTP/1.1\r\nHost: bot\r\n`);
    const trickle = setInterval(() => socket.write('X-Slow: 1\r\n'), 100);
    try {
      // Cut within the timeout and Node's 1 s check, not after Node's default minute.
      expect(await closed).toBeLessThan(10_000);
    } finally {
      clearInterval(trickle);
    }
  }, 20_000);

  it('cuts off a client that connects and says nothing', async () => {
    const { port } = await start({ requestTimeoutMs: 500 });
    const { closed } = await open(port);
    // Well within Node's default of minutes, with room for a busy machine.
    expect(await closed).toBeLessThan(10_000);
  }, 20_000);

  it('closes connections past its cap at once, and still serves Telegram when one is free', async () => {
    const { port, stored } = await start({ maxConnections: 2 });
    const first = await open(port);
    await open(port);
    const third = await open(port);
    expect(await third.closed).toBeLessThan(2_000);
    first.socket.destroy();
    await first.closed;
    expect((await post(port, SECRET)).status).toBe(200);
    expect(stored.map((u) => u.update_id)).toContain(1);
  });

  it('logs many requests with a wrong secret as one line, then one with their count a minute later', async () => {
    // Long enough for fifty requests on a busy machine to fall inside one interval.
    const { port, lines, stored } = await start({ refusalLogIntervalMs: 3_000 });
    for (let i = 0; i < 50; i++) expect((await post(port, `guess-${i}`)).status).toBe(401);
    const refusals = () => lines.filter((line) => String(line['msg']).startsWith('webhook refused'));
    expect(refusals()).toHaveLength(1);
    expect(refusals()[0]).toMatchObject({ count: 1, refused: { 'wrong secret token': 1 } });
    await until(() => refusals().length === 2, 'the counted line');
    expect(refusals()[1]).toMatchObject({ count: 49, refused: { 'wrong secret token': 49 } });
    expect(stored).toEqual([]);
  });
});
