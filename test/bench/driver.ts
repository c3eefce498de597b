import type { Message } from 'grammy/types';
import type { ApiCall, FakeTelegram, FakeUser } from '../helpers/fake-telegram.js';

/*
 * Simulated residents, driven directly: an action puts its update in the fake
 * server's queue (available to the bot's next getUpdates at once) without
 * waiting for the bot to confirm it, and the resident waits for the bot's
 * reply to its chat as it arrives at the fake server. Latency is the time
 * between those two moments.
 *
 * One listener on the fake serves every resident (a map from chat to the one
 * reply it waits for), so the harness does O(1) work per Bot API call.
 */

export type Expect =
  /** The next question or the summary: a message with buttons, sent or (after a press) edited in place. */
  | { kind: 'prompt' }
  /** The next sendMessage of any kind. */
  | { kind: 'message' }
  /** An editMessageText of this message (a multi question's toggle). */
  | { kind: 'edit'; messageId: number };

export interface Reply {
  call: ApiCall;
  at: number;
}

interface Waiter {
  expect: Expect;
  resolve(reply: Reply): void;
  reject(error: Error): void;
}

export class Stopped extends Error {}

/** Every Bot API call the bot makes, counted, and the replies residents wait for. */
export class Replies {
  private readonly waiting = new Map<number, Waiter>();
  private detached = false;
  lastReplyAt = performance.now();
  /** Calls per method (getUpdates is the server's own and not seen here). */
  readonly methods = new Map<string, number>();
  refused: { method: string; description: string }[] = [];
  /** performance.now() of every call that names a chat (what the throttler limits). */
  readonly chatCalls: number[] = [];
  /** performance.now() of every sendMessage. */
  readonly sendMessages: number[] = [];
  counting = false;

  constructor(private readonly telegram: FakeTelegram) {
    const forever = 24 * 3600_000;
    telegram
      .waitForCall((call) => {
        if (this.detached) return true;
        this.onCall(call);
        return false;
      }, forever)
      .catch(() => undefined);
    // The fake keeps every call and update for inspection; a benchmark does not need them.
    this.trim = setInterval(() => {
      telegram.calls.length = 0;
      telegram.updates.length = 0;
    }, 1000);
    this.trim.unref();
  }

  private readonly trim: NodeJS.Timeout;

  resetCounts(): void {
    this.methods.clear();
    this.refused = [];
    this.chatCalls.length = 0;
    this.sendMessages.length = 0;
  }

  get pending(): number {
    return this.waiting.size;
  }

  wait(chatId: number, expect: Expect): Promise<Reply> {
    if (this.waiting.has(chatId)) return Promise.reject(new Error(`chat ${chatId} already waits for a reply`));
    return new Promise((resolve, reject) => this.waiting.set(chatId, { expect, resolve, reject }));
  }

  fail(chatId: number, error: Error): void {
    const waiter = this.waiting.get(chatId);
    if (!waiter) return;
    this.waiting.delete(chatId);
    waiter.reject(error);
  }

  failAll(error: Error): void {
    const waiters = [...this.waiting.values()];
    this.waiting.clear();
    for (const waiter of waiters) waiter.reject(error);
  }

  detach(): void {
    this.detached = true;
    clearInterval(this.trim);
    this.failAll(new Stopped('detached'));
    // Lets the listener see `detached` and remove itself.
    this.telegram.call('getMe');
  }

  private onCall(call: ApiCall): void {
    const at = performance.now();
    if (this.counting) {
      this.methods.set(call.method, (this.methods.get(call.method) ?? 0) + 1);
      if (!call.result.ok) this.refused.push({ method: call.method, description: call.result.description });
    }
    const chat = call.params['chat_id'];
    if (chat === undefined) return;
    const chatId = Number(chat);
    if (this.counting) {
      this.chatCalls.push(at);
      if (call.method === 'sendMessage') this.sendMessages.push(at);
    }
    const waiter = this.waiting.get(chatId);
    if (!waiter || !call.result.ok || !matches(call, waiter.expect)) return;
    this.waiting.delete(chatId);
    this.lastReplyAt = at;
    waiter.resolve({ call, at });
  }
}

