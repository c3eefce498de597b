import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { RESPONSE_STATUSES } from '../questionnaire/walk.js';

/** Small key/value store for what the bot keeps about itself (never the pseudonym secret: see privacy/pseudonym.ts). */
export const settings = sqliteTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

export const QUESTIONNAIRE_ORIGINS = ['upload', 'file'] as const;
export type QuestionnaireOrigin = (typeof QUESTIONNAIRE_ORIGINS)[number];

/**
 * Every questionnaire an admin uploaded, and every questionnaire file a round
 * was opened with, as text exactly as it was. Who uploaded it is not kept.
 */
export const questionnaireVersions = sqliteTable(
  'questionnaire_versions',
  {
    /** The version number admins see and ask for (`/questionnaire 3`). */
    id: integer('id').primaryKey({ autoIncrement: true }),
    origin: text('origin', { enum: QUESTIONNAIRE_ORIGINS }).notNull(),
    source: text('source').notNull(),
    /** SHA-256 of the source as UTF-8 (hex); its first characters identify a version in messages. */
    sha256: text('sha256').notNull(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (table) => [index('questionnaire_versions_by_origin').on(table.origin, table.sha256)],
);

export const rounds = sqliteTable(
  'rounds',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    title: text('title').notNull(),
    /** The questionnaire as it was when the round opened (JSON), so editing the file never changes a running round. */
    questionnaire: text('questionnaire').notNull(),
    /** Which stored version that copy came from; null for rounds opened before versions were kept. */
    questionnaireVersionId: integer('questionnaire_version_id').references(() => questionnaireVersions.id),
    openedAt: integer('opened_at', { mode: 'timestamp_ms' }).notNull(),
    closesAt: integer('closes_at', { mode: 'timestamp_ms' }),
    closedAt: integer('closed_at', { mode: 'timestamp_ms' }),
  },
  // At most one round is open: a second open row would violate this index.
  (table) => [uniqueIndex('rounds_one_open').on(sql`(${table.closedAt} IS NULL)`).where(sql`${table.closedAt} IS NULL`)],
);


/** Bits of `responses.flags`: why a completed response is doubted (see figures/quality.ts). */
export const QUALITY_FLAGS = { tooFast: 1, straightLine: 2 } as const;

/*
 * A response never holds who answered: `respondentKey` is an HMAC of the
 * Telegram user id (see privacy/pseudonym.ts), and no column links it to contacts.
 */
export const responses = sqliteTable(
  'responses',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    roundId: integer('round_id')
      .notNull()
      .references(() => rounds.id),
    respondentKey: text('respondent_key').notNull(),
    status: text('status', { enum: RESPONSE_STATUSES }).notNull().default('partial'),
    language: text('language').notNull(),
    source: text('source'),
    /** The question being asked; null once every question is answered and the summary is shown. */
    cursor: text('cursor'),
    /** Options toggled so far on the multi question at the cursor (JSON array), until Done. */
    draft: text('draft'),
    /** Updates of one chat arrive in order, so an id at or below this one is a redelivery. */
    lastUpdateId: integer('last_update_id').notNull().default(0),
    startedAt: integer('started_at', { mode: 'timestamp_ms' }).notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
    completedAt: integer('completed_at', { mode: 'timestamp_ms' }),
    /** QUALITY_FLAGS of a completed response; 0 for none (and for partial ones). */
    flags: integer('flags').notNull().default(0),
    /** When its reminder was taken in hand (bot/outbound/reminders.ts); a response is reminded once. */
    remindedAt: integer('reminded_at', { mode: 'timestamp_ms' }),
    /** When its last call (the day before the round's deadline) was taken in hand. */
    lastCalledAt: integer('last_called_at', { mode: 'timestamp_ms' }),
  },
  (table) => [
    uniqueIndex('responses_one_per_respondent').on(table.roundId, table.respondentKey),
    // Covers every filter of the figures (src/figures): counts and the responses that count, without reading rows.
    index('responses_figures').on(table.roundId, table.status, table.completedAt, table.startedAt, table.flags),
  ],
);

