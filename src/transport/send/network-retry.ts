import { HttpError, type Transformer } from 'grammy';

/*
 * Quick retries of failures that usually pass within a second: a dropped
 * connection and Telegram's own 5xx. The auto-retry plugin would retry
 * network errors forever (pauses growing to an hour) and 5xx only after 3,
 * 6, 12 s, while the resident who pressed a button waits; here both get a
 * bounded number of tries a fraction of a second to two seconds apart, and
 * what persists reaches the update's handler, which tries the whole update
 * again (transport/receive/handle-update.ts). 429s stay with auto-retry, which
 * waits exactly as long as Telegram asks.
 *
 * A connection that died may have died after Telegram carried the call out,
 * so a retried sendMessage may have left a first copy behind: results that
 * came after such a loss are marked (`sentAfterLostAttempt`), so the caller
 * can retire a copy that would otherwise keep live buttons.
 */

/** Results (sent messages) of calls that succeeded only after a network error. */
export const sentAfterLostAttempt = new WeakSet<object>();

/**
 * Payloads of calls that met a network error. Every attempt of a call, also
 * those auto-retry makes after a 429 through a later run of this
 * transformer, carries the same payload object.
 */
const lostPayloads = new WeakSet<object>();

export function retryServerAndNetworkErrors({ attempts = 3, firstDelayMs = 500 } = {}): Transformer {
  return async (prev, method, payload, signal) => {
    const pause = (attempt: number) => new Promise((resolve) => setTimeout(resolve, firstDelayMs * 2 ** (attempt - 1)));
    for (let attempt = 1; ; attempt++) {
      try {
        const response = await prev(method, payload, signal);
        if (!response.ok && response.error_code >= 500 && attempt <= attempts && !signal?.aborted) {
          await pause(attempt);
          continue;
        }
        const result: unknown = response.ok ? response.result : undefined;
        if (typeof result === 'object' && result !== null && typeof payload === 'object' && lostPayloads.has(payload)) {
          sentAfterLostAttempt.add(result);
        }
        return response;
      } catch (error) {
        if (error instanceof HttpError && typeof payload === 'object' && payload !== null) lostPayloads.add(payload);
        if (!(error instanceof HttpError) || attempt > attempts || signal?.aborted) throw error;
        await pause(attempt);
      }
    }
  };
}
