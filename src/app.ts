import type { UserFromGetMe } from 'grammy/types';
import cron, { type ScheduledTask } from 'node-cron';
import { ALLOWED_UPDATES, createBot } from './bot/create-bot.js';
import { keepSettingCommandMenus } from './bot/command-menus.js';
import { announceRound } from './bot/outbound/announce-round.js';
import { createReminders } from './bot/outbound/reminders.js';
import { closeDueRound } from './bot/outbound/round-closing.js';
import { createFloodGuard, isJunkWhateverTheQuestion } from './bot/prompt/flood.js';
import { retireLostCopy } from './bot/prompt/live-prompt.js';
import type { Config } from './config.js';
import type { Db } from './db/client.js';
import { findOpenRound } from './db/rounds.js';
import { feedbackInProgress } from './db/feedback.js';
import { sweepParticipants } from './db/participants.js';
import { sendFeedback } from './bot/outbound/feedback.js';
import { createDigestRunner } from './digest/run.js';
import { scheduleDigest } from './digest/schedule.js';
import type { Logger } from './logger.js';
import { createFiguresThread } from './off-thread/figures-thread.js';
import { loadQuestionnaireFile } from './questionnaire/validate.js';
import { reachTelegram } from './transport/connect.js';
import { createUpdateHandler } from './transport/receive/handle-update.js';
import { createInbox } from './transport/receive/inbox.js';
import { createMessageWatch } from './transport/receive/message-watch.js';
import { receiveUpdates, type Receiver } from './transport/receive/receive-updates.js';
import { createBackgroundTasks } from './transport/send/background.js';

/*
 * The composition: every part of the bot wired once, here, for the process
 * (main.ts) and the tests' harness alike. Building it starts nothing; run()
 * reaches Telegram, schedules, and receives until stop().
 */

export interface AppDeps {
  db: Db;
  logger: Logger;
  /** The key of respondents' pseudonyms (main.ts loads it from its key file). */
  pseudonymSecret: string;
  /** The time the bot reads (rounds, deadlines, figures). The inbox's retries run on real time, as timers do. */
  clock?: () => Date;
  /** Who the bot is, when known without asking Telegram (tests). */
  botInfo?: UserFromGetMe;
  /** Sees whatever escapes the update handler (it should be nothing) before the inbox tries it again. */
  onEscapedError?: (error: unknown) => void;
}

