import { config as loadDotenv } from 'dotenv';
import { GrammyError } from 'grammy';
import { createApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { closeDatabase, openDatabase } from './db/client.js';
import { tuneHeap } from './heap-tuning.js';
import { createLogger } from './logger.js';
import { keyFilePath, loadPseudonymSecret } from './privacy/pseudonym.js';
import { loadQuestionnaireFile } from './questionnaire/validate.js';
import { describeApiFailure } from './transport/network.js';

/** A clean stop waits this long at most for work in hand (updates, a digest, an announcement). */
const STOP_DEADLINE_MS = 5_000;

/** The process: configuration, the database, signals and exit codes. What runs is built by createApp. */
async function main(): Promise<void> {
  tuneHeap();
  loadDotenv({ quiet: true });
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel, {
    secrets: [config.botToken, ...(config.webhook?.secret ? [config.webhook.secret] : []), ...(config.pseudonymSecret ? [config.pseudonymSecret] : [])],
  });

  const questionnaire = loadQuestionnaireFile(config.questionnairePath);
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
  const app = createApp(config, { db, logger, pseudonymSecret });

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
      await app.stop();
      closeDatabase(db);
      logger.info('stopped');
    })();
    return stopping;
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));

  try {
    await app.run();
    await stopping;
  } finally {
    // Also when receiving failed for good: nothing may keep the process alive.
    await app.halt();
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
