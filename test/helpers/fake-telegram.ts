import { Buffer } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { InputFile } from 'grammy';
import type {
  BotCommand,
  CallbackQuery,
  Chat,
  InlineKeyboardButton,
  InlineKeyboardMarkup,
  Message,
  Update,
  User,
  UserFromGetMe,
} from 'grammy/types';
import { parseTelegramHtml, type HtmlEntity } from './telegram-html.js';

// ---------------------------------------------------------------- public types

export type ApiSuccess = { ok: true; result: unknown };
export type ApiFailure = {
  ok: false;
  error_code: number;
  description: string;
  parameters?: { retry_after?: number; migrate_to_chat_id?: number };
};
export type ApiResult = ApiSuccess | ApiFailure;
export type Params = Record<string, unknown>;

export interface ApiCall {
  method: string;
  params: Params;
  result: ApiResult;
  at: number;
}

/** A file as the fake stores it: uploaded bytes when we have them. */
export interface UploadedFile {
  filename: string;
  data?: Buffer;
}

export type MessageKind =
  | 'text'
  | 'document'
  | 'photo'
  | 'sticker'
  | 'voice'
  | 'location'
  | 'other';

/** One message of a chat as a human would see it. */
export interface ChatMessage {
  message_id: number;
  from: 'bot' | 'user';
  kind: MessageKind;
  /** Plain text after parsing (the caption for media). */
  text: string;
  /** Raw text as sent, when parse_mode was HTML. */
  html?: string;
  replyMarkup?: InlineKeyboardMarkup;
  document?: UploadedFile;
  photo?: UploadedFile;
  caption?: string;
  editCount: number;
  deleted: boolean;
}

export interface CallbackQueryRecord {
  id: string;
  chatId: number;
  messageId: number;
  fromId: number;
  data: string;
  answered: boolean;
  answer?: { text?: string; show_alert?: boolean; url?: string };
  /** When the press was made (epoch ms), and when it was answered. */
  at: number;
  answeredAt?: number;
}

export type Delivery = (update: Update) => Promise<void>;
export type KnownChat = Chat.PrivateChat | Chat.GroupChat | Chat.SupergroupChat;

export interface FakeTelegramOptions {
  botInfo?: UserFromGetMe;
  token?: string;
  firstUpdateId?: number;
  /** A button press not answered within this long is refused as Telegram refuses it ("query is too old"). */
  callbackQueryTtlMs?: number;
}

export const DEFAULT_BOT_INFO: UserFromGetMe = {
  id: 7000000001,
  is_bot: true,
  first_name: 'manyi',
  username: 'manyi_test_bot',
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
  has_topics_enabled: false,
  allows_users_to_create_topics: false,
  can_manage_bots: false,
  supports_join_request_queries: false,
};

// ---------------------------------------------------------------- errors

class TelegramError extends Error {
  constructor(readonly failure: ApiFailure) {
    super(failure.description);
  }
}

function fail(error_code: number, description: string): never {
  throw new TelegramError({ ok: false, error_code, description });
}
const badRequest = (what: string): never => fail(400, `Bad Request: ${what}`);
const forbidden = (what: string): never => fail(403, `Forbidden: ${what}`);

// ---------------------------------------------------------------- params
// Values may arrive typed (JSON, in-process) or as strings (form data), like
// real Telegram accepts both.

function optInt(params: Params, key: string): number | undefined {
  const value = params[key];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return Number(value);
  return badRequest(`field "${key}" must be an Integer`);
}

