import { storageTrouble } from '../db/client.js';
import type { Logger } from '../logger.js';
import type { BotContext } from './context.js';
import { TEXTS } from '../texts/resident.js';

/*
 * A full disk stops every write until someone makes room. Updates are kept
 * in the inbox and handled again (transport/receive/inbox.ts), so nothing is lost;
 * this says so: one clear log line for the operator (not one per update,
 * at most once a minute), and to a resident whose press or message met it,
 * once, that it is kept and needs no repeating.
 */

const LOG_EVERY_MS = 60_000;

export interface StorageFullNotice {
  /** Tells the operator and the resident, when `error` is a full disk. */
  met(ctx: BotContext, error: unknown): Promise<void>;
  /** The update was handled: the disk had room for it. */
  handled(ctx: BotContext): void;
}

export function createStorageFullNotice(logger: Logger): StorageFullNotice {
  let loggedAt = -Infinity;
  let since = 0;
  /** Updates whose resident was told; a retry of one tells nothing more. */
  const told = new Set<number>();
  return {
    async met(ctx, error) {
      if (storageTrouble(error) !== 'full') return;
      since++;
      const now = Date.now();
      if (now - loggedAt >= LOG_EVERY_MS) {
        loggedAt = now;
        logger.error(
          { updates: since },
          'the disk is full: nothing can be saved; updates are kept and handled again once there is room (free disk space)',
        );
        since = 0;
      }
      const updateId = ctx.update.update_id;
      if (told.has(updateId) || ctx.chat?.type !== 'private') return;
      told.add(updateId);
      await ctx.reply(TEXTS[ctx.language].storageFull).catch(() => undefined);
    },
    handled(ctx) {
      if (told.delete(ctx.update.update_id) && told.size === 0) logger.info('the disk has room again: kept updates are handled');
    },
  };
}
