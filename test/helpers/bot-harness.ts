import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createApp } from '../../src/app.js';
import type { Logger } from '../../src/logger.js';
import { loadConfig } from '../../src/config.js';
import { openDatabase, type Db } from '../../src/db/client.js';
import { FakeTelegram } from './fake-telegram.js';
import { connectBotToFake } from './in-process-api.js';
import { SMALL_YAML } from './questionnaires.js';

/** The pseudonym secret of every in-process test bot (a real one lives in the key file beside the database). */
export const TEST_PSEUDONYM_SECRET = 'f'.repeat(64);

export const ADMIN_ID = 1001;
export const ADMIN_GROUP_ID = -100500;

/** Writes questionnaire YAML to a fresh temporary file and returns its path. */
export function questionnaireFile(source: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'manyi-q-')), 'questionnaire.yaml');
  writeFileSync(path, source);
  return path;
}

export interface TestBotOptions {
  /** YAML of the questionnaire file; the small test questionnaire by default. */
  questionnaire?: string;
  /** An existing database (to play a restart); a fresh in-memory one by default. */
  db?: Db;
  telegram?: FakeTelegram;
  now?: () => Date;
  /**
   * TELEGRAM_API_ROOT: a fake Bot API server's, for what the bot fetches over
   * HTTP itself (files users sent). Bot API calls still go in-process.
   */
  apiRoot?: string;
  /** Where the bot logs; silent by default. */
  logger?: Logger;
}

/**
 * The real bot, built by createApp as main.ts builds it, fed through the
 * durable inbox as the app feeds it, answering from an in-process fake
 * Telegram: users' actions resolve once the bot handled them.
 */
export function createTestBot(options: TestBotOptions = {}) {
  const telegram = options.telegram ?? new FakeTelegram();
  const db = options.db ?? openDatabase(':memory:');
  const questionnairePath = questionnaireFile(options.questionnaire ?? SMALL_YAML);
  const config = loadConfig({
    BOT_TOKEN: telegram.token,
    ADMIN_CHAT_IDS: `${ADMIN_ID},${ADMIN_GROUP_ID}`,
    QUESTIONNAIRE_PATH: questionnairePath,
    ...(options.apiRoot ? { TELEGRAM_API_ROOT: options.apiRoot } : {}),
  });
  const logger = options.logger ?? pino({ level: 'silent' });
  // Whatever escapes the update handler (it should be nothing) is kept for the test to see.
  const escaped: unknown[] = [];
  const { bot, inbox, background } = createApp(config, {
    db,
    logger,
    pseudonymSecret: TEST_PSEUDONYM_SECRET,
    clock: options.now ?? (() => new Date()),
    botInfo: telegram.botInfo,
    onEscapedError: (error) => escaped.push(error),
  });
  inbox.start();
  connectBotToFake(bot, telegram, async (update) => {
    inbox.add([update]);
    await inbox.whenFinished(update.update_id);
  });
  telegram.group(ADMIN_GROUP_ID, 'Admins');
  const admin = telegram.user(ADMIN_ID, { first_name: 'Admin', language_code: 'en' });
  // The admin has talked to the bot before, so it may write first (digests, reports).
  telegram.addChat(ADMIN_ID);
  return {
    telegram,
    db,
    bot,
    inbox,
    escaped,
    config,
    /** Waits for work the bot started in the background (announcements). */
    settled: () => background.settled(10_000),
    questionnairePath,
    admin,
    resident: (id: number, language_code = 'zh-hant') => telegram.user(id, { first_name: `Resident ${id}`, language_code }),
    /** Opens a round as an admin would. */
    openRound: (title = 'Test round') => admin.send(`/open_round ${title}`),
  };
}

export type TestBot = ReturnType<typeof createTestBot>;
