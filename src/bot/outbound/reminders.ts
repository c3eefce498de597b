import { GrammyError, HttpError, type Api } from 'grammy';
import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import { findContact, reachableChatIds, setContactOptedOut } from '../../db/contacts.js';
import { claimReminder, dueReminders, releaseReminder, type DueReminder } from '../../db/reminders.js';
import { findOpenRound, type Round } from '../../db/rounds.js';
import type { Logger } from '../../logger.js';
import { respondentKey } from '../../privacy/pseudonym.js';
import { progressOf } from '../../questionnaire/engine.js';
import { REACH_TEXTS } from '../../texts/reach.js';
import { formatInZone } from '../../render/format.js';
import { currentResponse } from '../../survey/actions.js';
import type { BackgroundTasks } from '../../transport/send/background.js';
import { outboundKeyboard } from './buttons.js';
import { escapeHtml } from '../../render/html.js';

/*
 * Reminders: a resident who started the open round and has not finished is
 * reminded once, REMIND_AFTER after their last answer; a round with a
 * deadline also sends one last call, a day before it closes, to those still
 * unfinished. Never after the round closed, never to someone who finished,
 * blocked the bot or turned notifications off.
 *
 * Whom to write to: responses are keyed by an HMAC of the user id and the
 * contact list holds chat ids (the same number in a private chat) with no
 * link to responses. While the round is open a pass computes the HMAC of
 * each reachable contact's id, in memory only, and looks up the due
 * responses' keys there. What was sent is recorded on the response.
 */

export interface ReminderDeps {
  api: Api;
  db: Db;
  config: Config;
  logger: Logger;
  clock: () => Date;
  pseudonymSecret: string;
  background?: Pick<BackgroundTasks, 'yieldToUpdates'>;
}

/** The last call goes out this long before the deadline. */
export const LAST_CALL_BEFORE_MS = 24 * 60 * 60 * 1000;
/** Someone answering right now is not sent the last call in the middle of it. */
const LAST_CALL_QUIET_MS = 60 * 60 * 1000;
const PAGE = 200;

export interface ReminderCounts {
  sent: number;
  /** Due, but the chat blocked the bot, turned notifications off or is not known: not written to, not again this round. */
  skipped: number;
  unreachable: number;
}

/**
 * Sends the reminders and last calls that are due, one at a time at bulk
 * pace (the rate limiter, and replies to residents first). Stops early when
 * the round closes, when `shouldStop` says so, or when Telegram cannot be
 * reached (what is left goes out at the next pass).
 */
export async function sendDueReminders(deps: ReminderDeps, shouldStop: () => boolean = () => false): Promise<ReminderCounts> {
  const { db, config, logger, clock } = deps;
  const counts: ReminderCounts = { sent: 0, skipped: 0, unreachable: 0 };
  const remindAfter = config.remindAfterMs;
  const round = findOpenRound(db);
  if (remindAfter === null || !round) return counts;
  const now = clock();
  const lastCall =
    round.closesAt && now.getTime() >= round.closesAt.getTime() - LAST_CALL_BEFORE_MS
      ? new Date(now.getTime() - Math.min(remindAfter, LAST_CALL_QUIET_MS))
      : null;
  const remindBefore = new Date(now.getTime() - remindAfter);

  let chatOf: Map<string, number> | undefined;
  for (;;) {
    const due = dueReminders(db, round.id, remindBefore, lastCall, PAGE);
    if (due.length === 0) break;
    // Keys of everyone who may be written to, made once per pass and never stored.
    chatOf ??= new Map(reachableChatIds(db).map((chatId) => [respondentKey(deps.pseudonymSecret, chatId), chatId]));
    for (const reminder of due) {
      if (shouldStop() || findOpenRound(db)?.id !== round.id) return done(logger, round, counts);
      const outcome = await sendReminder(deps, round, reminder, chatOf.get(reminder.respondentKey));
      if (outcome === 'paused') return done(logger, round, counts);
      counts[outcome]++;
    }
  }
  return done(logger, round, counts);
}

function done(logger: Logger, round: Round, counts: ReminderCounts): ReminderCounts {
  if (counts.sent + counts.skipped + counts.unreachable > 0) logger.info({ roundId: round.id, ...counts }, 'reminders sent');
  return counts;
}

async function sendReminder(
  deps: ReminderDeps,
  round: Round,
  reminder: DueReminder,
  chatId: number | undefined,
): Promise<keyof ReminderCounts | 'paused'> {
  const { db, config, clock } = deps;
  const claimedAt = clock();
  // Taken in hand first, so a second pass (or a restart) never sends it again.
  if (!claimReminder(db, reminder.responseId, reminder.kind, claimedAt)) return 'skipped';
  const contact = chatId === undefined ? undefined : findContact(db, chatId);
  if (!contact || contact.optedOut || contact.notificationsOff) return 'skipped';
  const state = currentResponse(db, { round, respondentKey: reminder.respondentKey });
  if (!state || state.status !== 'partial') return 'skipped';

  const t = REACH_TEXTS[state.language];
  const title = escapeHtml(round.questionnaire.title[state.language]);
  const text =
    reminder.kind === 'last_call'
      ? t.lastCall({ title, closes: formatInZone(round.closesAt ?? claimedAt, config.digestTimezone) })
      : t.reminder({
          title,
          ...(state.cursor === null
            ? { position: null, total: 0 }
            : progressOf(round.questionnaire, state.answers, state.cursor)),
        });
  try {
    await deps.background?.yieldToUpdates();
    await deps.api.sendMessage(contact.chatId, text, { parse_mode: 'HTML', reply_markup: outboundKeyboard(state.language, round.id) });
    // If the process dies between Telegram taking the message and this
    // function returning, nothing more is lost: the claim was written first,
    // so the reminder is not sent again. In the other crash window (claimed, not
    // yet sent) the resident misses this one reminder: at most once, because a
    // doubled reminder is worse than a missing one.
    return 'sent';
  } catch (error) {
    if (error instanceof GrammyError && (error.error_code === 403 || error.error_code === 400)) {
      // Blocked, deleted or never reachable: skip this chat, and keep it off bulk messages until it writes again.
      if (error.error_code === 403) setContactOptedOut(db, contact.chatId, true);
      return 'unreachable';
    }
    if (error instanceof HttpError || error instanceof GrammyError) {
      releaseReminder(db, reminder.responseId, reminder.kind, claimedAt);
      deps.logger.warn({ roundId: round.id, err: error.message }, 'reminders paused; they go on at the next pass');
      return 'paused';
    }
    throw error;
  }
}

export interface Reminders {
  /** Sends what is due now (also what a restart left), then every `interval`. */
  start(): void;
  /** No new pass; waits for the one in hand. */
  stop(): Promise<void>;
}

/** Looks for due reminders often enough for REMIND_AFTER: a quarter of it, between half a second and a minute. */
export function createReminders(deps: ReminderDeps): Reminders {
  const remindAfter = deps.config.remindAfterMs;
  const interval = Math.min(60_000, Math.max(500, (remindAfter ?? 0) / 4));
  let timer: NodeJS.Timeout | undefined;
  let pass: Promise<unknown> | undefined;
  let stopped = false;
  const tick = () => {
    if (pass || stopped) return;
    pass = sendDueReminders(deps, () => stopped)
      .catch((error: unknown) => deps.logger.error({ err: error }, 'reminder pass failed'))
      .finally(() => (pass = undefined));
  };
  return {
    start() {
      if (remindAfter === null) return;
      tick();
      timer = setInterval(tick, interval);
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await pass;
    },
  };
}
