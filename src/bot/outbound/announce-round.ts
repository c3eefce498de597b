import { GrammyError, HttpError } from 'grammy';
import type { Config } from '../../config.js';
import { contactLanguage, contactsToAnnounce, findContact, markAnnounced, unmarkAnnounced } from '../../db/contacts.js';
import type { Db } from '../../db/client.js';
import { findOpenRound, type Round } from '../../db/rounds.js';
import type { Logger } from '../../logger.js';
import type { Api } from 'grammy';
import type { BackgroundTasks } from '../../transport/send/background.js';
import { outboundKeyboard } from './buttons.js';
import { estimatedMinutes } from '../prompt/question-view.js';
import { escapeHtml } from '../../render/html.js';
import { TEXTS } from '../../texts/resident.js';

export interface AnnounceDeps {
  api: Api;
  db: Db;
  config: Config;
  logger: Logger;
  /** Lets replies to residents go first (see BackgroundTasks.yieldToUpdates). */
  background?: Pick<BackgroundTasks, 'yieldToUpdates'>;
}

const PAGE = 100;

/**
 * Tells every contact who has not blocked the bot or turned notifications off
 * that a round is open, in the language they last used, with a "don't notify
 * me" button. Progress is stored per contact, each marked as its turn comes,
 * before its message is sent, so after a restart it resumes where it stopped
 * and nobody is told twice; the rate limiter paces the sends.
 * Stops early if the round closes or the network fails (resumed at the next start).
 */
export async function announceRound(deps: AnnounceDeps, round: Round): Promise<{ sent: number; unreachable: number }> {
  const { db, config, logger } = deps;
  const counts = { sent: 0, unreachable: 0 };
  for (;;) {
    if (findOpenRound(db)?.id !== round.id) break;
    const page = contactsToAnnounce(db, round.id, PAGE);
    if (page.length === 0) break;
    for (const contact of page) {
      const language = contactLanguage(contact, config.defaultLanguage);
      const q = round.questionnaire;
      const text = TEXTS[language].roundAnnouncement({
        title: escapeHtml(q.title[language]),
        questions: q.questions.length,
        minutes: estimatedMinutes(q),
      });
      await deps.background?.yieldToUpdates();
      // Looked at again: while this waited its turn the resident may have come to the round, or said "don't notify me".
      const now = findContact(db, contact.chatId);
      if (!now || now.optedOut || now.notificationsOff || (now.announcedRoundId ?? 0) >= round.id) continue;
      // Marked before the send, like feedback: a crash once Telegram has taken the message but before
      // the bot hears back would otherwise announce it again at the next start (bulk-sigkill.test.ts).
      // A crash in between costs this resident the announcement, never sends it twice.
      markAnnounced(db, contact.chatId, round.id, false);
      try {
        await deps.api.sendMessage(contact.chatId, text, { parse_mode: 'HTML', reply_markup: outboundKeyboard(language) });
        counts.sent++;
      } catch (error) {
        if (error instanceof GrammyError && (error.error_code === 403 || error.error_code === 400)) {
          // Blocked, deleted or never reachable: do not try this chat again.
          markAnnounced(db, contact.chatId, round.id, error.error_code === 403);
          counts.unreachable++;
          continue;
        }
        if (error instanceof HttpError || error instanceof GrammyError) {
          // Not sent: unmarked, so the next start tries this chat again.
          unmarkAnnounced(db, contact.chatId, now.announcedRoundId);
          logger.warn({ roundId: round.id, err: error.message }, 'announcement paused; it resumes at the next start');
          return counts;
        }
        throw error;
      }
    }
  }
  logger.info({ roundId: round.id, ...counts }, 'round announced');
  return counts;
}
