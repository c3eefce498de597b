import { GrammyError, HttpError, type Api } from 'grammy';
import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import { contactLanguage, findContact } from '../../db/contacts.js';
import { countFeedback, finishFeedback, findFeedback, type Feedback } from '../../db/feedback.js';
import { forgetParticipant, forgetParticipants, participantsPage, recordParticipant } from '../../db/participants.js';
import { findRound } from '../../db/rounds.js';
import type { Logger } from '../../logger.js';
import type { Language } from '../../questionnaire/languages.js';
import { feedbackMessage } from '../../reports/feedback-message.js';
import type { FiguresThread } from '../../off-thread/figures-thread.js';
import type { BackgroundTasks } from '../../transport/send/background.js';
import { outboundKeyboard } from './buttons.js';

export interface FeedbackDeps {
  api: Api;
  db: Db;
  config: Config;
  logger: Logger;
  clock: () => Date;
  /** Where the round's figures are computed, off the residents' thread. */
  figures: Pick<FiguresThread, 'run'>;
  /** Lets replies to residents go first (see BackgroundTasks.yieldToUpdates). */
  background?: Pick<BackgroundTasks, 'yieldToUpdates'>;
}

const PAGE = 100;

/**
 * Sends a confirmed feedback to everyone still on its round's list of who
 * took part, in their language, paced like announcements. Each chat leaves
 * the list as its turn comes (sent, or left out: blocked, notifications
 * off), so a restart goes on with those not yet sent and nobody gets it twice; once the
 * list is empty the feedback is sent and the list is gone. Stops when the
 * network fails (resumed at the next start).
 */
export async function sendFeedback(deps: FeedbackDeps, feedback: Feedback): Promise<{ delivered: number; skipped: number }> {
  const { db, config, logger } = deps;
  const counts = { delivered: 0, skipped: 0 };
  const round = findRound(db, feedback.roundId);
  if (!round) return counts;
  const figures = await deps.figures.run('roundFigures', { roundId: round.id, leaveOutFlagged: config.qualityFilter });
  const messages = new Map<Language, string>();
  const messageIn = (language: Language) => {
    let message = messages.get(language);
    if (message === undefined) messages.set(language, (message = feedbackMessage(round, figures, feedback.text, language)));
    return message;
  };
  const leaveOut = (chatId: number) => {
    forgetParticipant(db, round.id, chatId);
    countFeedback(db, feedback.id, 'skipped');
    counts.skipped++;
  };
  for (;;) {
    const page = participantsPage(db, round.id, PAGE);
    if (page.length === 0) break;
    for (const chatId of page) {
      await deps.background?.yieldToUpdates();
      // Looked at when its turn comes: the resident may have said "don't notify me" meanwhile.
      const contact = findContact(db, chatId);
      if (!contact || contact.optedOut || contact.notificationsOff) {
        leaveOut(chatId);
        continue;
      }
      const language = contactLanguage(contact, config.defaultLanguage);
      // Off the list before the send: a crash in between costs this resident the message, never sends it twice.
      forgetParticipant(db, round.id, chatId);
      try {
        await deps.api.sendMessage(chatId, messageIn(language), { parse_mode: 'HTML', reply_markup: outboundKeyboard(language) });
      } catch (error) {
        if (error instanceof GrammyError && (error.error_code === 403 || error.error_code === 400)) {
          // Blocked, deleted or never reachable: not tried again.
          countFeedback(db, feedback.id, 'skipped');
          counts.skipped++;
          continue;
        }
        if (error instanceof HttpError || error instanceof GrammyError) {
          // Not sent: back on the list for the next start.
          recordParticipant(db, round.id, chatId);
          logger.warn({ roundId: round.id, err: error.message }, 'feedback paused; it resumes at the next start');
          return counts;
        }
        throw error;
      }
      countFeedback(db, feedback.id, 'delivered');
      counts.delivered++;
    }
  }
  // Sent: the list of who took part goes with it.
  forgetParticipants(db, round.id);
  finishFeedback(db, feedback.id, deps.clock());
  logger.info({ roundId: round.id, ...counts, total: findFeedback(db, feedback.id)?.delivered }, 'feedback sent');
  return counts;
}
