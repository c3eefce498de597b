import { Buffer } from 'node:buffer';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Update } from 'grammy/types';
import type { ApiFailure, ApiResult, FakeTelegram, Params, UploadedFile } from './fake-telegram.js';
import { hash32, seededRandom } from './random.js';

export interface FakeBotApiServer {
  /** Pass as `client: { apiRoot }` to grammY's Bot. */
  apiRoot: string;
  /** Updates delivered but not yet confirmed by the bot. */
  pending(): number;
  /** How many distinct updates were handed to the bot, and how many of them more than once (after a crash, say). */
  deliveries(): { delivered: number; redelivered: number };
  /**
   * Replaces the fault plan (undefined: no more random faults). Faults happen
   * at the HTTP level, so they never show up in `telegram.calls` — except a
   * `drop-after`, whose call is applied (and recorded) before the response is lost.
   */
  faults(plan: FaultPlan | undefined): void;
  /** Makes the next `times` calls of `method` (optionally in one chat) fail with `kind`, whatever the plan. */
  failNext(method: string, kind: FaultKind, options?: { times?: number; chatId?: number; retryAfter?: number }): void;
  /** No more faults: drops the plan and whatever `failNext` had left to inject. */
  clearFaults(): void;
  /** Every fault injected so far, in order. */
  readonly injected: readonly InjectedFault[];
  /**
   * After the bot confirmed an update (a later getUpdates offset, or 200 to a
   * webhook post), a user action also waits for this, e.g. `inboxProbe`: the
   * bot confirms as soon as the update is stored, before it is handled.
   */
  setHandledProbe(probe: ((updateId: number) => Promise<void>) | undefined): void;
  /**
   * getUpdates calls that came while another was still open on the server's
   * side: held, or aborted by the bot less than a second ago (Telegram does
   * not notice an abort at once, and answers such a call with 409 Conflict).
   */
  overlappingPolls(): number;
  /** The webhook the bot set (url and secret), if any. */
  webhook(): { url: string; secret: string | undefined } | undefined;
  /** Every POST of an update to the bot's webhook, with the HTTP status it got (0: no answer). */
  readonly webhookPosts: readonly { updateId: number; status: number }[];
  /** How many faults of each kind were injected so far. */
  faultCounts(): Record<FaultKind, number>;
  close(): Promise<void>;
}

export interface FakeBotApiOptions {
  token?: string;
  /** How long a user action waits for the bot to confirm its update. */
  confirmTimeoutMs?: number;
  /** Faults from the start (see `server.faults()`). */
  faults?: FaultPlan;
}

/**
 * What goes wrong between the bot and Telegram:
 * - `429`: Too Many Requests with `parameters.retry_after`;
 * - `500`: Internal Server Error;
 * - `drop-before`: the connection is destroyed and the call is not applied;
 * - `drop-after`: the call is applied, then the connection is destroyed, so
 *   the bot never learns that it worked (the nasty case: a retry repeats it).
 */
export type FaultKind = '429' | '500' | 'drop-before' | 'drop-after';
export const FAULT_KINDS: readonly FaultKind[] = ['429', '500', 'drop-before', 'drop-after'];

/**
 * Random faults, reproducible: whether the n-th call of a method in a chat
 * fails is a function of (seed, method, chat, n), so the same plan injects
 * the same faults into a chat's calls however the chats interleave.
 */
export interface FaultPlan {
  /** Default 1. Print it in tests so a failure can be replayed. */
  seed?: number;
  /** Share (0–1) of calls answered with each kind of fault. */
  rates?: Partial<Record<FaultKind, number>>;
  /**
   * Bursts: extra rates for the calls whose number n (the n-th call of that
   * method in that chat, from 1) lies in [from, to]. Residents who move at a
   * similar pace reach the same n at about the same time, so a storm hits many
   * chats at once, as a network outage does.
   */
  storms?: readonly FaultStorm[];
  /** At most this many faults of a kind (random ones; `failNext` is not counted against it). */
  max?: Partial<Record<FaultKind, number>>;
  /** `retry_after` of injected 429s, in seconds (default 1). */
  retryAfter?: number;
  /** Added latency of every affected call: a fixed number of ms, or a [min, max] range. */
  latencyMs?: number | readonly [number, number];
  /** Only these methods (case-insensitive); default every method but getUpdates. */
  methods?: readonly string[];
  /** getUpdates is spared unless this is true, so tests stay fast. */
  includeGetUpdates?: boolean;
}

export interface FaultStorm {
  from: number;
  to: number;
  rates: Partial<Record<FaultKind, number>>;
  /** Only these methods; default the plan's. */
  methods?: readonly string[];
}

export interface InjectedFault {
  kind: FaultKind;
  method: string;
  chatId: number | undefined;
  at: number;
  /** For `drop-after`: the index in `telegram.calls` of the call that was applied. */
  callIndex?: number;
}

