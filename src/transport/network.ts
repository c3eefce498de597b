import { GrammyError, HttpError, type Transformer } from 'grammy';

/** How long to wait after the n-th failure in a row: 1 s, 2 s, 4 s … at most 30 s. */
export const backoffMs = (failures: number) => Math.min(30_000, 1_000 * 2 ** Math.max(0, failures - 1));

interface Cause {
  code?: string;
  name?: string;
  type?: string;
  message?: string;
  cause?: { code?: string };
}

/**
 * A network failure in words a newcomer can act on. Only its code is used:
 * the text of the underlying error carries the request URL, token and all.
 */
export function describeNetworkFailure(error: HttpError): string {
  const cause = error.error as Cause | undefined;
  const code = cause?.code ?? cause?.cause?.code;
  const words: Record<string, string> = {
    ECONNREFUSED: 'the connection was refused',
    ENOTFOUND: 'the host name could not be resolved (no DNS, or no network)',
    EAI_AGAIN: 'the host name could not be resolved (no DNS, or no network)',
    ETIMEDOUT: 'the connection timed out',
    ECONNRESET: 'the connection was reset',
    ENETUNREACH: 'the network is unreachable',
    EHOSTUNREACH: 'the host is unreachable',
    UND_ERR_CONNECT_TIMEOUT: 'the connection timed out',
  };
  if (code && words[code]) return `${words[code]} (${code})`;
  if (code) return `the request failed (${code})`;
  if (cause?.name === 'AbortError' || /timed out/i.test(cause?.message ?? '')) return 'no answer in time (timed out)';
  return 'the request failed';
}

/** The server answered, but not with the Bot API's JSON (some other web server). */
export function isNotTheBotApi(error: HttpError): boolean {
  const cause = error.error as Cause | undefined;
  return cause instanceof SyntaxError || cause?.type === 'invalid-json';
}

const BARE_REFUSAL = 'refused it without an error code or description (does it know this method?)';

/**
 * A refusal without an error code or description (a server that does not
 * know the method may answer so) is completed with words, so that grammY's
 * error and every log line say what happened instead of `(undefined: undefined)`.
 */
export function completeBareRefusals(): Transformer {
  return async (prev, method, payload, signal) => {
    const response = await prev(method, payload, signal);
    if (response.ok) return response;
    const given = response as { error_code?: number; description?: string };
    if (given.error_code !== undefined && given.description !== undefined) return response;
    return { ...response, error_code: given.error_code ?? 0, description: given.description ?? BARE_REFUSAL };
  };
}

/**
 * What went wrong with a Bot API call, for a log line or the start-up error:
 * which call, and what Telegram (or the network) said. grammY's own message
 * prints `(undefined: undefined)` when a server answers without an error code
 * or description, as a server that does not know the method may.
 */
export function describeApiFailure(error: unknown): string {
  if (error instanceof GrammyError) {
    const code: unknown = error.error_code;
    const description: unknown = error.description;
    if (!code && (description === undefined || description === BARE_REFUSAL)) return `${error.method} failed: the server ${BARE_REFUSAL}`;
    return `${error.method} failed: Telegram answered ${code || '(no error code)'} ${description ?? '(no description)'}`;
  }
  if (error instanceof HttpError) {
    const method = /'([^']+)'/.exec(error.message)?.[1] ?? 'a call';
    const reason = isNotTheBotApi(error) ? 'the answer was not the Bot API\'s JSON' : describeNetworkFailure(error);
    return `${method} failed: ${reason}`;
  }
  return error instanceof Error ? error.message : String(error);
}


/** Waits `ms`, or less when `signal` aborts first (the bot is stopping). */
export function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}

/** A failure that passes by itself: Telegram's 5xx or 429, or the network (not a server that is no Bot API). */
function isPassingTrouble(error: unknown): boolean {
  if (error instanceof GrammyError) return error.error_code === 429 || error.error_code >= 500;
  return error instanceof HttpError && !isNotTheBotApi(error);
}

/**
 * Makes a call Telegram must take before the bot can go on (deleteWebhook,
 * setWebhook at start-up) until it is taken: trouble that passes is waited
 * out, 1 s, 2 s, 4 s … apart, with a log line saying so; a refusal that will
 * not pass throws. Returns false if `signal` ended the wait first.
 */
export async function untilTaken(
  what: string,
  call: () => Promise<unknown>,
  { logger, signal }: { logger: { warn(details: object, message: string): void }; signal: AbortSignal },
): Promise<boolean> {
  for (let failures = 1; !signal.aborted; failures++) {
    try {
      await call();
      return true;
    } catch (error) {
      if (signal.aborted) return false;
      if (!isPassingTrouble(error)) throw error;
      const reason = describeApiFailure(error);
      const wait = backoffMs(failures);
      logger.warn({ reason, attempt: failures, retryInSeconds: wait / 1000 }, `could not ${what} (${reason}). Trying again in ${wait / 1000} s`);
      await sleepUnlessAborted(wait, signal);
    }
  }
  return false;
}
