import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Update } from 'grammy/types';
import type { Logger } from '../logger.js';
import type { Inbox } from './inbox.js';

/*
 * Webhook mode: Telegram POSTs each update to us. The update is written to
 * the inbox and answered 200 before it is handled, so Telegram's delivery
 * never waits for a resident's reply. grammY's webhookCallback was not used:
 * it handles the update inside the request and answers afterwards.
 *
 * A request without the secret token given to setWebhook gets 401: only
 * Telegram knows it, so nobody else can forge updates to us.
 */

export interface WebhookOptions {
  inbox: Inbox;
  logger: Logger;
  port: number;
  /** The path Telegram posts to, e.g. /telegram/webhook. */
  path: string;
  secret: string;
  /** Interface to listen on; all by default. */
  host?: string;
}

export interface WebhookServer {
  /** The port listened on (useful when 0 was asked for). */
  port: number;
  /** Stops accepting requests; resolves when the open ones are answered. */
  close(): Promise<void>;
}

/** Updates are a few kilobytes; anything far larger is not from Telegram. */
const MAX_BODY_BYTES = 1024 * 1024;

const SECRET_HEADER = 'x-telegram-bot-api-secret-token';

function sameSecret(given: string | string[] | undefined, secret: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

function isUpdate(value: unknown): value is Update {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Number.isSafeInteger((value as { update_id?: unknown }).update_id)
  );
}

class RequestTooLarge extends Error {}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new RequestTooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function answer(res: ServerResponse, status: number, text = ''): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...(status === 405 ? { allow: 'POST' } : {}) });
  res.end(text);
}

export async function startWebhookServer(options: WebhookOptions): Promise<WebhookServer> {
  const { inbox, logger, path, secret } = options;
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== path) return answer(res, 404, 'not found');
    if (req.method !== 'POST') return answer(res, 405, 'POST only');
    if (!sameSecret(req.headers[SECRET_HEADER], secret)) {
      logger.warn({ remote: req.socket.remoteAddress }, 'webhook request without the right secret token refused');
      return answer(res, 401, 'unauthorized');
    }
    let update: unknown;
    try {
      update = JSON.parse((await readBody(req)).toString('utf8'));
    } catch (error) {
      if (error instanceof RequestTooLarge) return answer(res, 413, 'too large');
      return answer(res, 400, 'not JSON');
    }
    if (!isUpdate(update)) return answer(res, 400, 'not an update');
    // Stored before the 200: once Telegram hears 200 it will not send this update again.
    inbox.add([update]);
    answer(res, 200);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // The database could not take it: Telegram will send the update again.
      logger.error({ err: error }, 'webhook update could not be stored');
      if (!res.headersSent) answer(res, 500, 'try again');
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
