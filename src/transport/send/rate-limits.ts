import { apiThrottler } from '@grammyjs/transformer-throttler';
import type { Transformer } from 'grammy';

/*
 * Outgoing calls kept under Telegram's limits, so a burst (a round opening, an
 * announcement) does not earn flood waits: about 30 per second overall, 20 per
 * minute in a group (one every three seconds), and in a private chat one per
 * second sustained with a small burst — a press costs one call (its question
 * edited into the next), a typed answer two, and a resident reading a question
 * for a few seconds never waits. A press's answer (answerCallbackQuery) names
 * no chat and is not held back.
 */

/** Per-chat limiters idle this long are dropped, so memory does not grow with every resident ever seen. */
const IDLE_LIMITER_MS = 60_000;

/** Evenly spaced rather than 30 per clock second: no sliding second ever sees more than 30. */
const OVERALL_GAP_MS = 34;

/** A group's 20 a minute, evenly spaced: the 21st leaves 62 s after the first, 2 s to spare for a busy event loop. */
const GROUP_GAP_MS = 3_100;

export function telegramRateLimits(): Transformer {
  const perChat = apiThrottler({
    // Overall spacing is left to spacedApart below.
    global: {},
    // Evenly spaced too: 20 a minute counted in windows from the limiter's start let 20
    // go at the end of one window and 20 more at the start of the next (30 in a minute in the test).
    group: { maxConcurrent: 1, minTime: GROUP_GAP_MS, timeout: IDLE_LIMITER_MS },
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
  const overall = spacedApart(OVERALL_GAP_MS);
  // A call waits for its chat's turn, then for its turn overall, then leaves.
  return (prev, method, payload, signal) =>
    perChat((m, p, s) => overall(prev, m, p, s), method, payload, signal);
}

/**
 * Lets the calls that name a chat leave at least `gapMs` apart, counted from
 * when each actually left. Bottleneck's minTime counts from when it planned
 * each start instead, so when the event loop was held (a report built, a long
 * query) every call planned meanwhile left at once: 38 in one second after
 * 300 ms held (test/transport/send/rate-limits.test.ts).
 */
function spacedApart(gapMs: number): Transformer {
  let lastLeft = Number.NEGATIVE_INFINITY;
  let queue: Promise<void> = Promise.resolve();
  return (prev, method, payload, signal) => {
    if (!payload || !('chat_id' in payload)) return prev(method, payload, signal);
    const turn = queue.then(async () => {
      // A timer may fire a little early by Date.now(): wait again until the gap has really passed.
      for (let wait = lastLeft + gapMs - Date.now(); wait > 0; wait = lastLeft + gapMs - Date.now()) {
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
      lastLeft = Date.now();
    });
    queue = turn;
    return turn.then(() => prev(method, payload, signal));
  };
}