export const answers = sqliteTable(
  'answers',
  {
    responseId: integer('response_id')
      .notNull()
      .references(() => responses.id, { onDelete: 'cascade' }),
    questionId: text('question_id').notNull(),
    /** Option value (choice, scale), JSON array of values (multi), or the typed text; null when skipped. */
    value: text('value'),
    /** Points of a scale answer; null for "don't know" and for other question types. */
    score: integer('score'),
    skipped: integer('skipped', { mode: 'boolean' }).notNull().default(false),
    answeredAt: integer('answered_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.responseId, table.questionId] }),
    // The figures read answers per (question, value) in response id order, from the index alone.
    index('answers_figures').on(table.questionId, table.value, table.responseId, table.skipped, table.score),
  ],
);

/** Who can be told about new rounds. Deliberately unlinked from responses. */
export const contacts = sqliteTable('contacts', {
  chatId: integer('chat_id').primaryKey(),
  /** Chosen with /language; null means "follow Telegram's language". */
  language: text('language'),
  /** The chat blocked the bot (or cannot be reached); cleared when it writes again. */
  optedOut: integer('opted_out', { mode: 'boolean' }).notNull().default(false),
  /** The resident said "don't notify me" (/notify off): the bot never writes first until /notify on. */
  notificationsOff: integer('notifications_off', { mode: 'boolean' }).notNull().default(false),
  /** The message that carries the live question buttons, so they can be retired. */
  promptMessageId: integer('prompt_message_id'),
  /** What that message shows (response, question or summary, language): a repair that finds it showing the right thing sends nothing. */
  promptShows: text('prompt_shows'),
  /** The language the chat was last answered in, for messages the bot sends first (announcements). */
  lastLanguage: text('last_language'),
  /** The latest round this chat was told about; announcements resume from here after a restart. */
  announcedRoundId: integer('announced_round_id'),
  firstSeenAt: integer('first_seen_at', { mode: 'timestamp_ms' }).notNull(),
  lastSeenAt: integer('last_seen_at', { mode: 'timestamp_ms' }).notNull(),
});

/**
 * Which admin chat received the digest of which scheduled run: a chat gets a
 * run's digest once, also when the bot restarts in the middle of a run.
 */
export const DIGEST_PARTS = ['chart', 'text'] as const;
export type DigestPart = (typeof DIGEST_PARTS)[number];

export const digestDeliveries = sqliteTable(
  'digest_deliveries',
  {
    /** The run's scheduled instant (ISO 8601), see digest/schedule.ts. */
    runKey: text('run_key').notNull(),
    chatId: integer('chat_id').notNull(),
    /** Picture and text are recorded apart, so a restart between them sends only the part missing. */
    part: text('part', { enum: DIGEST_PARTS }).notNull().default('text'),
    sentAt: integer('sent_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.runKey, table.chatId, table.part] })],
);

/**
 * The durable inbox: every update Telegram delivered, written before it is
 * confirmed and handled from here (src/transport/receive/inbox.ts). A row's payload
 * is cleared once it is handled; the id stays for a day so that a redelivery
 * is recognised and skipped.
 */
export const inboxUpdates = sqliteTable(
  'inbox_updates',
  {
    /** Arrival order. */
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    updateId: integer('update_id').notNull(),
    /** The chat (or sender) whose updates are handled in order, one at a time. */
    queueKey: text('queue_key').notNull(),
    /** The update as Telegram sent it, without names and places (transport/receive/minimise-update.ts), as JSON; null once handled. */
    payload: text('payload'),
    receivedAt: integer('received_at', { mode: 'timestamp_ms' }).notNull(),
    /** Attempts that ended in a failure worth retrying (Telegram or the network down). */
    attempts: integer('attempts').notNull().default(0),
    /** Not before this time (after a failed attempt). */
    retryAt: integer('retry_at', { mode: 'timestamp_ms' }),
    /** Null while unfinished. */
    doneAt: integer('done_at', { mode: 'timestamp_ms' }),
    /** handled, dropped (junk from a flooding chat) or failed (gave up after retries). */
    outcome: text('outcome', { enum: ['handled', 'dropped', 'failed'] }),
  },
  (table) => [
    uniqueIndex('inbox_updates_update_id').on(table.updateId),
    index('inbox_updates_unfinished').on(table.seq).where(sql`${table.doneAt} IS NULL`),
    index('inbox_updates_done_at').on(table.doneAt),
  ],
);

/**
 * An admin walking through the next round's questionnaire as a resident
 * would (/preview): where they stand, one row per admin chat, deleted when
 * the preview ends. Not response data: nothing here is counted, exported or
 * announced, so it may name the chat.
 */
export const previews = sqliteTable('previews', {
  /** Never reused: button data carries it, so a button of an earlier preview is stale. */
  id: integer('id').primaryKey({ autoIncrement: true }),
  chatId: integer('chat_id').notNull().unique(),
  /** The questionnaire previewed (JSON), as it was when the preview began. */
  questionnaire: text('questionnaire').notNull(),
  language: text('language').notNull(),
  /** The question being asked; null at the summary. */
  cursor: text('cursor'),
  /** Answers so far (JSON object: question id → answer). */
  answers: text('answers').notNull(),
  /** Options toggled so far on the multi question at the cursor (JSON array), until Done. */
  draft: text('draft'),
  /** Updates of one chat arrive in order, so an id at or below this one is a redelivery. */
  lastUpdateId: integer('last_update_id').notNull(),
  /** The preview's live prompt and what it shows, as contacts keep a resident's. */
  promptMessageId: integer('prompt_message_id'),
  promptShows: text('prompt_shows'),
  startedAt: integer('started_at', { mode: 'timestamp_ms' }).notNull(),
  updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
});

/**
 * Coverage targets (全覆蓋): how many completed responses a unit — a
 * deep-link tag, one poster per community — should reach. Kept across rounds
 * until an admin changes or removes them (/target).
 */
export const coverageTargets = sqliteTable('coverage_targets', {
  tag: text('tag').primaryKey(),
  target: integer('target').notNull(),
  setAt: integer('set_at', { mode: 'timestamp_ms' }).notNull(),
});

/**
 * Who took part in a round (started a response), so that "you said, we did"
 * can reach them: chat ids only, never a time, a response or a key, and kept
 * in chat id order (WITHOUT ROWID, see its migration) so that not even the
 * order of arrival can be matched with the responses. A row goes once its
 * chat has been sent the round's feedback; what is left goes when the
 * feedback has gone out, or 90 days after the close (db/participants.ts).
 */
export const roundParticipants = sqliteTable(
  'round_participants',
  {
    roundId: integer('round_id')
      .notNull()
      .references(() => rounds.id),
    chatId: integer('chat_id').notNull(),
  },
  (table) => [primaryKey({ columns: [table.roundId, table.chatId] })],
);

export const FEEDBACK_STATUSES = ['draft', 'cancelled', 'sending', 'sent'] as const;
export type FeedbackStatus = (typeof FEEDBACK_STATUSES)[number];

/**
 * "You said, we did" (整改反饋): an admin's message to everyone who took part
 * in a closed round. A draft until confirmed; at most one per round is ever
 * sent (sending or sent).
 */
export const roundFeedback = sqliteTable(
  'round_feedback',
  {
    /** Never reused: the preview's buttons carry it. */
    id: integer('id').primaryKey({ autoIncrement: true }),
    roundId: integer('round_id')
      .notNull()
      .references(() => rounds.id),
    /** The admin's own words, as typed (escaped where shown). */
    text: text('text').notNull(),
    status: text('status', { enum: FEEDBACK_STATUSES }).notNull(),
    /** Participants when it was confirmed: those it was meant for. */
    participants: integer('participants').notNull().default(0),
    /** Residents it reached. */
    delivered: integer('delivered').notNull().default(0),
    /** Participants left out: opted out, notifications off, blocked or unreachable. */
    skipped: integer('skipped').notNull().default(0),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    confirmedAt: integer('confirmed_at', { mode: 'timestamp_ms' }),
    finishedAt: integer('finished_at', { mode: 'timestamp_ms' }),
  },
  (table) => [
    uniqueIndex('round_feedback_once')
      .on(table.roundId)
      .where(sql`${table.status} IN ('sending', 'sent')`),
  ],
);