function matches(call: ApiCall, expect: Expect): boolean {
  switch (expect.kind) {
    case 'prompt':
      return (call.method === 'sendMessage' || call.method === 'editMessageText') && call.params['reply_markup'] !== undefined;
    case 'message':
      return call.method === 'sendMessage';
    case 'edit':
      return call.method === 'editMessageText' && Number(call.params['message_id']) === expect.messageId;
  }
}

export interface Button {
  text: string;
  data: string;
}

export function buttonsOf(call: ApiCall): Button[] {
  let markup = call.params['reply_markup'];
  if (typeof markup === 'string') markup = JSON.parse(markup) as unknown;
  const rows = (markup as { inline_keyboard?: { text: string; callback_data?: string }[][] } | undefined)
    ?.inline_keyboard;
  const buttons: Button[] = [];
  for (const row of rows ?? []) {
    for (const b of row) if (b.callback_data !== undefined) buttons.push({ text: b.text, data: b.callback_data });
  }
  return buttons;
}

export function messageIdOf(call: ApiCall): number {
  if (!call.result.ok) throw new Error(`${call.method} failed`);
  return (call.result.result as Message).message_id;
}

export interface Labels {
  back: string;
  skip: string;
  done: string;
  submit: string;
}

export interface RunStats {
  /** ms from an update being made available to the bot's reply, per update. */
  latencies: number[];
  updates: number;
  completed: number;
  /** performance.now() when each resident saw the thanks. */
  completedAt: number[];
}

export interface ResidentPlan {
  /** Stop after this many answers (left in progress); default: answer everything and submit. */
  answers?: number;
  /** Stop acting once this returns true (a time-boxed run). */
  stopped?: () => boolean;
  suggestion: string;
}

/**
 * One resident: /start, then answers whatever is asked the way a person
 * would (the first option; a multi question's first option, then Done; a
 * line of text), and Submit at the summary.
 */
export async function runResident(
  user: FakeUser,
  replies: Replies,
  labels: Labels,
  stats: RunStats,
  plan: ResidentPlan,
): Promise<void> {
  const chatId = user.chatId;
  const navigation = new Set([labels.back, labels.skip, labels.done, labels.submit]);

  const act = async (fire: () => Promise<void>, expect: Expect): Promise<Reply> => {
    if (plan.stopped?.()) throw new Stopped('time is up');
    const reply = replies.wait(chatId, expect);
    const started = performance.now();
    // The update is in the server's queue when fire() returns; its confirmation is not awaited.
    fire().catch((error: unknown) => {
      if (error instanceof Error && /confirmed|closed/.test(error.message)) return;
      replies.fail(chatId, error instanceof Error ? error : new Error(String(error)));
    });
    stats.updates++;
    const got = await reply;
    stats.latencies.push(got.at - started);
    return got;
  };

  let prompt = await act(() => user.send('/start'), { kind: 'prompt' });
  let answered = 0;
  for (let step = 0; step < 100; step++) {
    if (plan.answers !== undefined && answered >= plan.answers) return;
    const buttons = buttonsOf(prompt.call);
    const messageId = messageIdOf(prompt.call);
    const submit = buttons.find((b) => b.text === labels.submit);
    if (submit) {
      await act(() => user.pressData(submit.data, messageId), { kind: 'message' });
      stats.completed++;
      stats.completedAt.push(performance.now());
      return;
    }
    const option = buttons.find((b) => !navigation.has(b.text) && !b.text.startsWith('✅ ') && !b.text.startsWith('✓ '));
    const done = buttons.find((b) => b.text === labels.done);
    if (option && done) {
      const toggled = await act(() => user.pressData(option.data, messageId), { kind: 'edit', messageId });
      const doneNow = buttonsOf(toggled.call).find((b) => b.text === labels.done) ?? done;
      prompt = await act(() => user.pressData(doneNow.data, messageId), { kind: 'prompt' });
    } else if (option) {
      prompt = await act(() => user.pressData(option.data, messageId), { kind: 'prompt' });
    } else {
      prompt = await act(() => user.send(plan.suggestion), { kind: 'prompt' });
    }
    answered++;
  }
  throw new Error(`resident ${chatId} never reached the summary`);
}
