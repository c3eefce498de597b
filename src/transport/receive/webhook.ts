import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Update } from 'grammy/types';
import type { Logger } from '../../logger.js';
import { MAX_BACKLOG, type Inbox } from './inbox.js';

/*
 * Webhook mode: Telegram POSTs each update to us. The update is written to
 * the inbox and answered 200 before it is handled, so Telegram's delivery
 * never waits for a resident's reply. grammY's webhookCallback was not used:
 * it handles the update inside the request and answers afterwards.
 *
 * A request without the secret token given to setWebhook gets 401: only
 * Telegram knows it, so nobody else can forge updates to us.
 *
 * While the inbox's backlog is full (the cap at which polling pauses), an
 * update gets 503 and is not stored: Telegram keeps it and posts it again,
 * so a flood waits at Telegram rather than in our memory, as with polling.
 *
 * The server faces the internet: a client sending its request slowly is cut
 * off after about 10 s, connections are capped, and refusals are logged at
 * most once a minute with a count, so nobody can fill the log.
 */

export interface WebhookOptions {
  inbox: Inbox;
  logger: Logger;
  port: number;
  /** The path Telegram posts to, e.g. /telegram/webhook. */
  path: string;
  secret: string;
  /** Interface to listen on; all by default. */
  host?: string | undefined;
  /** Time a client has to send its headers, and its whole request; default 10 s. */
  requestTimeoutMs?: number;
  /** Open connections at most; default 100 (Telegram opens at most 100, 40 unless told otherwise). */
  maxConnections?: number;
  /** Refusals are logged at most this often; default a minute. */
  refusalLogIntervalMs?: number;
  /** Updates get 503 while the inbox's backlog is this large (Telegram posts them again); default MAX_BACKLOG. */
  maxPending?: number;
}

export interface WebhookServer {
  /** The port listened on (useful when 0 was asked for). */
  port: number;
  /** Stops accepting requests; resolves when the open ones are answered. */
  close(): Promise<void>;
}

export const REQUEST_TIMEOUT_MS = 10_000;
export const MAX_CONNECTIONS = 100;
const REFUSAL_LOG_INTERVAL_MS = 60_000;

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

/**
 * Counts refused requests by reason and writes one line for them at most once
 * per interval: the first refusal at once, those that follow within the
 * interval in a line at its end.
 */
function createRefusalLog(logger: Logger, intervalMs: number) {
  let counts = new Map<string, number>();
  let quiet: NodeJS.Timeout | undefined;
  const write = () => {
    const refused = Object.fromEntries(counts);
    const count = [...counts.values()].reduce((sum, n) => sum + n, 0);
    counts = new Map();
    logger.warn({ refused, count }, `webhook refused ${count} request(s): ${Object.keys(refused).join(', ')}`);
  };
  // After a line, the next waits for the end of the interval, and comes only if there was a refusal.
  const startQuiet = () => {
    quiet = setTimeout(() => {
      quiet = undefined;
      if (counts.size > 0) {
        write();
        startQuiet();
      }
    }, intervalMs).unref();
  };
  return {
    refused(reason: string) {
      counts.set(reason, (counts.get(reason) ?? 0) + 1);
      if (quiet !== undefined) return;
      write();
      startQuiet();
    },
    /** Writes what is counted (on close), so no refusal goes unmentioned. */
    close() {
      clearTimeout(quiet);
      if (counts.size > 0) write();
    },
  };
}

export async function startWebhookServer(options: WebhookOptions): Promise<WebhookServer> {
  const { inbox, logger, path, secret } = options;
  const maxPending = options.maxPending ?? MAX_BACKLOG;
  // Updates are pushed: repairs that wait for a fetch wait a fixed while instead (message-watch.ts).
  inbox.watch.useWebhook();
  const refusals = createRefusalLog(logger, options.refusalLogIntervalMs ?? REFUSAL_LOG_INTERVAL_MS);
  const refuse = (res: ServerResponse, status: number, text: string, reason: string) => {
    refusals.refused(reason);
    answer(res, status, text);
  };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== path) return refuse(res, 404, 'not found', 'unknown path');
    if (req.method !== 'POST') return refuse(res, 405, 'POST only', 'not a POST');
    if (!sameSecret(req.headers[SECRET_HEADER], secret)) return refuse(res, 401, 'unauthorized', 'wrong secret token');
    let update: unknown;
    try {
      update = JSON.parse((await readBody(req)).toString('utf8'));
    } catch (error) {
      if (error instanceof RequestTooLarge) return refuse(res, 413, 'too large', 'too large');
      return refuse(res, 400, 'not JSON', 'not JSON');
    }
    if (!isUpdate(update)) return refuse(res, 400, 'not an update', 'not an update');
    // Without this the webhook took every update however full the inbox was; a non-2xx makes Telegram keep it.
    if (inbox.backlog() >= maxPending) return refuse(res, 503, 'busy, try again', 'the inbox is full');
    // Stored before the 200: once Telegram hears 200 it will not send this update again.
    inbox.add([update]);
    answer(res, 200);
  };

  const requestTimeout = options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
  const server = createServer({
    headersTimeout: requestTimeout,
    requestTimeout,
    // Node checks the two timeouts above this often (30 s by default).
    connectionsCheckingInterval: Math.min(1_000, requestTimeout),
  }, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      // The database could not take it: Telegram will send the update again.
      logger.error({ err: error }, 'webhook update could not be stored');
      if (!res.headersSent) answer(res, 500, 'try again');
      else res.destroy();
    });
  });
  // Connections past the cap are closed at once; a connection silent this long is closed too.
  server.maxConnections = options.maxConnections ?? MAX_CONNECTIONS;
  server.timeout = requestTimeout;
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
        refusals.close();
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