export function createApp(config: Config, deps: AppDeps) {
  const { db, logger, pseudonymSecret, onEscapedError } = deps;
  const clock = deps.clock ?? (() => new Date());
  const loadQuestionnaire = () => loadQuestionnaireFile(config.questionnairePath);
  const background = createBackgroundTasks(logger);
  // What a repair after a crash may touch: the bot's messages, never a resident's.
  const messageWatch = createMessageWatch({ logger, db, retire: (chatId, messageId) => retireLostCopy(bot.api, db, chatId, messageId) });
  const figures = createFiguresThread({ db, logger });
  // A flooding chat's queued junk (stickers, photos, edits) is dropped at once.
  const flood = createFloodGuard((chatId) => {
    const dropped = inbox.dropQueued(`chat:${chatId}`, isJunkWhateverTheQuestion);
    logger.info({ chatId, dropped }, 'flooding chat: its queued junk is dropped');
  });
  const bot = createBot({
    background,
    config,
    db,
    logger,
    clock,
    pseudonymSecret,
    loadQuestionnaire,
    flood,
    messageWatch,
    figures,
    ...(deps.botInfo ? { botInfo: deps.botInfo } : {}),
  });
  const handle = createUpdateHandler(bot, logger);
  const inbox = createInbox({
    db,
    logger,
    clock: () => new Date(),
    watch: messageWatch,
    handle: onEscapedError
      ? (update, attempt) =>
          handle(update, attempt).catch((error: unknown) => {
            onEscapedError(error);
            throw error;
          })
      : handle,
  });
  const reminders = createReminders({ api: bot.api, db, config, logger, clock, pseudonymSecret, background });

  // Rounds with a deadline close within a minute of it, also after downtime.
  const closeDue = () =>
    closeDueRound({ api: bot.api, db, config, logger, figures }, new Date()).catch((error: unknown) =>
      logger.error({ err: error }, 'closing a round at its deadline failed'),
    );
  const digests = createDigestRunner({
    api: bot.api,
    db,
    config,
    logger,
    clock,
    gather: (to, leaveOutFlagged) => figures.run('digest', { to, leaveOutFlagged }),
  });
  const sendDigest = (scheduledAt: Date) =>
    digests.runScheduled(scheduledAt).catch((error: unknown) => logger.error({ err: error }, 'digest run failed'));

  const sweepParticipantLists = () => {
    try {
      const deleted = sweepParticipants(db, clock());
      if (deleted > 0) logger.info({ deleted }, 'lists of who took part in rounds closed 90 days ago deleted');
    } catch (error) {
      logger.error({ err: error }, 'sweeping the lists of who took part failed');
    }
  };

  const starting = new AbortController();
  /** The scheduled jobs (round deadlines, the digest, the participant-list sweep), stopped first on any stop. */
  const jobs: ScheduledTask[] = [];
  const stopJobs = async () => {
    for (const job of jobs.splice(0)) await job.stop();
  };
  let receiver: Receiver | undefined;
  let inboxStarted = false;

  return {
    bot,
    inbox,
    background,

    /** Reaches Telegram and receives updates until stop(), or until receiving fails for good. */
    async run(): Promise<void> {
      const me = await reachTelegram(config, logger, starting.signal);
      if (!me) return;
      bot.botInfo = me;
      // Cosmetic: set in the background, retried until Telegram takes them; residents are served meanwhile.
      background.run('command menus', () => keepSettingCommandMenus(bot.api, { ...config, logger, signal: starting.signal }));
      await closeDue();
      jobs.push(cron.schedule('* * * * *', closeDue, { name: 'round-deadlines' }));
      jobs.push(scheduleDigest(config.digestCron, config.digestTimezone, sendDigest));
      // An announcement cut short by a restart goes on where it stopped.
      const open = findOpenRound(db);
      if (open) background.run('announce round', () => announceRound({ api: bot.api, db, config, logger, background }, open));
      // Feedback cut short by a restart goes on with those not yet sent.
      for (const feedback of feedbackInProgress(db)) {
        background.run('send feedback', () => sendFeedback({ api: bot.api, db, config, logger, clock, background, figures }, feedback));
      }
      // Lists of who took part are kept 90 days after a close at most: swept now and daily.
      sweepParticipantLists();
      jobs.push(cron.schedule('17 3 * * *', sweepParticipantLists, { name: 'participants-sweep', timezone: config.digestTimezone }));
      // A digest missed while the bot was down goes out now, in the background.
      void digests.catchUp().catch((error: unknown) => logger.error({ err: error }, 'missed digest not sent'));

      // Bulk messages (announcements, reminders) let replies to residents go first.
      background.watchUpdates(() => inbox.pending());
      // What the last run left unfinished goes first.
      inboxStarted = true;
      inbox.start();
      reminders.start();
      if (starting.signal.aborted) return;
      receiver = await receiveUpdates({ api: bot.api, config, db, inbox, logger, allowedUpdates: ALLOWED_UPDATES, signal: starting.signal });
      await receiver.done;
    },

    /** A clean stop: receiving first, then the work in hand (updates, a digest, an announcement) is given time to finish. */
    async stop(): Promise<void> {
      starting.abort();
      await stopJobs();
      // Stop taking updates first; what was taken is in the inbox, and what is
      // left unfinished is handled at the next start.
      await receiver?.stop();
      await Promise.all([inboxStarted ? inbox.stop(3_500) : undefined, digests.settled(), background.settled(3_500), reminders.stop()]);
      await figures.close();
    },

    /** Stops whatever still runs, at once: nothing may keep the process alive. */
    async halt(): Promise<void> {
      await stopJobs();
      await reminders.stop();
      if (inboxStarted) await inbox.stop(0);
      await figures.close();
    },
  };
}

export type App = ReturnType<typeof createApp>;