function optString(params: Params, key: string): string | undefined {
  const value = params[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return badRequest(`field "${key}" must be a String`);
}

function optBool(params: Params, key: string): boolean | undefined {
  const value = params[key];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  return badRequest(`field "${key}" must be a Boolean`);
}

/** Object-typed params may arrive as JSON strings (grammY multipart, forms). */
function optJson(params: Params, key: string): unknown {
  const value = params[key];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return badRequest(`can't parse ${key} JSON object`);
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** JSON with sorted keys, so equal objects compare equal regardless of key order. */
export function stableStringify(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    isRecord(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v,
  );
}

// ---------------------------------------------------------------- text rules

const MAX_TEXT = 4096;
const MAX_CAPTION = 1024;

interface FormattedText {
  text: string;
  html?: string;
  entities: HtmlEntity[];
}

function checkParseMode(parseMode: string | undefined): 'HTML' | 'plain' {
  if (parseMode === undefined || parseMode === '') return 'plain';
  const mode = parseMode.toLowerCase();
  if (mode === 'html') return 'HTML';
  if (mode === 'markdownv2' || mode === 'markdown') return 'plain'; // not parsed by the fake
  return badRequest('unsupported parse_mode');
}

function formatText(raw: string, parseMode: string | undefined): FormattedText {
  const mode = checkParseMode(parseMode);
  let text = raw;
  let entities: HtmlEntity[] = [];
  if (mode === 'HTML') {
    const parsed = parseTelegramHtml(raw);
    if (!parsed.ok) fail(400, parsed.description);
    ({ text, entities } = parsed);
  }
  // Telegram strips leading and trailing whitespace from messages.
  const lead = text.length - text.trimStart().length;
  const trimmed = text.trim();
  entities = entities
    .map((e) => {
      const start = Math.max(0, e.offset - lead);
      const end = Math.min(trimmed.length, e.offset - lead + e.length);
      return { ...e, offset: start, length: end - start };
    })
    .filter((e) => e.length > 0);
  return { text: trimmed, entities, ...(mode === 'HTML' ? { html: raw } : {}) };
}

function messageText(params: Params): FormattedText {
  const formatted = formatText(optString(params, 'text') ?? '', optString(params, 'parse_mode'));
  if (formatted.text === '') badRequest('message text is empty');
  if (formatted.text.length > MAX_TEXT) badRequest('message is too long');
  return formatted;
}

function captionText(params: Params): FormattedText {
  const formatted = formatText(optString(params, 'caption') ?? '', optString(params, 'parse_mode'));
  if (formatted.text.length > MAX_CAPTION) badRequest('message caption is too long');
  return formatted;
}

const entitiesKey = (entities: HtmlEntity[]): string => stableStringify(entities);

// ---------------------------------------------------------------- reply markup

const BUTTON_ACTIONS = [
  'callback_data',
  'url',
  'web_app',
  'login_url',
  'switch_inline_query',
  'switch_inline_query_current_chat',
  'switch_inline_query_chosen_chat',
  'copy_text',
  'callback_game',
  'pay',
] as const;

const MAX_BUTTONS = 100;

type ReadMarkup =
  | { kind: 'none' }
  | { kind: 'inline'; markup?: InlineKeyboardMarkup }
  | { kind: 'other' };

function readReplyMarkup(params: Params): ReadMarkup {
  const markup = optJson(params, 'reply_markup');
  if (markup === undefined) return { kind: 'none' };
  if (!isRecord(markup)) return badRequest("can't parse reply keyboard markup JSON object");
  if ('inline_keyboard' in markup) {
    return { kind: 'inline', markup: validateInlineKeyboard(markup.inline_keyboard) };
  }
  if ('keyboard' in markup || 'remove_keyboard' in markup || 'force_reply' in markup) {
    return { kind: 'other' };
  }
  return badRequest("can't parse reply keyboard markup JSON object");
}

/** Returns the normalized keyboard, or undefined when it has no buttons. */
function validateInlineKeyboard(rows: unknown): InlineKeyboardMarkup | undefined {
  if (!Array.isArray(rows) || !rows.every((row) => Array.isArray(row))) {
    return badRequest(
      'field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays',
    );
  }
  const buttons = (rows as unknown[][]).flat();
  if (buttons.length > MAX_BUTTONS) badRequest('reply markup is too long');
  buttons.forEach(validateInlineButton);
  if (buttons.length === 0) return undefined;
  const clean = (rows as unknown[][]).filter((row) => row.length > 0);
  return { inline_keyboard: structuredClone(clean) as InlineKeyboardButton[][] };
}

function validateInlineButton(button: unknown): void {
  if (!isRecord(button)) {
    return badRequest("can't parse inline keyboard button: InlineKeyboardButton must be an Object");
  }
  if (typeof button.text !== 'string' || button.text.trim() === '') {
    return badRequest('BUTTON_TEXT_EMPTY');
  }
  const actions = BUTTON_ACTIONS.filter((action) => button[action] !== undefined);
  if (actions.length === 0) badRequest('text buttons are unallowed in the inline keyboard');
  if (actions.length > 1) {
    badRequest("can't parse inline keyboard button: exactly one action field must be used");
  }
  if (button.callback_data !== undefined) {
    const data = button.callback_data;
    const bytes = typeof data === 'string' ? Buffer.byteLength(data, 'utf8') : 0;
    if (bytes < 1 || bytes > 64) badRequest('BUTTON_DATA_INVALID');
  }
  if (button.url !== undefined) {
    const url = button.url;
    const valid = typeof url === 'string' && /^(https?|tg):\/\/\S+$/i.test(url);
    if (!valid) badRequest('BUTTON_URL_INVALID');
  }
}

const markupKey = (markup: InlineKeyboardMarkup | undefined): string =>
  stableStringify(markup ?? null);

// ---------------------------------------------------------------- files

const MAX_DOCUMENT_BYTES = 50 * 1024 * 1024;
/** Bots may download files of at most 20 MB. */
const MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024;

export function isUploadedFile(value: unknown): value is UploadedFile {
  return (
    isRecord(value) &&
    typeof value.filename === 'string' &&
    (value.data === undefined || Buffer.isBuffer(value.data))
  );
}

function isInputFile(value: unknown): value is InputFile {
  return value instanceof InputFile || (isRecord(value) && typeof value.toRaw === 'function');
}

function defaultFilename(field: string): string {
  return field === 'photo' ? 'photo.jpg' : `${field}.dat`;
}

/** Reads an InputFile without awaiting: works for buffers and local paths. */
function inputFileSync(file: InputFile, field: string): UploadedFile {
  const filename = file.filename ?? defaultFilename(field);
  const source = (file as unknown as { fileData?: unknown }).fileData;
  if (source instanceof Uint8Array) return { filename, data: Buffer.from(source) };
  if (typeof source === 'string') return { filename, data: readFileSync(source) };
  return { filename };
}

/** Reads any InputFile (streams, iterables, suppliers) through grammY's own toRaw(). */
export async function inputFileAsync(file: InputFile, field: string): Promise<UploadedFile> {
  const filename = file.filename ?? defaultFilename(field);
  const raw = await file.toRaw();
  if (raw instanceof Uint8Array) return { filename, data: Buffer.from(raw) };
  const chunks: Buffer[] = [];
  for await (const chunk of raw) chunks.push(Buffer.from(chunk));
  return { filename, data: Buffer.concat(chunks) };
}

function looksLikeImage(data: Buffer): boolean {
  const ascii = data.subarray(0, 12).toString('latin1');
  return (
    data.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47])) ||
    data.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff])) ||
    ascii.startsWith('GIF8') ||
    (ascii.startsWith('RIFF') && ascii.slice(8, 12) === 'WEBP')
  );
}

const MIME_TYPES: Record<string, string> = {
  csv: 'text/csv',
  yaml: 'application/x-yaml',
  yml: 'application/x-yaml',
  txt: 'text/plain',
  json: 'application/json',
  pdf: 'application/pdf',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  zip: 'application/zip',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
};

function mimeType(filename: string): string {
  const ext = filename.split('.').pop()?.toLowerCase() ?? '';
  return MIME_TYPES[ext] ?? 'application/octet-stream';
}

// ---------------------------------------------------------------- chats

interface StoredMessage extends ChatMessage {
  raw: Message;
  formatKey: string;
}

interface ChatState {
  chat: KnownChat;
  /** The bot may write here: the user has talked to the bot, or it is a group. */
  started: boolean;
  blocked: boolean;
  nextMessageId: number;
  messages: StoredMessage[];
}

