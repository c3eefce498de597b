import { apiThrottler } from '@grammyjs/transformer-throttler';

/*
 * Outgoing calls kept under Telegram's limits, so a burst (a round opening, an
 * announcement) does not earn flood waits: about 30 per second overall, 20 per
 * minute in a group, and in a private chat one per second sustained with a
 * small burst — a press costs one call (its question edited into the next),
 * a typed answer two, and a resident reading a question for a few seconds
 * never waits. A press's answer (answerCallbackQuery) names no chat and is
 * not held back.
 */

/** Per-chat limiters idle this long are dropped, so memory does not grow with every resident ever seen. */
const IDLE_LIMITER_MS = 60_000;

export function telegramRateLimits() {
  return apiThrottler({
    // Evenly spaced rather than 30 per clock second: no sliding second ever sees more than 30.
    global: { minTime: 34 },
    group: {
      maxConcurrent: 1,
      minTime: 1_000,
      reservoir: 20,
      reservoirRefreshAmount: 20,
      reservoirRefreshInterval: 60_000,
      timeout: IDLE_LIMITER_MS,
    },
    out: {
      // One call at a time per chat also keeps a chat's messages in order.
      maxConcurrent: 1,
      reservoir: 5,
      reservoirIncreaseAmount: 1,
      reservoirIncreaseInterval: 1_000,
      reservoirIncreaseMaximum: 5,
      timeout: IDLE_LIMITER_MS,
    },
  });
}
