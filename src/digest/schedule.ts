import cron, { type ScheduledTask } from 'node-cron';

export const WEEK_MS = 7 * 24 * 60 * 60 * 1000;

/** A scheduled run's key: its scheduled instant, to the second. The same run always has the same key. */
export function runKey(scheduledAt: Date): string {
  return new Date(Math.floor(scheduledAt.getTime() / 1000) * 1000).toISOString();
}

/**
 * The latest time at or before `now` when `expression` fires in `timeZone`,
 * looking back at most `lookbackMs`; null if it did not fire in that span.
 */
export function previousRun(expression: string, timeZone: string, now: Date, lookbackMs = WEEK_MS): Date | null {
  const task = cron.createTask(expression, () => undefined, { timezone: timeZone });
  try {
    const seconds = [...cron.parse(expression).second].sort((a, b) => b - a);
    const minute = 60_000;
    const earliest = now.getTime() - lookbackMs;
    // Walk back minute by minute, trying only the seconds the expression allows.
    for (let start = Math.floor(now.getTime() / minute) * minute; start >= earliest - minute; start -= minute) {
      for (const second of seconds) {
        const candidate = start + second * 1000;
        if (candidate > now.getTime() || candidate < earliest) continue;
        if (task.match(new Date(candidate))) return new Date(candidate);
      }
    }
    return null;
  } finally {
    void task.destroy();
  }
}

/**
 * Runs `onRun` with each scheduled instant. Runs never overlap: a slow
 * delivery delays the next one rather than racing it.
 */
export function scheduleDigest(
  expression: string,
  timeZone: string,
  onRun: (scheduledAt: Date) => Promise<unknown>,
): ScheduledTask {
  return cron.schedule(expression, (context) => onRun(context.date), {
    timezone: timeZone,
    name: 'weekly-digest',
    noOverlap: true,
  });
}