function toView(stored: StoredMessage): ChatMessage {
  const { raw: _raw, formatKey: _formatKey, ...view } = stored;
  if (view.replyMarkup) view.replyMarkup = structuredClone(view.replyMarkup);
  return view;
}

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

const CHAT_ACTIONS = new Set([
  'typing',
  'upload_photo',
  'record_video',
  'upload_video',
  'record_voice',
  'upload_voice',
  'upload_document',
  'choose_sticker',
  'find_location',
  'record_video_note',
  'upload_video_note',
]);

const COMMAND_SCOPES = new Set([
  'default',
  'all_private_chats',
  'all_group_chats',
  'all_chat_administrators',
  'chat',
  'chat_administrators',
  'chat_member',
]);

/** Internal surface FakeUser needs from FakeTelegram. */
export interface UserHost {
  readonly botInfo: UserFromGetMe;
  chat(chatId: number): ChatState | undefined;
  ensurePrivateChat(user: User): ChatState;
  addUserMessage(
    state: ChatState,
    from: User,
    content: Partial<Message>,
    kind: MessageKind,
  ): StoredMessage;
  newCallbackQuery(
    state: ChatState,
    message: StoredMessage,
    from: User,
    data: string,
  ): CallbackQuery;
  callbackQueries(): readonly CallbackQueryRecord[];
  /** Keeps a file a user sends, so the bot can fetch it with getFile. */
  storeUserFile(file: UploadedFile): { file_id: string; file_unique_id: string; file_size: number };
  deliver(body: Omit<Update, 'update_id'>): Promise<void>;
  requireDelivery(): void;
}

type Handler = (params: Params) => unknown;

// ---------------------------------------------------------------- FakeTelegram

export class FakeTelegram {
  readonly botInfo: UserFromGetMe;
  readonly token: string;
  readonly calls: ApiCall[] = [];
  readonly updates: Update[] = [];

  private nextUpdateId: number;
  private delivery: Delivery | undefined;
  private readonly chats = new Map<number, ChatState>();
  private readonly fakeUsers = new Map<number, FakeUser>();
  private readonly queries = new Map<string, CallbackQueryRecord>();
  private readonly files = new Map<string, UploadedFile>();
  /** file_path (as getFile gives it) → file_id, for downloads from `/file/bot<token>/<file_path>`. */
  private readonly filePaths = new Map<string, string>();
  private readonly commandSets = new Map<string, BotCommand[]>();
  private readonly menuButtons = new Map<string, unknown>();
  private readonly injected: { method: string; failure: ApiFailure; times: number }[] = [];
  private readonly callListeners = new Set<(call: ApiCall, index: number) => void>();
  private readonly handlers: Map<string, Handler>;
  private readonly host: UserHost;
  private counter = 0;
  private readonly callbackQueryTtlMs: number | undefined;

  constructor(options: FakeTelegramOptions = {}) {
    this.botInfo = { ...(options.botInfo ?? DEFAULT_BOT_INFO) };
    this.token = options.token ?? `${this.botInfo.id}:AAFakeTokenForManyiTests_0123456789`;
    this.nextUpdateId = options.firstUpdateId ?? 1;
    this.callbackQueryTtlMs = options.callbackQueryTtlMs;
    this.handlers = this.buildHandlers();
    this.host = this.buildHost();
  }

  // ---- API surface

  call(method: string, params: Params = {}): ApiResult {
    const result = this.execute(method, params);
    const call: ApiCall = { method, params, result, at: Date.now() };
    this.calls.push(call);
    const index = this.calls.length - 1;
    for (const listener of [...this.callListeners]) listener(call, index);
    return result;
  }

  /** Like call(), but first reads InputFile streams/suppliers into bytes. */
  async callAsync(method: string, params: Params = {}): Promise<ApiResult> {
    const resolved: Params = {};
    for (const [key, value] of Object.entries(params)) {
      resolved[key] = isInputFile(value) ? await inputFileAsync(value, key) : value;
    }
    return this.call(method, resolved);
  }

  /** Makes the next `times` calls of `method` fail with `failure` (e.g. a 429). */
  failNext(method: string, failure: Omit<ApiFailure, 'ok'>, times = 1): void {
    this.injected.push({ method: method.toLowerCase(), failure: { ok: false, ...failure }, times });
  }

