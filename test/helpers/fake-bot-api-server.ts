import { Buffer } from 'node:buffer';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Update } from 'grammy/types';
import type { ApiFailure, ApiResult, FakeTelegram, Params, UploadedFile } from './fake-telegram.js';

export interface FakeBotApiServer {
  /** Pass as `client: { apiRoot }` to grammY's Bot. */
  apiRoot: string;
  /** Updates delivered but not yet confirmed by the bot. */
  pending(): number;
  close(): Promise<void>;
}

export interface FakeBotApiOptions {
  token?: string;
  /** How long a user action waits for the bot to confirm its update. */
  confirmTimeoutMs?: number;
}

const MAX_BODY_BYTES = 60 * 1024 * 1024;

export async function startFakeBotApi(
  telegram: FakeTelegram,
  options: FakeBotApiOptions = {},
): Promise<FakeBotApiServer> {
  const token = options.token ?? telegram.token;
  const queue = new UpdateQueue(options.confirmTimeoutMs ?? 15_000);
  const server = createServer((req, res) => {
    void handleRequest(req, res, { token, telegram, queue });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const delivery = (update: Update): Promise<void> => queue.push(update);
  telegram.setDelivery(delivery);
  const { port } = server.address() as AddressInfo;

  let closed: Promise<void> | undefined;
  return {
    apiRoot: `http://127.0.0.1:${port}`,
    pending: () => queue.size,
    close: () => {
      closed ??= (async () => {
        telegram.setDelivery(undefined);
        queue.shutdown();
        const done = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await done;
      })();
      return closed;
    },
  };
}

// ---------------------------------------------------------------- requests

interface Context {
  token: string;
  telegram: FakeTelegram;
  queue: UpdateQueue;
}

async function handleRequest(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: Context,
): Promise<void> {
  try {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const route = /^\/bot([^/]+)\/(?:test\/)?([A-Za-z0-9_]+)\/?$/.exec(url.pathname);
    const [, token, method] = route ?? [];
    if (token === undefined || method === undefined) {
      return respond(res, { ok: false, error_code: 404, description: 'Not Found' });
    }
    if (token !== ctx.token) {
      return respond(res, { ok: false, error_code: 401, description: 'Unauthorized' });
    }
    const params: Params = { ...Object.fromEntries(url.searchParams), ...(await readParams(req)) };
    const result =
      method.toLowerCase() === 'getupdates'
        ? await ctx.queue.getUpdates(params, res)
        : ctx.telegram.call(method, params);
    respond(res, result);
  } catch (error) {
    // A 500 means a bug in the fake itself, not something Telegram would say.
    const bad = error instanceof BadBody;
    const description = bad ? `Bad Request: ${error.message}` : `Internal Server Error: ${String(error)}`;
    respond(res, { ok: false, error_code: bad ? 400 : 500, description });
  }
}

function respond(res: ServerResponse, result: ApiResult): void {
  if (res.writableEnded || res.destroyed) return;
  const status = result.ok ? 200 : result.error_code;
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(result));
}

class BadBody extends Error {}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new BadBody('request body is too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

async function readParams(req: IncomingMessage): Promise<Params> {
  const body = await readBody(req);
  if (body.length === 0) return {};
  const contentType = req.headers['content-type'] ?? '';
  if (/^application\/json/i.test(contentType)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      throw new BadBody("can't parse JSON request body");
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new BadBody('request body must be a JSON object');
    }
    return parsed as Params;
  }
  if (/^application\/x-www-form-urlencoded/i.test(contentType)) {
    return Object.fromEntries(new URLSearchParams(body.toString('utf8')));
  }
  if (/^multipart\/form-data/i.test(contentType)) {
    const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
    const value = boundary?.[1] ?? boundary?.[2];
    if (value === undefined) throw new BadBody('multipart boundary is missing');
    return parseMultipart(body, value);
  }
  throw new BadBody(`unsupported content type "${contentType}"`);
}

// ---------------------------------------------------------------- multipart
// Own parser because grammY writes `filename=` unquoted, which general
// parsers may reject or mangle.

export function parseMultipart(body: Buffer, boundary: string): Params {
  const fields: Record<string, string> = {};
  const files: Record<string, UploadedFile> = {};
  const separator = Buffer.from(`\r\n--${boundary}`);
  // Prefix a CRLF so the first delimiter looks like the others.
  const data = Buffer.concat([Buffer.from('\r\n'), body]);
  let position = data.indexOf(separator);
  while (position !== -1) {
    let start = position + separator.length;
    if (data.subarray(start, start + 2).toString('latin1') === '--') break;
    if (data.subarray(start, start + 2).toString('latin1') === '\r\n') start += 2;
    const end = data.indexOf(separator, start);
    if (end === -1) throw new BadBody('unterminated multipart body');
    addPart(data.subarray(start, end), fields, files);
    position = end;
  }
  return resolveAttachments(fields, files);
}

function addPart(
  part: Buffer,
  fields: Record<string, string>,
  files: Record<string, UploadedFile>,
): void {
  const headerEnd = part.indexOf('\r\n\r\n');
  if (headerEnd === -1) throw new BadBody('multipart part without headers');
  const headers = part.subarray(0, headerEnd).toString('utf8').split('\r\n');
  const content = part.subarray(headerEnd + 4);
  const header = headers.find((h) => /^content-disposition\s*:/i.test(h)) ?? '';
  const disposition = header.replace(/^[^:]*:\s*/, '');
  const name = dispositionParam(disposition, 'name');
  if (name === undefined) throw new BadBody('multipart part without a name');
  const filename = dispositionParam(disposition, 'filename');
  if (filename === undefined) fields[name] = content.toString('utf8');
  else files[name] = { filename, data: Buffer.from(content) };
}

function dispositionParam(disposition: string, key: string): string | undefined {
  const quoted = new RegExp(`(?:^|;)\\s*${key}="([^"]*)"`, 'i').exec(disposition);
  if (quoted) return quoted[1];
  return new RegExp(`(?:^|;)\\s*${key}=([^;]*)`, 'i').exec(disposition)?.[1]?.trim();
}

/** grammY sends `document=attach://<id>` plus a file part named <id>. */
function resolveAttachments(
  fields: Record<string, string>,
  files: Record<string, UploadedFile>,
): Params {
  const params: Params = {};
  const attached = new Set<string>();
  for (const [name, value] of Object.entries(fields)) {
    const id = /^attach:\/\/(.+)$/.exec(value)?.[1];
    const file = id === undefined ? undefined : files[id];
    if (id !== undefined && file) attached.add(id);
    params[name] = file ?? value;
  }
  for (const [name, file] of Object.entries(files)) {
    if (!attached.has(name)) params[name] = file;
  }
  return params;
}

// ---------------------------------------------------------------- updates

interface Queued {
  update: Update;
  settled: boolean;
  resolve(): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

interface HeldRequest {
  limit: number;
  finish(result: ApiResult): void;
}

// Telegram's default when allowed_updates is empty.
const DEFAULT_EXCLUDED = new Set(['chat_member', 'message_reaction', 'message_reaction_count']);

const CONFLICT: ApiFailure = {
  ok: false,
  error_code: 409,
  description:
    'Conflict: terminated by other getUpdates request; ' +
    'make sure that only one bot instance is running',
};

function updateType(update: Update): string {
  return Object.keys(update).find((key) => key !== 'update_id') ?? 'unknown';
}

class UpdateQueue {
  private queued: Queued[] = [];
  private held: HeldRequest | undefined;
  private allowed: Set<string> | undefined;

  constructor(private readonly confirmTimeoutMs: number) {}

  get size(): number {
    return this.queued.length;
  }

  /** Resolves once the bot confirms the update via a later getUpdates offset. */
  push(update: Update): Promise<void> {
    return new Promise((resolve, reject) => {
      const entry: Queued = {
        update,
        settled: false,
        resolve: () => settle(() => resolve()),
        reject: (error) => settle(() => reject(error)),
        timer: setTimeout(() => {
          const ms = this.confirmTimeoutMs;
          entry.reject(new Error(`update ${update.update_id} was not confirmed by the bot within ${ms} ms`));
        }, this.confirmTimeoutMs),
      };
      const settle = (fn: () => void): void => {
        if (entry.settled) return;
        entry.settled = true;
        clearTimeout(entry.timer);
        fn();
      };
      this.queued.push(entry);
      this.wakeHeld();
    });
  }

  async getUpdates(params: Params, res: ServerResponse): Promise<ApiResult> {
    const offset = intParam(params.offset) ?? 0;
    const limit = Math.min(Math.max(intParam(params.limit) ?? 100, 1), 100);
    const timeoutSeconds = Math.max(intParam(params.timeout) ?? 0, 0);
    this.setAllowedUpdates(params.allowed_updates);
    this.confirm(offset);
    if (this.held) this.held.finish(CONFLICT);
    const ready = this.deliverable(limit);
    if (ready.length > 0 || timeoutSeconds === 0) return { ok: true, result: ready };
    return new Promise((resolve) => {
      const held: HeldRequest = {
        limit,
        finish: (result) => {
          if (this.held === held) this.held = undefined;
          clearTimeout(timer);
          resolve(result);
        },
      };
      const timer = setTimeout(() => held.finish({ ok: true, result: [] }), timeoutSeconds * 1000);
      this.held = held;
      // The bot aborts its long poll on stop(): forget the request.
      res.once('close', () => held.finish({ ok: true, result: [] }));
    });
  }

  shutdown(): void {
    this.held?.finish({ ok: true, result: [] });
    for (const entry of this.queued) {
      const id = entry.update.update_id;
      entry.reject(new Error(`fake Bot API server closed before update ${id} was confirmed`));
    }
    this.queued = [];
  }

  private wakeHeld(): void {
    if (!this.held) return;
    const ready = this.deliverable(this.held.limit);
    if (ready.length > 0) this.held.finish({ ok: true, result: ready });
  }

  /** Confirms (drops) updates below offset; a negative offset keeps only the last -offset. */
  private confirm(offset: number): void {
    let keepFrom = 0;
    if (offset > 0) keepFrom = this.queued.findIndex((q) => q.update.update_id >= offset);
    else if (offset < 0) keepFrom = Math.max(this.queued.length + offset, 0);
    if (keepFrom === -1) keepFrom = this.queued.length;
    const confirmed = this.queued.slice(0, keepFrom);
    this.queued = this.queued.slice(keepFrom);
    for (const entry of confirmed) entry.resolve();
  }

  private deliverable(limit: number): Update[] {
    // Updates the bot did not subscribe to are never delivered by Telegram; fail loudly instead.
    this.queued = this.queued.filter((entry) => {
      const type = updateType(entry.update);
      const allowed = this.allowed ? this.allowed.has(type) : !DEFAULT_EXCLUDED.has(type);
      if (!allowed) {
        const id = entry.update.update_id;
        entry.reject(new Error(`update ${id} (${type}) is not in the bot's allowed_updates`));
      }
      return allowed;
    });
    return this.queued.slice(0, limit).map((entry) => entry.update);
  }

  private setAllowedUpdates(value: unknown): void {
    let list = value;
    if (typeof value === 'string') {
      try {
        list = JSON.parse(value) as unknown;
      } catch {
        return;
      }
    }
    if (!Array.isArray(list)) return;
    this.allowed = list.length === 0 ? undefined : new Set(list.map(String));
  }
}

function intParam(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return Number(value);
  return undefined;
}
