import { autoRetry } from '@grammyjs/auto-retry';
import type { Api, ApiClientOptions } from 'grammy';
import type { Config } from '../../config.js';
import { completeBareRefusals } from '../network.js';
import { leanFetch } from './lean-fetch.js';
import { retryServerAndNetworkErrors } from './network-retry.js';
import { telegramRateLimits } from './rate-limits.js';

/*
 * How every call to Telegram goes out, whoever makes it: within Telegram's
 * rate limits, tried again after a network failure, 429s waited out. The
 * order of the transformers matters, so it is written once, here.
 */

/** Seconds before a call to Telegram is given up (and retried, if it may have been a network failure). */
const CALL_TIMEOUT_SECONDS = 60;

/** Where calls go and how long one may take. */
export function apiClientOptions(config: Pick<Config, 'telegramApiRoot'>): ApiClientOptions {
  return {
    ...(config.telegramApiRoot ? { apiRoot: config.telegramApiRoot } : {}),
    // A call that hangs holds up its chat; grammY's default would wait 500 s.
    timeoutSeconds: CALL_TIMEOUT_SECONDS,
    fetch: leanFetch as unknown as NonNullable<ApiClientOptions['fetch']>,
  };
}

/** Installs the transformers every call goes through, in their order. */
export function useApiTransformers(api: Api, config: Pick<Config, 'telegramRateLimits'>): void {
  // The throttler goes in first, so every retried attempt waits its turn too.
  if (config.telegramRateLimits) api.config.use(telegramRateLimits());
  // Dropped connections and 5xx: three more tries, 0.5 s, 1 s and 2 s apart.
  api.config.use(retryServerAndNetworkErrors());
  // 429s are waited out for retry_after, three times at most; errors that persist reach the handler.
  api.config.use(
    autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 60, rethrowHttpErrors: true, rethrowInternalServerErrors: true }),
  );
  // A refusal without error code or description says so, never "(undefined: undefined)".
  api.config.use(completeBareRefusals());
}
