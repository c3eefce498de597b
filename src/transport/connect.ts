import { Api, GrammyError, HttpError } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import { ConfigError, type Config } from '../config.js';
import type { Logger } from '../logger.js';
import { apiClientOptions } from './send/api.js';
import { backoffMs, describeNetworkFailure, isNotTheBotApi, sleepUnlessAborted } from './network.js';

export const TELEGRAM_API_ROOT = 'https://api.telegram.org';

/**
 * Asks Telegram who the bot is (getMe) until it answers, saying plainly
 * where it is trying, why it failed and when it tries again. A refusal that
 * will not pass by itself (a wrong token, a URL that is no Bot API server)
 * ends the start-up with a sentence saying what to fix.
 */
export async function reachTelegram(config: Config, logger: Logger, signal: AbortSignal): Promise<UserFromGetMe | null> {
  const root = config.telegramApiRoot ?? TELEGRAM_API_ROOT;
  const probe = new Api(config.botToken, { ...apiClientOptions(config), timeoutSeconds: 10 });
  logger.info({ apiRoot: root }, `connecting to Telegram at ${root}`);
  for (let failures = 1; !signal.aborted; failures++) {
    try {
      const me = await probe.getMe(signal as Parameters<Api['getMe']>[0]);
      logger.info({ username: me.username }, `connected to Telegram as @${me.username}`);
      return me;
    } catch (error) {
      if (signal.aborted) break;
      let reason: string;
      if (error instanceof GrammyError) {
        if (error.error_code === 401) throw error;
        if (error.error_code === 404) {
          throw new ConfigError(
            `TELEGRAM_API_ROOT (${root}) answered 404 Not Found to getMe: it does not look like a Telegram Bot API server. Check the URL (like http://127.0.0.1:8081), or unset it to use Telegram's.`,
          );
        }
        if (error.error_code !== 429 && error.error_code < 500) throw error;
        reason = `Telegram answered ${error.error_code} ${error.description}`;
      } else if (error instanceof HttpError) {
        if (isNotTheBotApi(error)) {
          throw new ConfigError(
            `TELEGRAM_API_ROOT (${root}) answered getMe with something that is not the Telegram Bot API (not JSON). Check the URL (like http://127.0.0.1:8081), or unset it to use Telegram's.`,
          );
        }
        reason = describeNetworkFailure(error);
      } else throw error;
      const wait = backoffMs(failures);
      const hint = config.telegramApiRoot ? 'check TELEGRAM_API_ROOT and that the server is running' : 'check the network connection (and any firewall or proxy)';
      logger.warn(
        { apiRoot: root, reason, attempt: failures, retryInSeconds: wait / 1000 },
        `cannot reach Telegram at ${root}: ${reason}; ${hint}. Trying again in ${wait / 1000} s`,
      );
      await sleepUnlessAborted(wait, signal);
    }
  }
  return null;
}
