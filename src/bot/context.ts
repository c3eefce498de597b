import type { Context } from 'grammy';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import type { Contact } from '../db/contacts.js';
import type { Preview } from '../db/previews.js';
import type { Logger } from '../logger.js';
import type { FiguresThread } from '../off-thread/figures-thread.js';
import type { Language } from '../questionnaire/languages.js';
import type { ValidatedSource } from '../questionnaire/validate.js';
import type { MessageWatch } from '../transport/receive/message-watch.js';
import type { BackgroundTasks } from '../transport/send/background.js';
import type { FloodGuard } from './prompt/flood.js';
import type { SettledMessages } from './prompt/settled-messages.js';

export interface BotDeps {
  config: Config;
  db: Db;
  logger: Logger;
  clock: () => Date;
  /** Secret behind respondent keys (privacy/pseudonym.ts). */
  pseudonymSecret: string;
  /** Reads the questionnaire file afresh (its text and what validation found), as a round opens. */
  loadQuestionnaire: () => ValidatedSource;
  /** Work that must not hold up the updates (announcing a round). */
  background: BackgroundTasks;
  /** Decides when a chat sending junk is flooding (bot/prompt/flood.ts). */
  flood: FloodGuard;
  /** Which messages are the residents' and when all of Telegram's updates are in (transport/receive/message-watch.ts). */
  messageWatch: MessageWatch;
  /** Whole-round figures, the workbook and pictures, computed off the residents' thread. */
  figures: FiguresThread;
}

export interface BotContextFlavor {
  deps: BotDeps;
  /** Logger bound to this update. */
  log: Logger;
  /** The language to answer this update in. */
  language: Language;
  /** The chat's contact row, read once per update and kept current by the prompt's writes. */
  contact: Contact | undefined;
  /** The preview under way in an admin's private chat (features/preview.ts), kept current like `contact`. */
  preview: Preview | undefined;
  settled: SettledMessages;
  /** The live prompt as this update left it, written once when the update is done (bot/prompt/live-prompt.ts). */
  promptChanged?: boolean;
  promptRecord?: { messageId: number; shows: string } | null;
}

export type BotContext = Context & BotContextFlavor;
