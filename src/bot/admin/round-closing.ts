import type { Db } from '../../db/client.js';
import { closeRoundIfDue, responseCounts, type Round } from '../../db/rounds.js';
import { ADMIN_TEXTS } from '../admin-texts.js';
import { escapeHtml } from '../texts.js';
import { sendToAdminChats, type AdminChatDeps } from './admin-chats.js';

/** Sends every admin chat the final report of a round that just closed; returns the chats reached. */
export async function announceClosedRound(deps: AdminChatDeps, round: Round, automatically: boolean): Promise<number[]> {
  const counts = responseCounts(deps.db, round.id);
  return sendToAdminChats(deps, (language) =>
    ADMIN_TEXTS[language].roundClosed({ id: round.id, title: escapeHtml(round.title), ...counts, automatically }),
  );
}

/** Closes the open round if its deadline has passed, and announces it. Run every minute and at start-up. */
export async function closeDueRound(deps: AdminChatDeps & { db: Db }, now: Date): Promise<Round | null> {
  const round = closeRoundIfDue(deps.db, now);
  if (!round) return null;
  deps.logger.info({ roundId: round.id }, 'round closed at its deadline');
  await announceClosedRound(deps, round, true);
  return round;
}
