import type { Logger } from '../../logger.js';

/**
 * Work that outlives the update that started it (announcing a round to every
 * resident), so the update batch is not held up. Tracked, so a clean stop can
 * wait for it, and logged if it fails.
 */
export interface BackgroundTasks {
  run(name: string, work: () => Promise<unknown>): void;
  /** Resolves when every task has finished, or after `timeoutMs`. */
  settled(timeoutMs?: number): Promise<void>;
  /** How bulk work sees that residents are waiting for replies: updates in hand (the inbox). */
  watchUpdates(pending: () => number): void;
  /**
   * Called by bulk work (announcements, reminders) before each message: waits
   * while updates are in hand, so replies to residents go first, but never
   * longer than `maxWaitMs`, so a busy day still sees the bulk through.
   */
  yieldToUpdates(maxWaitMs?: number): Promise<void>;
}

const YIELD_STEP_MS = 25;

export function createBackgroundTasks(logger: Logger): BackgroundTasks {
  const running = new Set<Promise<unknown>>();
  let pending = () => 0;
  return {
    run(name, work) {
      const task = work()
        .catch((error: unknown) => logger.error({ task: name, err: error }, 'background task failed'))
        .finally(() => running.delete(task));
      running.add(task);
    },
    async settled(timeoutMs = 5_000) {
      const timeout = new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref());
      await Promise.race([Promise.all(running).then(() => undefined), timeout]);
    },
    watchUpdates(count) {
      pending = count;
    },
    async yieldToUpdates(maxWaitMs = 1_000) {
      for (let waited = 0; pending() > 0 && waited < maxWaitMs; waited += YIELD_STEP_MS) {
        await new Promise((resolve) => setTimeout(resolve, YIELD_STEP_MS));
      }
    },
  };
}
