import { HttpError, type Transformer } from 'grammy';

/*
 * The auto-retry plugin bounds its retries of Telegram's errors (429, 5xx),
 * but retries network errors forever, with pauses growing to an hour; a call
 * could then hold up its update (and with it the batch) indefinitely. Network
 * errors are therefore rethrown by it and retried here a bounded number of times.
 */

export function retryNetworkErrors({ attempts = 3, firstDelayMs = 500 } = {}): Transformer {
  return async (prev, method, payload, signal) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await prev(method, payload, signal);
      } catch (error) {
        if (!(error instanceof HttpError) || attempt > attempts || signal?.aborted) throw error;
        await new Promise((resolve) => setTimeout(resolve, firstDelayMs * 2 ** (attempt - 1)));
      }
    }
  };
}