  callsTo(method: string): ApiCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Resolves with the first call (existing or future) matching predicate. */
  waitForCall(
    predicate: (call: ApiCall, index: number) => boolean,
    timeoutMs = 10_000,
  ): Promise<ApiCall> {
    const existing = this.calls.find(predicate);
    if (existing) return Promise.resolve(existing);
    return new Promise((resolve, reject) => {
      const listener = (call: ApiCall, index: number): void => {
        if (!predicate(call, index)) return;
        cleanup();
        resolve(call);
      };
      const timer = setTimeout(() => {
        cleanup();
        const seen = this.calls.map((c) => c.method).join(', ') || 'none';
        const message = `no matching Bot API call within ${timeoutMs} ms (calls so far: ${seen})`;
        reject(new Error(message));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.callListeners.delete(listener);
      };
      this.callListeners.add(listener);
    });
  }

  // ---- world setup

  setDelivery(deliver: Delivery | undefined): void {
    this.delivery = deliver;
  }

  get hasDelivery(): boolean {
    return this.delivery !== undefined;
  }

  /** Creates (or returns) a simulated user; chat id = user id. */
  user(
    id: number,
    options: { first_name?: string; username?: string; language_code?: string } = {},
  ): FakeUser {
    const existing = this.fakeUsers.get(id);
    if (existing) return existing;
    const user: User = {
      id,
      is_bot: false,
      first_name: options.first_name ?? `User${id}`,
      ...(options.username !== undefined ? { username: options.username } : {}),
      ...(options.language_code !== undefined ? { language_code: options.language_code } : {}),
    };
    const fake = new FakeUser(this.host, user);
    this.fakeUsers.set(id, fake);
    this.host.ensurePrivateChat(user);
    return fake;
  }

  /** Registers a group the bot is a member of (so it may write there). */
  group(id: number, title = `Group ${id}`, type: 'group' | 'supergroup' = 'group'): void {
    if (id >= 0) throw new Error(`group ids are negative in Telegram, got ${id}`);
    if (!this.chats.has(id)) this.chats.set(id, newChatState({ id, type, title }, true));
  }

  /** Marks a chat as known to the bot, as if it had talked to the bot before. */
  addChat(chat: number | KnownChat): void {
    const id = typeof chat === 'number' ? chat : chat.id;
    const state = this.chats.get(id);
    if (state) {
      state.started = true;
      return;
    }
    const object: KnownChat =
      typeof chat === 'number'
        ? id > 0
          ? { id, type: 'private', first_name: `User${id}` }
          : { id, type: 'group', title: `Group ${id}` }
        : chat;
    this.chats.set(id, newChatState(object, true));
  }

  block(chatId: number): void {
    this.requireChat(chatId).blocked = true;
  }

  unblock(chatId: number): void {
    this.requireChat(chatId).blocked = false;
  }

  /** Delivers a hand-made update (update_id is assigned). */
  dispatch(body: Omit<Update, 'update_id'>): Promise<void> {
    return this.host.deliver(body);
  }

  // ---- inspection

  messages(chatId: number, options: { includeDeleted?: boolean } = {}): ChatMessage[] {
    const state = this.chats.get(chatId);
    if (!state) return [];
    return state.messages.filter((m) => options.includeDeleted || !m.deleted).map(toView);
  }

  /** The Telegram Message object of a message as it currently is. */
  rawMessage(chatId: number, messageId: number): Message | undefined {
    const stored = this.chats.get(chatId)?.messages.find((m) => m.message_id === messageId);
    return stored ? structuredClone(stored.raw) : undefined;
  }

  callbackQueries(): CallbackQueryRecord[] {
    return [...this.queries.values()].map((q) => structuredClone(q));
  }

  /** The bytes behind a file_path that getFile gave out; undefined for any other path. */
  fileAt(filePath: string): Buffer | undefined {
    const fileId = this.filePaths.get(filePath);
    return fileId === undefined ? undefined : this.files.get(fileId)?.data;
  }

  commands(scope: Record<string, unknown> = { type: 'default' }, languageCode = ''): BotCommand[] {
    return structuredClone(this.commandSets.get(stableStringify([scope, languageCode])) ?? []);
  }

  // ---- internals

  private execute(method: string, params: Params): ApiResult {
    const injected = this.takeInjected(method);
    if (injected) return injected;
    const handler = this.handlers.get(method.toLowerCase());
    if (!handler) return { ok: false, error_code: 404, description: 'Not Found' };
    try {
      return { ok: true, result: handler(params) };
    } catch (error) {
      if (error instanceof TelegramError) return error.failure;
      throw error;
    }
  }

  private takeInjected(method: string): ApiFailure | undefined {
    const index = this.injected.findIndex((i) => i.method === method.toLowerCase());
    const entry = this.injected[index];
    if (!entry) return undefined;
    if (--entry.times <= 0) this.injected.splice(index, 1);
    return structuredClone(entry.failure);
  }

  private requireChat(chatId: number): ChatState {
    const state = this.chats.get(chatId);
    if (!state) {
      throw new Error(`unknown chat ${chatId}: create it with user(), group() or addChat()`);
    }
    return state;
  }

  private nextId(prefix: string): string {
    return `${prefix}${++this.counter}`;
  }

  private botUser(): User {
    const { id, is_bot, first_name, last_name, username } = this.botInfo;
    return { id, is_bot, first_name, username, ...(last_name !== undefined ? { last_name } : {}) };
  }

  /** Resolves chat_id to a chat the bot may write to, with Telegram's errors. */
  private writableChat(params: Params): ChatState {
    const raw = params.chat_id;
    if (raw === undefined || raw === null || raw === '') badRequest('chat_id is empty');
    if (typeof raw === 'string' && raw.startsWith('@')) badRequest('chat not found');
    const state = this.chats.get(optInt(params, 'chat_id') ?? 0);
    if (!state) return badRequest('chat not found');
    if (state.blocked) {
      const isPrivate = state.chat.type === 'private';
      forbidden(isPrivate ? 'bot was blocked by the user' : 'bot was kicked from the group chat');
    }
    if (!state.started) forbidden("bot can't initiate conversation with a user");
    return state;
  }

  private checkReplyTarget(state: ChatState, params: Params): void {
    const reply = optJson(params, 'reply_parameters');
    const replyTo = isRecord(reply) ? reply.message_id : params.reply_to_message_id;
    if (replyTo === undefined || replyTo === null) return;
    const allowMissing = isRecord(reply)
      ? reply.allow_sending_without_reply === true
      : optBool(params, 'allow_sending_without_reply') === true;
    const exists = state.messages.some((m) => m.message_id === Number(replyTo) && !m.deleted);
    if (!exists && !allowMissing) badRequest('message to be replied not found');
  }

  private storeBotMessage(
    state: ChatState,
    kind: MessageKind,
    content: Partial<Message>,
    view: Partial<ChatMessage> & { formatKey: string },
  ): Message {
    const raw: Message = {
      message_id: state.nextMessageId++,
      from: this.botUser(),
      chat: state.chat,
      date: nowSeconds(),
      ...content,
    };
    const { formatKey, ...rest } = view;
    state.messages.push({
      message_id: raw.message_id,
      from: 'bot',
      kind,
      text: '',
      editCount: 0,
      deleted: false,
      ...rest,
      raw,
      formatKey,
    });
    return structuredClone(raw);
  }

  /** The bot message named by chat_id + message_id, for edit methods. */
  private editableMessage(params: Params): StoredMessage {
    if (params.inline_message_id !== undefined) badRequest('MESSAGE_ID_INVALID');
    const state = this.writableChat(params);
    const messageId = optInt(params, 'message_id');
    if (messageId === undefined) badRequest('message identifier is not specified');
    const stored = state.messages.find((m) => m.message_id === messageId && !m.deleted);
    if (!stored) return badRequest('message to edit not found');
    if (stored.from !== 'bot') badRequest("message can't be edited");
    return stored;
  }

  private editMarkup(params: Params): InlineKeyboardMarkup | undefined {
    const read = readReplyMarkup(params);
    if (read.kind === 'other') badRequest('inline keyboard expected');
    return read.kind === 'inline' ? read.markup : undefined;
  }

  private applyEdit(
    stored: StoredMessage,
    patch: Partial<Message>,
    markup: InlineKeyboardMarkup | undefined,
  ): Message {
    const { reply_markup: _old, ...rest } = stored.raw;
    stored.raw = {
      ...rest,
      ...patch,
      edit_date: nowSeconds(),
      ...(markup ? { reply_markup: structuredClone(markup) } : {}),
    };
    if (markup) stored.replyMarkup = structuredClone(markup);
    else delete stored.replyMarkup;
    stored.editCount++;
    return structuredClone(stored.raw);
  }

  private readFile(params: Params, field: 'document' | 'photo'): UploadedFile {
    const value = params[field];
    let file: UploadedFile;
    if (value === undefined || value === null || value === '') {
      return badRequest(`there is no ${field} in the request`);
    }
    const known = typeof value === 'string' ? this.files.get(value) : undefined;
    if (isUploadedFile(value)) file = value;
    else if (isInputFile(value)) file = inputFileSync(value, field);
    else if (known) file = known;
    else if (typeof value === 'string' && /^https?:\/\/\S+$/i.test(value)) {
      file = { filename: basename(new URL(value).pathname) || defaultFilename(field) };
    } else return badRequest('wrong file identifier/HTTP URL specified');
    if (file.data !== undefined && file.data.length === 0) badRequest('file must be non-empty');
    if (file.data !== undefined && file.data.length > MAX_DOCUMENT_BYTES) {
      fail(413, 'Request Entity Too Large');
    }
    if (field === 'photo' && file.data !== undefined && !looksLikeImage(file.data)) {
      badRequest('IMAGE_PROCESS_FAILED');
    }
    return file;
  }

  private registerFile(file: UploadedFile): {
    file_id: string;
    file_unique_id: string;
    file_size: number;
  } {
    const file_id = this.nextId('FAKEFILE');
    this.files.set(file_id, file);
    return { file_id, file_unique_id: this.nextId('U'), file_size: file.data?.length ?? 1 };
  }

  /** As Telegram: a file_path to download from, for files of at most 20 MB. */
  private getFile(params: Params): Record<string, unknown> {
    const fileId = optString(params, 'file_id');
    if (fileId === undefined || fileId === '') return badRequest('file_id is empty');
    const file = this.files.get(fileId);
    if (!file) return badRequest('invalid file_id');
    const size = file.data?.length ?? 1;
    if (size > MAX_DOWNLOAD_BYTES) badRequest('file is too big');
    let filePath = [...this.filePaths].find(([, id]) => id === fileId)?.[0];
    if (filePath === undefined) {
      const ext = /\.([A-Za-z0-9]{1,8})$/.exec(file.filename)?.[1]?.toLowerCase();
      filePath = `documents/file_${this.filePaths.size}${ext ? `.${ext}` : ''}`;
      this.filePaths.set(filePath, fileId);
    }
    return { file_id: fileId, file_unique_id: `U${fileId}`, file_size: size, file_path: filePath };
  }

  private sendFile(params: Params, field: 'document' | 'photo'): Message {
    const state = this.writableChat(params);
    const file = this.readFile(params, field);
    const caption = captionText(params);
    const read = readReplyMarkup(params);
    const markup = read.kind === 'inline' ? read.markup : undefined;
    this.checkReplyTarget(state, params);
    const ids = this.registerFile(file);
    const media: Partial<Message> =
      field === 'document'
        ? { document: { ...ids, file_name: file.filename, mime_type: mimeType(file.filename) } }
        : { photo: [{ ...ids, width: 800, height: 600 }] };
    const content: Partial<Message> = {
      ...media,
      ...(caption.text ? { caption: caption.text } : {}),
      ...(caption.entities.length
        ? { caption_entities: caption.entities as Message['caption_entities'] }
        : {}),
      ...(markup ? { reply_markup: markup } : {}),
    };
    return this.storeBotMessage(state, field, content, {
      text: caption.text,
      [field]: file,
      ...(caption.text ? { caption: caption.text } : {}),
      ...(caption.html !== undefined ? { html: caption.html } : {}),
      ...(markup ? { replyMarkup: structuredClone(markup) } : {}),
      formatKey: entitiesKey(caption.entities),
    });
  }

  // ---- method handlers

  private buildHandlers(): Map<string, Handler> {
    const ok = (): true => true;
    const table: Record<string, Handler> = {
      getMe: () => ({ ...this.botInfo }),
      logOut: ok,
      close: ok,
      deleteWebhook: ok,
      setWebhook: ok,
      getWebhookInfo: () => ({ url: '', has_custom_certificate: false, pending_update_count: 0 }),
      setMyCommands: (p) => this.setMyCommands(p),
      deleteMyCommands: (p) => {
        this.commandSets.delete(this.commandKey(p));
        return true;
      },
      getMyCommands: (p) => structuredClone(this.commandSets.get(this.commandKey(p)) ?? []),
      sendMessage: (p) => this.sendMessage(p),
      editMessageText: (p) => this.editMessageText(p),
      editMessageReplyMarkup: (p) => this.editMessageReplyMarkup(p),
      deleteMessage: (p) => this.deleteMessage(p),
      answerCallbackQuery: (p) => this.answerCallbackQuery(p),
      sendChatAction: (p) => this.sendChatAction(p),
      sendDocument: (p) => this.sendFile(p, 'document'),
      sendPhoto: (p) => this.sendFile(p, 'photo'),
      getFile: (p) => this.getFile(p),
      setChatMenuButton: (p) => this.setChatMenuButton(p),
    };
    // Bot API method names are case-insensitive.
    return new Map(Object.entries(table).map(([name, handler]) => [name.toLowerCase(), handler]));
  }

  private sendMessage(params: Params): Message {
    const state = this.writableChat(params);
    const formatted = messageText(params);
    const read = readReplyMarkup(params);
    const markup = read.kind === 'inline' ? read.markup : undefined;
    this.checkReplyTarget(state, params);
    const content: Partial<Message> = {
      text: formatted.text,
      ...(formatted.entities.length ? { entities: formatted.entities as Message['entities'] } : {}),
      ...(markup ? { reply_markup: markup } : {}),
    };
    return this.storeBotMessage(state, 'text', content, {
      text: formatted.text,
      ...(formatted.html !== undefined ? { html: formatted.html } : {}),
      ...(markup ? { replyMarkup: structuredClone(markup) } : {}),
      formatKey: entitiesKey(formatted.entities),
    });
  }

  private editMessageText(params: Params): Message {
    const stored = this.editableMessage(params);
    if (stored.kind !== 'text') badRequest('there is no text in the message to edit');
    const formatted = messageText(params);
    const markup = this.editMarkup(params);
    const formatKey = entitiesKey(formatted.entities);
    const unchanged =
      formatted.text === stored.text &&
      formatKey === stored.formatKey &&
      markupKey(markup) === markupKey(stored.replyMarkup);
    if (unchanged) badRequest(NOT_MODIFIED);
    stored.text = formatted.text;
    stored.formatKey = formatKey;
    if (formatted.html !== undefined) stored.html = formatted.html;
    else delete stored.html;
    const { entities: _old, ...rest } = stored.raw;
    stored.raw = rest;
    const entities = formatted.entities as Message['entities'];
    const patch = { text: formatted.text, ...(formatted.entities.length ? { entities } : {}) };
    return this.applyEdit(stored, patch, markup);
  }

  private editMessageReplyMarkup(params: Params): Message {
    const stored = this.editableMessage(params);
    const markup = this.editMarkup(params);
    if (markupKey(markup) === markupKey(stored.replyMarkup)) badRequest(NOT_MODIFIED);
    return this.applyEdit(stored, {}, markup);
  }

  private deleteMessage(params: Params): true {
    const state = this.writableChat(params);
    const messageId = optInt(params, 'message_id');
    const stored = state.messages.find((m) => m.message_id === messageId && !m.deleted);
    if (!stored) return badRequest('message to delete not found');
    stored.deleted = true;
    return true;
  }

  private answerCallbackQuery(params: Params): true {
    const id = optString(params, 'callback_query_id');
    const query = id === undefined ? undefined : this.queries.get(id);
    const late = query !== undefined && this.callbackQueryTtlMs !== undefined && Date.now() - query.at > this.callbackQueryTtlMs;
    if (!query || query.answered || late) {
      return badRequest('query is too old and response timeout expired or query ID is invalid');
    }
    const text = optString(params, 'text');
    if (text !== undefined && text.length > 200) badRequest('MESSAGE_TOO_LONG');
    const showAlert = optBool(params, 'show_alert');
    const url = optString(params, 'url');
    query.answered = true;
    query.answeredAt = Date.now();
    query.answer = {
      ...(text !== undefined ? { text } : {}),
      ...(showAlert !== undefined ? { show_alert: showAlert } : {}),
      ...(url !== undefined ? { url } : {}),
    };
    return true;
  }

  private sendChatAction(params: Params): true {
    this.writableChat(params);
    if (!CHAT_ACTIONS.has(optString(params, 'action') ?? '')) {
      badRequest('wrong parameter action in request');
    }
    return true;
  }

  private setChatMenuButton(params: Params): true {
    if (params.chat_id !== undefined) this.writableChat(params);
    const button = optJson(params, 'menu_button') ?? { type: 'default' };
    if (!isRecord(button) || !['commands', 'web_app', 'default'].includes(String(button.type))) {
      badRequest('unsupported menu button type');
    }
    this.menuButtons.set(String(params.chat_id ?? ''), button);
    return true;
  }

  private commandKey(params: Params): string {
    const scope = optJson(params, 'scope') ?? { type: 'default' };
    if (!isRecord(scope) || !COMMAND_SCOPES.has(String(scope.type))) {
      badRequest('unsupported bot command scope type');
    }
    if (isRecord(scope) && scope.chat_id !== undefined && !this.chats.has(Number(scope.chat_id))) {
      badRequest('chat not found');
    }
    const language = optString(params, 'language_code') ?? '';
    if (language !== '' && !/^[a-z]{2}$/.test(language)) badRequest('LANG_CODE_INVALID');
    return stableStringify([scope, language]);
  }

  private setMyCommands(params: Params): true {
    const commands = optJson(params, 'commands');
    if (!Array.isArray(commands)) return badRequest("can't parse commands JSON object");
    if (commands.length > 100) badRequest('BOT_COMMANDS_TOO_MUCH');
    const clean: BotCommand[] = commands.map((entry: unknown) => {
      const command = isRecord(entry) ? entry.command : undefined;
      const description = isRecord(entry) ? entry.description : undefined;
      if (typeof command !== 'string' || !/^[a-z0-9_]{1,32}$/.test(command)) {
        badRequest('BOT_COMMAND_INVALID');
      }
      const length = typeof description === 'string' ? description.trim().length : 0;
      if (length < 1 || length > 256) badRequest('BOT_COMMAND_DESCRIPTION_INVALID');
      return { command: String(command), description: String(description) };
    });
    this.commandSets.set(this.commandKey(params), clean);
    return true;
  }

  // ---- user simulation plumbing

  private buildHost(): UserHost {
    return {
      botInfo: this.botInfo,
      chat: (chatId) => this.chats.get(chatId),
      ensurePrivateChat: (user) => {
        const existing = this.chats.get(user.id);
        if (existing) return existing;
        const chat: Chat.PrivateChat = {
          id: user.id,
          type: 'private',
          first_name: user.first_name,
          ...(user.username !== undefined ? { username: user.username } : {}),
        };
        const state = newChatState(chat, false);
        this.chats.set(user.id, state);
        return state;
      },
      addUserMessage: (state, from, content, kind) => {
        const raw: Message = {
          message_id: state.nextMessageId++,
          from,
          chat: state.chat,
          date: nowSeconds(),
          ...content,
        };
        const stored: StoredMessage = {
          message_id: raw.message_id,
          from: 'user',
          kind,
          text: content.text ?? content.caption ?? '',
          editCount: 0,
          deleted: false,
          raw,
          formatKey: '[]',
        };
        state.messages.push(stored);
        if (state.chat.type === 'private') state.started = true;
        return stored;
      },
      newCallbackQuery: (state, message, from, data) => {
        const id = String(4_200_000_000_000_000 + ++this.counter);
        this.queries.set(id, {
          id,
          chatId: state.chat.id,
          messageId: message.message_id,
          fromId: from.id,
          data,
          answered: false,
          at: Date.now(),
        });
        return {
          id,
          from,
          message: structuredClone(message.raw),
          chat_instance: String(-9_000_000_000_000 - state.chat.id),
          data,
        };
      },
      callbackQueries: () => [...this.queries.values()],
      storeUserFile: (file) => this.registerFile(file),
      deliver: async (body) => {
        this.host.requireDelivery();
        const update = { update_id: this.nextUpdateId++, ...body } as Update;
        this.updates.push(update);
        await this.delivery?.(structuredClone(update));
      },
      requireDelivery: () => {
        if (!this.delivery) {
          throw new Error(
            'FakeTelegram has no delivery: call connectBotToFake(bot, telegram) or startFakeBotApi(telegram) first',
          );
        }
      },
    };
  }
}

const NOT_MODIFIED =
  'message is not modified: specified new message content and reply markup are exactly the same ' +
  'as a current content and reply markup of the message';

function newChatState(chat: KnownChat, started: boolean): ChatState {
  return { chat, started, blocked: false, nextMessageId: 1, messages: [] };
}

// ---------------------------------------------------------------- FakeUser

const COMMAND_RE = /^\/[A-Za-z0-9_]{1,64}(?:@([A-Za-z0-9_]{3,32}))?/;

function commandEntities(text: string): Partial<Message> {
  const match = COMMAND_RE.exec(text);
  return match ? { entities: [{ type: 'bot_command', offset: 0, length: match[0].length }] } : {};
}

function buttonTexts(markup: InlineKeyboardMarkup | undefined): string[] {
  return markup?.inline_keyboard.flat().map((b) => b.text) ?? [];
}

export class FakeUser {
  private lastOwn: { chatId: number; messageId: number } | undefined;
  private lastQueryId: string | undefined;

