import { GrammyError, type Api } from 'grammy';
import type { Logger } from '../../logger.js';

const TELEGRAM_API_ROOT = 'https://api.telegram.org';
/** A file of a few hundred kilobytes comes in well within this; a stuck download must not hold the chat up. */
const DOWNLOAD_TIMEOUT_MS = 20_000;

export type Download = { ok: true; bytes: Buffer } | { ok: false; reason: 'too_big' | 'unavailable' };

/**
 * Downloads a file a user sent, at most `maxBytes` of it: getFile, then the
 * Bot API's file URL (`<apiRoot>/file/bot<token>/<file_path>`). The size
 * Telegram declares is not trusted; the body is cut off past the limit. The
 * URL holds the token, so it never reaches a log.
 */
export async function downloadFile(
  api: Api,
  options: { token: string; apiRoot: string | undefined; fileId: string; maxBytes: number; log: Logger },
): Promise<Download> {
  const { log, maxBytes } = options;
  let filePath: string | undefined;
  let declaredSize: number | undefined;
  try {
    ({ file_path: filePath, file_size: declaredSize } = await api.getFile(options.fileId));
  } catch (error) {
    // Telegram refuses getFile for files over 20 MB.
    if (error instanceof GrammyError && /too big/i.test(error.description)) return { ok: false, reason: 'too_big' };
    log.warn({ err: error instanceof GrammyError ? error.description : String(error) }, 'getFile failed');
    return { ok: false, reason: 'unavailable' };
  }
  if (declaredSize !== undefined && declaredSize > maxBytes) return { ok: false, reason: 'too_big' };
  if (filePath === undefined) return { ok: false, reason: 'unavailable' };

  // file_path comes from Telegram, but a path that climbs out is not followed.
  const segments = filePath.split('/');
  if (segments.some((segment) => segment === '' || segment === '.' || segment === '..')) {
    log.warn('getFile returned an unusable file_path');
    return { ok: false, reason: 'unavailable' };
  }
  const url = `${options.apiRoot ?? TELEGRAM_API_ROOT}/file/bot${options.token}/${segments.map(encodeURIComponent).join('/')}`;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS) });
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      log.warn({ status: response.status }, 'file download refused');
      return { ok: false, reason: 'unavailable' };
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of response.body) {
      size += chunk.byteLength;
      // Leaving the loop cancels the rest of the body.
      if (size > maxBytes) return { ok: false, reason: 'too_big' };
      chunks.push(chunk);
    }
    return { ok: true, bytes: Buffer.concat(chunks) };
  } catch (error) {
    const failure = error instanceof Error ? { name: error.name, code: (error.cause as { code?: string } | undefined)?.code } : {};
    log.warn(failure, 'file download failed');
    return { ok: false, reason: 'unavailable' };
  }
}
