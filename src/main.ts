import { config as loadDotenv } from 'dotenv';
import { GrammyError } from 'grammy';
import cron, { type ScheduledTask } from 'node-cron';
import { closeDueRound } from './bot/outbound/round-closing.js';
import { announceRound } from './bot/outbound/announce-round.js';
import { createBackgroundTasks } from './transport/send/background.js';
import { keepSettingCommandMenus } from './bot/command-menus.js';
import { createReminders } from './bot/outbound/reminders.js';
import { ALLOWED_UPDATES, createBot } from './bot/create-bot.js';
import { createFloodGuard, isJunkWhateverTheQuestion } from './bot/prompt/flood.js';
import { ConfigError, loadConfig } from './config.js';
import { closeDatabase, openDatabase } from './db/client.js';
import { findOpenRound } from './db/rounds.js';
import { createDigestRunner } from './digest/run.js';
import { scheduleDigest } from './digest/schedule.js';
import { createLogger } from './logger.js';
import { keyFilePath, loadPseudonymSecret } from './privacy/pseudonym.js';
import { loadQuestionnaireFile } from './questionnaire/validate.js';
import { reachTelegram } from './transport/connect.js';
import { describeApiFailure } from './transport/network.js';
import { createUpdateHandler } from './transport/receive/handle-update.js';
import { createInbox, type Inbox } from './transport/receive/inbox.js';
import { receiveUpdates, type Receiver } from './transport/receive/receive-updates.js';

/** A clean stop waits this long at most for work in hand (updates, a digest, an announcement). */
const STOP_DEADLINE_MS = 5_000;

/** The composition root: the one place that starts anything and handles signals. */
async function main(): Promise<void> {
  loadDotenv({ quiet: true });
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel, {
    secrets: [config.botToken, ...(config.webhook?.secret ? [config.webhook.secret] : []), ...(config.pseudonymSecret ? [config.pseudonymSecret] : [])],
  });

  const loadQuestionnaire = () => loadQuestionnaireFile(config.questionnairePath);
  const questionnaire = loadQuestionnaire();
  if (!questionnaire.ok) {
    throw new ConfigError(
      `QUESTIONNAIRE_PATH (${config.questionnairePath}) is not a valid questionnaire:\n` +
        questionnaire.problems.map((problem) => `  - ${problem}`).join('\n'),
    );
  }

  const db = openDatabase(config.databasePath);
  const keyFile = keyFilePath(config.databasePath);
  const pseudonymSecret = loadPseudonymSecret(db, { configured: config.pseudonymSecret, keyFile });
  logger.info({ database: config.databasePath, ...(config.pseudonymSecret ? {} : { keyFile }) }, 'database ready');
  if (config.adminUserIds.length === 0 && config.adminChatIds.length > 0) {
    logger.warn('ADMIN_USER_IDS is not set: every member of an admin chat may open and close rounds, upload questionnaires and export');
  }
  const clock = () => new Date();
  const background = createBackgroundTasks(logger);
  let inbox: Inbox | undefined;
  // A flooding chat's queued junk (stickers, photos, edits) is dropped at once.
  const flood = createFloodGuard((chatId) => {
    const dropped = inbox?.dropQueued(`chat:${chatId}`, isJunkWhateverTheQuestion) ?? 0;
    logger.info({ chatId, dropped }, 'flooding chat: its queued junk is dropped');
  });
  const bot = createBot({ background, config, db, logger, clock, pseudonymSecret, loadQuestionnaire, flood });
  const reminders = createReminders({ api: bot.api, db, config, logger, clock, pseudonymSecret, background });

  // Rounds with a deadline close within a minute of it, also after downtime.
  const closeDue = () =>
    closeDueRound({ api: bot.api, db, config, logger }, new Date()).catch((error: unknown) =>
      logger.error({ err: error }, 'closing a round at its deadline failed'),
    );
  const digests = createDigestRunner({ api: bot.api, db, config, logger, clock });
  const sendDigest = (scheduledAt: Date) =>
    digests.runScheduled(scheduledAt).catch((error: unknown) => logger.error({ err: error }, 'digest run failed'));

  const starting = new AbortController();
  let deadlineJob: ScheduledTask | undefined;
  let digestJob: ScheduledTask | undefined;
  let receiver: Receiver | undefined;
  let stopping: Promise<void> | undefined;
  const stop = (signal: string) => {
    // However the network behaves, the process is gone within STOP_DEADLINE_MS.
    setTimeout(() => {
      logger.warn({ deadlineMs: STOP_DEADLINE_MS }, 'stop took too long; exiting now');
      closeDatabase(db);
      process.exit(0);
    }, STOP_DEADLINE_MS).unref();
    stopping ??= (async () => {
      logger.info({ signal }, 'stopping');
      starting.abort();
      await deadlineJob?.stop();
      await digestJob?.stop();
      // Stop taking updates first; what was taken is in the inbox, and what is
      // left unfinished is handled at the next start.
      await receiver?.stop();
      await Promise.all([inbox?.stop(3_500), digests.settled(), background.settled(3_500), reminders.stop()]);
      closeDatabase(db);
      logger.info('stopped');
    })();
    return stopping;
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));

  try {
    const me = await reachTelegram(config, logger, starting.signal);
    if (!me) return void (await stopping);
    bot.botInfo = me;
    // Cosmetic: set in the background, retried until Telegram takes them; residents are served meanwhile.
    background.run('command menus', () => keepSettingCommandMenus(bot.api, { ...config, logger, signal: starting.signal }));
    await closeDue();
    deadlineJob = cron.schedule('* * * * *', closeDue, { name: 'round-deadlines' });
    digestJob = scheduleDigest(config.digestCron, config.digestTimezone, sendDigest);
    // An announcement cut short by a restart goes on where it stopped.
    const open = findOpenRound(db);
    if (open) background.run('announce round', () => announceRound({ api: bot.api, db, config, logger, background }, open));
    // A digest missed while the bot was down goes out now, in the background.
    void digests.catchUp().catch((error: unknown) => logger.error({ err: error }, 'missed digest not sent'));

    inbox = createInbox({ db, logger, clock, handle: createUpdateHandler(bot, logger) });
    // Bulk messages (announcements, reminders) let replies to residents go first.
    const updates = inbox;
    background.watchUpdates(() => updates.pending());
    // What the last run left unfinished goes first.
    inbox.start();
    reminders.start();
    if (starting.signal.aborted) return void (await stopping);
    receiver = await receiveUpdates({ api: bot.api, config, db, inbox, logger, allowedUpdates: ALLOWED_UPDATES });
    await receiver.done;
    await stopping;
  } finally {
    // Also when receiving failed for good: nothing may keep the process alive.
    await deadlineJob?.stop();
    await digestJob?.stop();
    await reminders.stop();
    await inbox?.stop(0);
    closeDatabase(db);
  }
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(error.message);
  } else if (error instanceof GrammyError && error.error_code === 401) {
    console.error('Telegram refused BOT_TOKEN (401 Unauthorized): check the token @BotFather gave you.');
  } else if (error instanceof GrammyError && error.error_code === 409) {
    console.error(
      'Telegram refused to deliver updates (409 Conflict): another copy of this bot is fetching them. Stop the other one first.',
    );
  } else {
    console.error('manyi could not start:', describeApiFailure(error));
  }
  process.exitCode = 1;
});