  constructor(
    private readonly host: UserHost,
    readonly user: User,
  ) {}

  get chatId(): number {
    return this.user.id;
  }

  async send(text: string): Promise<void> {
    await this.sendMessage({ text, ...commandEntities(text) }, 'text');
  }

  async sendSticker(): Promise<void> {
    const sticker = {
      file_id: 'CAACAgIAAxkBAAFakeSticker',
      file_unique_id: 'AgADFakeSticker',
      type: 'regular' as const,
      width: 512,
      height: 512,
      is_animated: false,
      is_video: false,
      emoji: '👍',
    };
    await this.sendMessage({ sticker }, 'sticker');
  }

  async sendPhoto(caption?: string): Promise<void> {
    const photo = [
      { file_id: 'AgACAgIAAxkBFakePhotoS', file_unique_id: 'FakeS', width: 90, height: 67 },
      { file_id: 'AgACAgIAAxkBFakePhotoM', file_unique_id: 'FakeM', width: 1280, height: 960 },
    ];
    await this.sendMessage({ photo, ...(caption !== undefined ? { caption } : {}) }, 'photo');
  }

  async sendVoice(): Promise<void> {
    const voice = {
      file_id: 'AwACAgIAAxkBAAFakeVoice',
      file_unique_id: 'AgADFakeVoice',
      duration: 3,
      mime_type: 'audio/ogg',
      file_size: 5200,
    };
    await this.sendMessage({ voice }, 'voice');
  }

