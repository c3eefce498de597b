import type { AdminChatDeps } from '../transport/send/admin-chats.js';
import { settingOrInit } from '../db/settings.js';
import { composeDigest } from './compose.js';
import { gatherDigest, type DigestData } from './content.js';
import { deliverRun, wasDelivered, type DeliveryReport } from './delivery.js';
import { previousRun, runKey } from './schedule.js';

export interface DigestDeps extends AdminChatDeps {
  clock: () => Date;
  /** Gathers the figures (app.ts: in the figures worker); without it, gatherDigest on this thread. */
  gather?: (to: Date, leaveOutFlagged: boolean) => Promise<DigestData>;
}

/**
 * Sends the digest of the run scheduled at `scheduledAt` to every admin chat
 * that has not had it; `lateFor` marks a run sent after it was due.
 */
export async function runScheduledDigest(deps: DigestDeps, scheduledAt: Date, lateFor: Date | null): Promise<DeliveryReport> {
  const gather = deps.gather ?? ((to, leaveOutFlagged) => gatherDigest(deps.db, to, leaveOutFlagged));
  const data = await gather(scheduledAt, deps.config.qualityFilter);
  const timeZone = deps.config.digestTimezone;
  return deliverRun(deps, runKey(scheduledAt), (language) =>
    composeDigest(data, { language, timeZone, lateFor }, deps.logger),
  );
}

/**
 * At start-up: if the latest scheduled run of the past seven days did not
 * reach every admin chat (the bot was down), sends it now, saying it is late.
 * Runs from before the bot's first start are not "missed".
 */
export async function catchUpMissedDigest(deps: DigestDeps): Promise<DeliveryReport | null> {
  const now = deps.clock();
  const firstStart = new Date(settingOrInit(deps.db, 'first_started_at', () => now.toISOString()));
  const missed = previousRun(deps.config.digestCron, deps.config.digestTimezone, now);
  if (!missed || missed < firstStart) return null;
  const key = runKey(missed);
  if (deps.config.adminChatIds.every((chatId) => wasDelivered(deps.db, key, chatId))) return null;
  deps.logger.info({ runKey: key }, 'sending a digest missed while the bot was down');
  return runScheduledDigest(deps, missed, missed);
}

export interface DigestRunner {
  runScheduled(scheduledAt: Date): Promise<DeliveryReport>;
  catchUp(): Promise<DeliveryReport | null>;
  /** Resolves when no run is in progress (for a clean stop). */
  settled(): Promise<void>;
}

/**
 * Runs digests one after another, so the start-up catch-up and a scheduled
 * run of the same slot cannot both send to a chat before either records it.
 */
export function createDigestRunner(deps: DigestDeps): DigestRunner {
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => undefined);
    return next;
  };
  return {
    runScheduled: (scheduledAt) => serial(() => runScheduledDigest(deps, scheduledAt, null)),
    catchUp: () => serial(() => catchUpMissedDigest(deps)),
    settled: () => queue.then(() => undefined),
  };
}
