import { randomBytes } from 'node:crypto';
import { Api } from 'grammy';
import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import { settingOrInit } from '../../db/settings.js';
import type { Logger } from '../../logger.js';
import { TELEGRAM_API_ROOT } from '../connect.js';
import { untilTaken } from '../network.js';
import { apiClientOptions } from '../send/api.js';
import type { Inbox } from './inbox.js';
import { startPolling } from './polling.js';
import { startWebhookServer } from './webhook.js';

/*
 * Where updates come from: a webhook when WEBHOOK_URL is set, long polling
 * otherwise. Either way they go into the inbox, and the bot's features never
 * know which delivered them.
 */

export interface Receiver {
  /** Settles when receiving stopped (stop(), or a refusal from Telegram that will not pass). */
  done: Promise<void>;
  /** Stops taking updates; what was taken is in the inbox. */
  stop(): Promise<void>;
}

export interface ReceiveDeps {
  /** The bot's own client (rate limits and retries), for setWebhook and deleteWebhook. */
  api: Api;
  config: Config;
  db: Db;
  inbox: Inbox;
  logger: Logger;
  allowedUpdates: readonly string[];
  /** Ends the wait for Telegram to take deleteWebhook or setWebhook (a stop during start-up). */
  signal: AbortSignal;
}

const LONG_POLL_SECONDS = 30;

/** A stop came while Telegram was not yet taking the set-up call: nothing to receive, nothing to stop. */
const stoppedBeforeStart = (): Receiver => ({ done: Promise.resolve(), stop: async () => {} });

export async function receiveUpdates(deps: ReceiveDeps): Promise<Receiver> {
  const { api, config, db, inbox, logger, allowedUpdates, signal } = deps;
  const apiRoot = config.telegramApiRoot ?? TELEGRAM_API_ROOT;
  const webhook = config.webhook;

  if (!webhook) {
    // A webhook left over from another set-up would make Telegram refuse getUpdates; pending updates are kept.
    if (!(await untilTaken('delete the webhook', () => api.deleteWebhook({ drop_pending_updates: false }), { logger, signal }))) {
      return stoppedBeforeStart();
    }
    const pollingApi = new Api(config.botToken, { ...apiClientOptions(config), timeoutSeconds: LONG_POLL_SECONDS + 15 });
    const polling = startPolling({
      api: pollingApi,
      inbox,
      allowedUpdates,
      logger,
      apiRoot,
      timeoutSeconds: LONG_POLL_SECONDS,
      onStart: () => logger.info({ apiRoot }, 'polling for updates'),
    });
    return { done: polling.done, stop: () => polling.stop() };
  }

  // Only Telegram learns the secret (through setWebhook); kept so a restart does not need a new one.
  const secret = webhook.secret ?? settingOrInit(db, 'webhook_secret', () => randomBytes(32).toString('hex'));
  const server = await startWebhookServer({ inbox, logger, host: webhook.host, port: webhook.port, path: webhook.path, secret });
  let taken: boolean;
  try {
    const setWebhook = () =>
      api.setWebhook(webhook.url, { secret_token: secret, allowed_updates: allowedUpdates as never, drop_pending_updates: false });
    taken = await untilTaken('set the webhook', setWebhook, { logger, signal });
  } catch (error) {
    await server.close();
    throw error;
  }
  if (!taken) {
    await server.close();
    return stoppedBeforeStart();
  }
  logger.info(
    { url: webhook.url, port: server.port, path: webhook.path },
    `webhook ready: Telegram posts to ${webhook.url}, received on port ${server.port} at ${webhook.path}`,
  );
  let stopped!: () => void;
  const done = new Promise<void>((resolve) => (stopped = resolve));
  return {
    done,
    async stop() {
      // The webhook stays set: Telegram keeps updates for us until we are back.
      await server.close();
      stopped();
    },
  };
}