  async sendLocation(latitude = 25.033, longitude = 121.5654): Promise<void> {
    await this.sendMessage({ location: { latitude, longitude } }, 'location');
  }

  /**
   * Sends a file as a document, in the private chat or in a group, where a bot
   * in privacy mode sees it only as a reply to one of its messages (`replyTo`),
   * as in Telegram. `declaredSize` is the file_size the update carries
   * (default: the real size; null: none).
   */
  async sendDocument(
    data: Buffer | string,
    options: { fileName?: string; mimeType?: string; chatId?: number; replyTo?: number; declaredSize?: number | null } = {},
  ): Promise<void> {
    this.host.requireDelivery();
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    const fileName = options.fileName;
    const ids = this.host.storeUserFile({ filename: fileName ?? 'file', data: bytes });
    const size = options.declaredSize === undefined ? ids.file_size : options.declaredSize;
    const document = {
      file_id: ids.file_id,
      file_unique_id: ids.file_unique_id,
      ...(fileName !== undefined ? { file_name: fileName } : {}),
      mime_type: options.mimeType ?? (fileName ? mimeType(fileName) : 'application/octet-stream'),
      ...(size !== null ? { file_size: size } : {}),
    };
    const chatId = options.chatId ?? this.chatId;
    const state = chatId === this.chatId ? this.privateChat() : this.host.chat(chatId);
    if (!state) throw new Error(`unknown group ${chatId}: call telegram.group(${chatId}) first`);
    const repliedTo = state.messages.find((m) => m.message_id === options.replyTo && !m.deleted);
    if (options.replyTo !== undefined && !repliedTo) throw new Error(`no message ${options.replyTo} in chat ${chatId}`);
    const reply = repliedTo ? { reply_to_message: structuredClone(repliedTo.raw) as Message['reply_to_message'] } : {};
    if (state.chat.type === 'private') return this.sendMessage({ document, ...reply }, 'document');
    const stored = this.host.addUserMessage(state, this.user, { document, ...reply }, 'document');
    this.lastOwn = { chatId, messageId: stored.message_id };
    if (!this.host.botInfo.can_read_all_group_messages && repliedTo?.from !== 'bot') return;
    await this.host.deliver({ message: structuredClone(stored.raw) as Update['message'] });
  }

