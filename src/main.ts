import { config as loadDotenv } from 'dotenv';
import { Api, GrammyError } from 'grammy';
import cron, { type ScheduledTask } from 'node-cron';
import { closeDueRound } from './bot/admin/round-closing.js';
import { createDigestRunner } from './digest/run.js';
import { announceRound } from './bot/announce-round.js';
import { createBackgroundTasks } from './bot/background.js';
import { findOpenRound } from './db/rounds.js';
import { scheduleDigest } from './digest/schedule.js';
import { setCommandMenus } from './bot/command-menus.js';
import { ALLOWED_UPDATES, createBot } from './bot/create-bot.js';
import { startPolling, type Polling } from './bot/polling.js';
import { ConfigError, loadConfig } from './config.js';
import { closeDatabase, openDatabase } from './db/client.js';
import { createLogger } from './logger.js';
import { loadPseudonymSecret } from './privacy/pseudonym.js';
import { loadQuestionnaireFile } from './questionnaire/validate.js';

/** A clean stop waits this long at most for work in hand (updates, a digest, an announcement). */
const STOP_DEADLINE_MS = 5_000;

/** The composition root: the one place that starts anything and handles signals. */
async function main(): Promise<void> {
  loadDotenv({ quiet: true });
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel);

  const loadQuestionnaire = () => loadQuestionnaireFile(config.questionnairePath);
  const questionnaire = loadQuestionnaire();
  if (!questionnaire.ok) {
    throw new ConfigError(
      `QUESTIONNAIRE_PATH (${config.questionnairePath}) is not a valid questionnaire:\n` +
        questionnaire.problems.map((problem) => `  - ${problem}`).join('\n'),
    );
  }

  const db = openDatabase(config.databasePath);
  logger.info({ database: config.databasePath }, 'database ready');
  const background = createBackgroundTasks(logger);
  const bot = createBot({
    background,
    config,
    db,
    logger,
    clock: () => new Date(),
    pseudonymSecret: loadPseudonymSecret(db),
    loadQuestionnaire,
  });

  // Rounds with a deadline close within a minute of it, also after downtime.
  const closeDue = () =>
    closeDueRound({ api: bot.api, db, config, logger }, new Date()).catch((error: unknown) =>
      logger.error({ err: error }, 'closing a round at its deadline failed'),
    );

  const digests = createDigestRunner({ api: bot.api, db, config, logger, clock: () => new Date() });
  const sendDigest = (scheduledAt: Date) =>
    digests.runScheduled(scheduledAt).catch((error: unknown) => logger.error({ err: error }, 'digest run failed'));

  let deadlineJob: ScheduledTask | undefined;
  let digestJob: ScheduledTask | undefined;
  let polling: Polling | undefined;
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
      await deadlineJob?.stop();
      await digestJob?.stop();
      // At once: stop fetching updates and let the batch in hand finish (then
      // confirm it), let a digest run or an announcement reach a safe point.
      await Promise.all([polling?.stop(3_500), digests.settled(), background.settled(3_500)]);
      closeDatabase(db);
      logger.info('stopped');
    })();
    return stopping;
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));

  try {
    await bot.init();
    await setCommandMenus(bot.api, { ...config, logger });
    await closeDue();
    deadlineJob = cron.schedule('* * * * *', closeDue, { name: 'round-deadlines' });
    digestJob = scheduleDigest(config.digestCron, config.digestTimezone, sendDigest);
    // An announcement cut short by a restart goes on where it stopped.
    const open = findOpenRound(db);
    if (open) background.run('announce round', () => announceRound({ api: bot.api, db, config, logger }, open));
    // A digest missed while the bot was down goes out now, in the background.
    void digests.catchUp().catch((error: unknown) => logger.error({ err: error }, 'missed digest not sent'));
    const confirmClient = new Api(config.botToken, { ...(config.telegramApiRoot ? { apiRoot: config.telegramApiRoot } : {}), timeoutSeconds: 3 });
    polling = startPolling(bot, {
      allowedUpdates: ALLOWED_UPDATES,
      logger,
      confirm: (offset) => confirmClient.getUpdates({ offset, limit: 1, timeout: 0 }),
      onStart: () => logger.info({ username: bot.botInfo.username }, 'polling for updates'),
    });
    await polling.done;
    await stopping;
  } finally {
    // Also when polling failed for good: nothing may keep the process alive.
    await deadlineJob?.stop();
    await digestJob?.stop();
    closeDatabase(db);
  }
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(error.message);
  } else if (error instanceof GrammyError && error.error_code === 401) {
    console.error('Telegram refused BOT_TOKEN (401 Unauthorized): check the token @BotFather gave you.');
  } else {
    console.error('manyi could not start:', error instanceof Error ? error.message : error);
  }
  process.exitCode = 1;
});
