import { HttpError, type Transformer } from 'grammy';

/*
 * The auto-retry plugin bounds its retries of Telegram's errors (429, 5xx),
 * but retries network errors forever, with pauses growing to an hour; a call
 * could then hold up its update indefinitely. Network errors are therefore
 * rethrown by it and retried here a bounded number of times.
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

export function retryNetworkErrors({ attempts = 3, firstDelayMs = 500 } = {}): Transformer {
  return async (prev, method, payload, signal) => {
    for (let attempt = 1; ; attempt++) {
      try {
        const response = await prev(method, payload, signal);
        const result: unknown = response.ok ? response.result : undefined;
        if (typeof result === 'object' && result !== null && typeof payload === 'object' && lostPayloads.has(payload)) {
          sentAfterLostAttempt.add(result);
        }
        return response;
      } catch (error) {
        if (error instanceof HttpError && typeof payload === 'object' && payload !== null) lostPayloads.add(payload);
        if (!(error instanceof HttpError) || attempt > attempts || signal?.aborted) throw error;
        await new Promise((resolve) => setTimeout(resolve, firstDelayMs * 2 ** (attempt - 1)));
      }
    }
  };
}