  /** Sends a private message with arbitrary content (escape hatch). */
  async sendRaw(content: Partial<Message>, kind: MessageKind = 'other'): Promise<void> {
    await this.sendMessage(content, kind);
  }

  /**
   * Presses the callback button with exactly this text on the newest bot
   * message that has it, in the private chat or in a group given by id.
   */
  async press(buttonText: string, groupChatId?: number): Promise<void> {
    this.host.requireDelivery();
    const state = groupChatId === undefined ? this.privateChat() : this.groupChat(groupChatId);
    const candidates = liveBotMessages(state).reverse();
    for (const message of candidates) {
      const button = message.replyMarkup?.inline_keyboard.flat().find((b) => b.text === buttonText);
      if (!button) continue;
      if (!('callback_data' in button)) {
        const where = `on message ${message.message_id}`;
        throw new Error(`button "${buttonText}" ${where} is not a callback button`);
      }
      return this.deliverCallback(state, message, button.callback_data);
    }
    const visible = candidates
      .filter((m) => m.replyMarkup)
      .map((m) => `#${m.message_id}: ${buttonTexts(m.replyMarkup).map((t) => `[${t}]`).join(' ')}`);
    const shown = visible.join('; ') || 'none';
    throw new Error(`no inline button "${buttonText}" in chat ${this.chatId}; visible buttons: ${shown}`);
  }

