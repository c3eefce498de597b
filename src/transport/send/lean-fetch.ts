import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';

/*
 * The fetch grammY's client calls, straight on node:http. The default
 * (node-fetch) builds WHATWG Request, Headers and Body objects for every
 * call and writes the body apart from the headers; it was a tenth of the
 * bot's CPU per update in the benchmark's profile. grammY reads nothing of an
 * answer but its JSON. (undici's request API saved as much CPU, but loading
 * it added 5–10 MB to the idle process.)
 */

interface FetchInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Readable;
  signal?: AbortSignalLike;
}

/** grammY passes its own AbortController's signal (a polyfill on Node). */
interface AbortSignalLike {
  aborted: boolean;
  addEventListener(type: 'abort', listener: () => void): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/** What grammY's client reads of an answer. */
export interface LeanResponse {
  ok: boolean;
  status: number;
  json(): Promise<unknown>;
}

/** Keep-alive connections, as grammY's own agents keep them. */
const httpAgent = new HttpAgent({ keepAlive: true });
const httpsAgent = new HttpsAgent({ keepAlive: true });

function abortError(): Error {
  return Object.assign(new Error('The operation was aborted'), { name: 'AbortError' });
}

export function leanFetch(url: string | URL, init: FetchInit = {}): Promise<LeanResponse> {
  const target = typeof url === 'string' ? new URL(url) : url;
  const secure = target.protocol === 'https:';
  const { signal } = init;
  return new Promise<LeanResponse>((resolve, reject) => {
    if (signal?.aborted) return reject(abortError());
    const answered = (response: IncomingMessage) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', fail);
      response.on('end', () => {
        signal?.removeEventListener('abort', onAbort);
        const status = response.statusCode ?? 0;
        const text = Buffer.concat(chunks).toString('utf8');
        // An answer that is not JSON (a proxy's error page) throws a SyntaxError, as fetch's json() does.
        resolve({ ok: status >= 200 && status < 300, status, json: async () => JSON.parse(text) as unknown });
      });
    };
    const body = init.body;
    // A known length lets node:http send the head and a JSON body in one write, not as chunks.
    const headers = typeof body === 'string' ? { ...init.headers, 'content-length': String(Buffer.byteLength(body)) } : (init.headers ?? {});
    const options = { method: init.method ?? 'GET', headers, agent: secure ? httpsAgent : httpAgent };
    const request = secure ? httpsRequest(target, options, answered) : httpRequest(target, options, answered);
    function fail(error: Error) {
      signal?.removeEventListener('abort', onAbort);
      reject(error);
    }
    function onAbort() {
      request.destroy(abortError());
    }
    signal?.addEventListener('abort', onAbort);
    request.on('error', fail);
    if (body === undefined || typeof body === 'string') request.end(body);
    else {
      body.on('error', (error) => request.destroy(error));
      body.pipe(request);
    }
  });
}
