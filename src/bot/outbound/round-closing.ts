import { eraseOwedWal, type Db } from '../../db/client.js';
import type { FiguresThread } from '../../off-thread/figures-thread.js';
import { closeRoundIfDue, type Round } from '../../db/rounds.js';
import { unlinkLatePrompts } from '../../db/unlink.js';
import { renderFinalReport } from '../../reports/final-report.js';
import { ADMIN_TEXTS } from '../../texts/admin.js';
import { escapeHtml } from '../../render/html.js';
import { sendToAdminChats, type AdminChatDeps } from '../../transport/send/admin-chats.js';

/** Sends every admin chat the final report of a round that just closed; returns the chats reached. */
export async function announceClosedRound(
  deps: AdminChatDeps & { figures: FiguresThread },
  round: Round,
  automatically: boolean,
): Promise<number[]> {
  const report = await deps.figures.run('roundReport', { roundId: round.id, leaveOutFlagged: deps.config.qualityFilter });
  const { figures } = report;
  return sendToAdminChats(deps, (language) => {
    const closed = ADMIN_TEXTS[language].roundClosed({
      id: round.id,
      title: escapeHtml(round.title),
      started: figures.counts.started,
      completed: figures.counts.completed,
      automatically,
    });
    return `${closed}\n\n${renderFinalReport(report, language, deps.config.digestTimezone)}`;
  });
}

/**
 * Closes the open round if its deadline has passed, and announces it. Run
 * every minute and at start-up, when it also unlinks prompts recorded late
 * and finishes a WAL erasure that a reader held off.
 */
export async function closeDueRound(deps: AdminChatDeps & { db: Db; figures: FiguresThread }, now: Date): Promise<Round | null> {
  // A close or prune whose WAL erasure a reader held off is finished now.
  eraseOwedWal(deps.db);
  const late = unlinkLatePrompts(deps.db);
  if (late > 0) deps.logger.info({ prompts: late }, 'prompts recorded after their round closed were unlinked');
  const round = closeRoundIfDue(deps.db, now);
  if (!round) return null;
  deps.logger.info({ roundId: round.id }, 'round closed at its deadline');
  await announceClosedRound(deps, round, true);
  return round;
}