  /** Delivers a callback query with arbitrary data (forged or stale presses). */
  async pressData(data: string, messageId?: number): Promise<void> {
    this.host.requireDelivery();
    const state = this.privateChat();
    const live = state.messages.filter((m) => !m.deleted);
    const message =
      messageId === undefined
        ? liveBotMessages(state).at(-1)
        : live.find((m) => m.message_id === messageId);
    if (!message) {
      throw new Error(`no live message ${messageId ?? '(bot)'} in chat ${this.chatId} to press on`);
    }
    await this.deliverCallback(state, message, data);
  }

  private groupChat(groupChatId: number): ChatState {
    const state = this.host.chat(groupChatId);
    if (!state || state.chat.type === 'private') {
      throw new Error(`unknown group ${groupChatId}: call telegram.group(${groupChatId}) first`);
    }
    return state;
  }

  /** A message from this user in a group registered with telegram.group(). */
  async sendIn(groupChatId: number, text: string): Promise<void> {
    this.host.requireDelivery();
    const state = this.groupChat(groupChatId);
    const content = { text, ...commandEntities(text) };
    const stored = this.host.addUserMessage(state, this.user, content, 'text');
    this.lastOwn = { chatId: groupChatId, messageId: stored.message_id };
    // Privacy mode: the bot only sees commands addressed to it (or to nobody).
    if (!this.host.botInfo.can_read_all_group_messages && !this.isCommandForBot(text)) return;
    await this.host.deliver({ message: structuredClone(stored.raw) as Update['message'] });
  }

  /** Edits this user's last message and delivers edited_message. */
  async editLast(text: string): Promise<void> {
    this.host.requireDelivery();
    const last = this.lastOwn;
    const chat = last && this.host.chat(last.chatId);
    const stored = chat?.messages.find((m) => m.message_id === last?.messageId);
    if (!stored || stored.deleted || stored.kind !== 'text') {
      throw new Error(`user ${this.chatId} has no text message to edit`);
    }
    const { entities: _old, ...rest } = stored.raw;
    stored.raw = { ...rest, text, ...commandEntities(text), edit_date: nowSeconds() };
    stored.text = text;
    stored.editCount++;
    const edited = structuredClone(stored.raw) as Update['edited_message'];
    await this.host.deliver({ edited_message: edited });
  }

  // ---- accessors

  botMessages(): ChatMessage[] {
    return liveBotMessages(this.privateChat()).map(toView);
  }

  lastBotMessage(): ChatMessage | undefined {
    return this.botMessages().at(-1);
  }

  lastText(): string | undefined {
    return this.lastBotMessage()?.text;
  }

  /** Inline button texts of the given message, or of the newest bot message with a keyboard. */
  buttons(messageId?: number): string[] {
    const messages = this.botMessages();
    const message =
      messageId === undefined
        ? messages.filter((m) => m.replyMarkup).at(-1)
        : messages.find((m) => m.message_id === messageId);
    return buttonTexts(message?.replyMarkup);
  }

  /** How the bot answered this user's most recent button press (undefined if not answered). */
  lastCallbackAnswer(): CallbackQueryRecord['answer'] {
    const query = this.host.callbackQueries().find((q) => q.id === this.lastQueryId);
    return query?.answered ? { ...query.answer } : undefined;
  }

  // ---- internals

  private privateChat(): ChatState {
    return this.host.ensurePrivateChat(this.user);
  }

  private async sendMessage(content: Partial<Message>, kind: MessageKind): Promise<void> {
    this.host.requireDelivery();
    const state = this.privateChat();
    state.blocked = false; // a blocked user can only write after pressing "Restart", which unblocks
    const stored = this.host.addUserMessage(state, this.user, content, kind);
    this.lastOwn = { chatId: state.chat.id, messageId: stored.message_id };
    await this.host.deliver({ message: structuredClone(stored.raw) as Update['message'] });
  }

  private async deliverCallback(
    state: ChatState,
    message: StoredMessage,
    data: string,
  ): Promise<void> {
    const query = this.host.newCallbackQuery(state, message, this.user, data);
    this.lastQueryId = query.id;
    await this.host.deliver({ callback_query: query });
  }

  private isCommandForBot(text: string): boolean {
    const match = COMMAND_RE.exec(text);
    if (!match) return false;
    const target = match[1];
    const ours = this.host.botInfo.username.toLowerCase();
    return target === undefined || target.toLowerCase() === ours;
  }
}

function liveBotMessages(state: ChatState): StoredMessage[] {
  return state.messages.filter((m) => m.from === 'bot' && !m.deleted);
}
