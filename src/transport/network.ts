import type { HttpError } from 'grammy';

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