const MAX_BODY_BYTES = 60 * 1024 * 1024;

export async function startFakeBotApi(
  telegram: FakeTelegram,
  options: FakeBotApiOptions = {},
): Promise<FakeBotApiServer> {
  const token = options.token ?? telegram.token;
  const queue = new UpdateQueue(options.confirmTimeoutMs ?? 15_000);
  const faults = new FaultInjector(options.faults);
  const server = createServer((req, res) => {
    void handleRequest(req, res, { token, telegram, queue, faults });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  let handledProbe: ((updateId: number) => Promise<void>) | undefined;
  const delivery = async (update: Update): Promise<void> => {
    await queue.push(update);
    await handledProbe?.(update.update_id);
  };
  telegram.setDelivery(delivery);
  const { port } = server.address() as AddressInfo;

  let closed: Promise<void> | undefined;
  return {
    apiRoot: `http://127.0.0.1:${port}`,
    pending: () => queue.size,
    deliveries: () => queue.deliveries(),
    faults: (plan) => faults.setPlan(plan),
    failNext: (method, kind, opts = {}) => faults.failNext(method, kind, opts.times ?? 1, opts.chatId, opts.retryAfter),
    clearFaults: () => faults.clear(),
    get injected() {
      return faults.log;
    },
    faultCounts: () => faults.counts(),
    setHandledProbe: (probe) => {
      handledProbe = probe;
    },
    webhook: () => queue.webhookInfo(),
    overlappingPolls: () => queue.overlaps,
    get webhookPosts() {
      return queue.webhookPosts;
    },
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
  faults: FaultInjector;
}

async function handleRequest(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: Context,
): Promise<void> {
  try {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const download = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
    if (download) return serveFile(res, ctx, download[1]!, download[2]!);
    const route = /^\/bot([^/]+)\/(?:test\/)?([A-Za-z0-9_]+)\/?$/.exec(url.pathname);
    const [, token, method] = route ?? [];
    if (token === undefined || method === undefined) {
      return respond(res, { ok: false, error_code: 404, description: 'Not Found' });
    }
    if (token !== ctx.token) {
      return respond(res, { ok: false, error_code: 401, description: 'Unauthorized' });
    }
    const params: Params = { ...Object.fromEntries(url.searchParams), ...(await readParams(req)) };
    const isGetUpdates = method.toLowerCase() === 'getupdates';
    const fault = ctx.faults.decide(method, params);
    if (fault.latencyMs > 0) await sleep(fault.latencyMs);
    switch (fault.kind) {
      case '429':
      case '500':
        return respond(res, ctx.faults.failure(fault.kind, fault.retryAfter));
      case 'drop-before':
        return drop(res);
    }
    const name = method.toLowerCase();
    const result = isGetUpdates
      ? await ctx.queue.getUpdates(params, res)
      : WEBHOOK_METHODS.has(name)
        ? ctx.queue.webhookMethod(name, params)
        : ctx.telegram.call(method, params);
    if (fault.kind === 'drop-after') {
      if (!isGetUpdates) fault.record.callIndex = ctx.telegram.calls.length - 1;
      return drop(res);
    }
    respond(res, result);
  } catch (error) {
    // A 500 means a bug in the fake itself, not something Telegram would say.
    const bad = error instanceof BadBody;
    const description = bad ? `Bad Request: ${error.message}` : `Internal Server Error: ${String(error)}`;
    respond(res, { ok: false, error_code: bad ? 400 : 500, description });
  }
}

/** A file the bot downloads after getFile; Telegram answers 404 for a wrong token or path alike. */
function serveFile(res: ServerResponse, ctx: Context, token: string, encodedPath: string): void {
  let filePath: string | undefined;
  try {
    filePath = decodeURIComponent(encodedPath);
  } catch {
    filePath = undefined;
  }
  const data = token === ctx.token && filePath !== undefined ? ctx.telegram.fileAt(filePath) : undefined;
  if (!data) return respond(res, { ok: false, error_code: 404, description: 'Not Found' });
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': data.length });
  res.end(data);
}

/** The connection dies without an answer, as when the network drops it. */
function drop(res: ServerResponse): void {
  res.socket?.destroy();
  res.destroy();
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

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

// ---------------------------------------------------------------- faults

interface Decision {
  kind: FaultKind | undefined;
  latencyMs: number;
  record: InjectedFault;
  retryAfter?: number;
}

class FaultInjector {
  readonly log: InjectedFault[] = [];
  private plan: FaultPlan | undefined;
  private readonly sequence = new Map<string, number>();
  private readonly randomCounts = new Map<FaultKind, number>();
  private readonly forced: { method: string; kind: FaultKind; times: number; chatId?: number; retryAfter?: number }[] =
    [];

  constructor(plan: FaultPlan | undefined) {
    this.setPlan(plan);
  }

  setPlan(plan: FaultPlan | undefined): void {
    this.plan = plan;
    this.sequence.clear();
    this.randomCounts.clear();
  }

  clear(): void {
    this.setPlan(undefined);
    this.forced.length = 0;
  }

  failNext(method: string, kind: FaultKind, times: number, chatId?: number, retryAfter?: number): void {
    this.forced.push({
      method: method.toLowerCase(),
      kind,
      times,
      ...(chatId !== undefined ? { chatId } : {}),
      ...(retryAfter !== undefined ? { retryAfter } : {}),
    });
  }

  counts(): Record<FaultKind, number> {
    const counts = { '429': 0, '500': 0, 'drop-before': 0, 'drop-after': 0 };
    for (const entry of this.log) counts[entry.kind]++;
    return counts;
  }

  failure(kind: '429' | '500', retryAfterSeconds?: number): ApiFailure {
    if (kind === '500') return { ok: false, error_code: 500, description: 'Internal Server Error' };
    const retryAfter = retryAfterSeconds ?? this.plan?.retryAfter ?? 1;
    return {
      ok: false,
      error_code: 429,
      description: `Too Many Requests: retry after ${retryAfter}`,
      parameters: { retry_after: retryAfter },
    };
  }

  decide(method: string, params: Params): Decision {
    const name = method.toLowerCase();
    const chatId = intParam(params.chat_id);
    const record = (kind: FaultKind): InjectedFault => {
      const entry: InjectedFault = { kind, method, chatId, at: Date.now() };
      this.log.push(entry);
      return entry;
    };
    const none: Decision = { kind: undefined, latencyMs: 0, record: { kind: '500', method, chatId, at: 0 } };

    const forcedIndex = this.forced.findIndex(
      (f) => f.method === name && (f.chatId === undefined || f.chatId === chatId),
    );
    const forced = this.forced[forcedIndex];
    if (forced) {
      if (--forced.times <= 0) this.forced.splice(forcedIndex, 1);
      const retryAfter = forced.retryAfter !== undefined ? { retryAfter: forced.retryAfter } : {};
      return { kind: forced.kind, latencyMs: 0, record: record(forced.kind), ...retryAfter };
    }

    const plan = this.plan;
    if (!plan) return none;
    if (name === 'getupdates' && !plan.includeGetUpdates) return none;
    if (plan.methods && !plan.methods.some((m) => m.toLowerCase() === name)) return none;

    // The n-th call of this method in this chat gets its own random stream.
    const key = `${name}|${chatId ?? ''}`;
    const n = (this.sequence.get(key) ?? 0) + 1;
    this.sequence.set(key, n);
    const random = seededRandom(hash32(`${plan.seed ?? 1}|${key}|${n}`));

    const latency = plan.latencyMs ?? 0;
    const [low, high] = typeof latency === 'number' ? [latency, latency] : latency;
    const latencyMs = Math.round(low + (high - low) * random());

    const storms = (plan.storms ?? []).filter(
      (storm) =>
        n >= storm.from && n <= storm.to && (!storm.methods || storm.methods.some((m) => m.toLowerCase() === name)),
    );
    let roll = random();
    for (const kind of FAULT_KINDS) {
      const rate = storms.reduce((sum, storm) => sum + (storm.rates[kind] ?? 0), plan.rates?.[kind] ?? 0);
      if (roll < rate) {
        const used = this.randomCounts.get(kind) ?? 0;
        if (used >= (plan.max?.[kind] ?? Infinity)) break;
        this.randomCounts.set(kind, used + 1);
        return { kind, latencyMs, record: record(kind) };
      }
      roll -= rate;
    }
    return { ...none, latencyMs };
  }
}

// ---------------------------------------------------------------- updates

/** Handled by the update queue rather than FakeTelegram: they decide how updates are delivered. */
const WEBHOOK_METHODS = new Set(['setwebhook', 'deletewebhook', 'getwebhookinfo']);

const WEBHOOK_ACTIVE: ApiFailure = {
  ok: false,
  error_code: 409,
  description: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
};

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

interface Webhook {
  url: string;
  secret: string | undefined;
}

class UpdateQueue {
  private queued: Queued[] = [];
  private held: HeldRequest | undefined;
  private allowed: Set<string> | undefined;
  private hook: Webhook | undefined;
  private posting = false;
  private closed = false;
  private lastAbortAt = 0;
  overlaps = 0;
  readonly webhookPosts: { updateId: number; status: number }[] = [];
  /** Times each update was handed out in a getUpdates response. */
  private readonly handedOut = new Map<number, number>();

  constructor(private readonly confirmTimeoutMs: number) {}

  deliveries(): { delivered: number; redelivered: number } {
    let redelivered = 0;
    for (const times of this.handedOut.values()) if (times > 1) redelivered++;
    return { delivered: this.handedOut.size, redelivered };
  }

  private handOut(updates: Update[]): Update[] {
    for (const update of updates) this.handedOut.set(update.update_id, (this.handedOut.get(update.update_id) ?? 0) + 1);
    return updates;
  }

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

  webhookInfo(): Webhook | undefined {
    return this.hook ? { ...this.hook } : undefined;
  }

  /** setWebhook, deleteWebhook and getWebhookInfo, as Telegram (a local Bot API server) answers them. */
  webhookMethod(name: string, params: Params): ApiResult {
    if (name === 'getwebhookinfo') {
      return { ok: true, result: { url: this.hook?.url ?? '', has_custom_certificate: false, pending_update_count: this.queued.length } };
    }
    if (name === 'deletewebhook') {
      this.hook = undefined;
      if (params.drop_pending_updates === true || params.drop_pending_updates === 'true') this.confirm(Number.MAX_SAFE_INTEGER);
      return { ok: true, result: true };
    }
    const url = typeof params.url === 'string' ? params.url : '';
    if (url === '') {
      this.hook = undefined;
      return { ok: true, result: true };
    }
    if (!/^https?:\/\/[^\s/]+/.test(url)) return { ok: false, error_code: 400, description: 'Bad Request: bad webhook: invalid URL' };
    const secret = params.secret_token === undefined ? undefined : String(params.secret_token);
    if (secret !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secret)) {
      return { ok: false, error_code: 400, description: 'Bad Request: secret token contains unallowed characters' };
    }
    this.setAllowedUpdates(params.allowed_updates);
    if (params.drop_pending_updates === true || params.drop_pending_updates === 'true') this.confirm(Number.MAX_SAFE_INTEGER);
    // A long poll still waiting ends, as Telegram ends it.
    this.held?.finish(WEBHOOK_ACTIVE);
    this.hook = { url, secret };
    void this.post();
    return { ok: true, result: true };
  }

  /**
   * Posts queued updates to the webhook one at a time, in order; one that
   * gets no 2xx is posted again after a pause, as Telegram does.
   */
  private async post(): Promise<void> {
    if (this.posting) return;
    this.posting = true;
    let pause = 100;
    try {
      while (this.hook && !this.closed) {
        const [next] = this.deliverable(1);
        if (!next) break;
        const hook = this.hook;
        let status = 0;
        try {
          const response = await fetch(hook.url, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              ...(hook.secret !== undefined ? { 'x-telegram-bot-api-secret-token': hook.secret } : {}),
            },
            body: JSON.stringify(this.handOut([next])[0]),
            signal: AbortSignal.timeout(10_000),
          });
          status = response.status;
          await response.arrayBuffer();
        } catch {
          status = 0;
        }
        this.webhookPosts.push({ updateId: next.update_id, status });
        if (status >= 200 && status < 300) {
          this.confirmOne(next.update_id);
          pause = 100;
        } else {
          await sleep(pause);
          pause = Math.min(pause * 2, 2_000);
        }
      }
    } finally {
      this.posting = false;
    }
  }

  private confirmOne(updateId: number): void {
    const index = this.queued.findIndex((entry) => entry.update.update_id === updateId);
    const [entry] = index === -1 ? [] : this.queued.splice(index, 1);
    entry?.resolve();
  }

  async getUpdates(params: Params, res: ServerResponse): Promise<ApiResult> {
    if (this.hook) return WEBHOOK_ACTIVE;
    if (this.held || Date.now() - this.lastAbortAt < 1_000) this.overlaps++;
    const offset = intParam(params.offset) ?? 0;
    const limit = Math.min(Math.max(intParam(params.limit) ?? 100, 1), 100);
    const timeoutSeconds = Math.max(intParam(params.timeout) ?? 0, 0);
    this.setAllowedUpdates(params.allowed_updates);
    this.confirm(offset);
    if (this.held) this.held.finish(CONFLICT);
    const ready = this.deliverable(limit);
    if (ready.length > 0 || timeoutSeconds === 0) return { ok: true, result: this.handOut(ready) };
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
      res.once('close', () => {
        if (this.held === held) this.lastAbortAt = Date.now();
        held.finish({ ok: true, result: [] });
      });
    });
  }

  shutdown(): void {
    this.closed = true;
    this.held?.finish({ ok: true, result: [] });
    for (const entry of this.queued) {
      const id = entry.update.update_id;
      entry.reject(new Error(`fake Bot API server closed before update ${id} was confirmed`));
    }
    this.queued = [];
  }

  private wakeHeld(): void {
    if (this.hook) void this.post();
    if (!this.held) return;
    const ready = this.deliverable(this.held.limit);
    if (ready.length > 0) this.held.finish({ ok: true, result: this.handOut(ready) });
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
