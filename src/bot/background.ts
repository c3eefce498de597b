import type { Logger } from '../logger.js';

/**
 * Work that outlives the update that started it (announcing a round to every
 * resident), so the update batch is not held up. Tracked, so a clean stop can
 * wait for it, and logged if it fails.
 */
export interface BackgroundTasks {
  run(name: string, work: () => Promise<unknown>): void;
  /** Resolves when every task has finished, or after `timeoutMs`. */
  settled(timeoutMs?: number): Promise<void>;
}

export function createBackgroundTasks(logger: Logger): BackgroundTasks {
  const running = new Set<Promise<unknown>>();
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
  };
}
