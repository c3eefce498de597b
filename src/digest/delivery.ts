import { and, eq } from 'drizzle-orm';
import { GrammyError, HttpError, InputFile } from 'grammy';
import type { Db } from '../db/client.js';
import { digestDeliveries, type DigestPart } from '../db/schema.js';
import type { Language } from '../questionnaire/languages.js';
import { adminChatLanguage, type AdminChatDeps } from '../transport/send/admin-chats.js';

/** A digest ready to send: the message (HTML) and its chart. */
export interface ComposedDigest {
  html: string;
  chart: Buffer | null;
  chartCaption: string;
}

/** Whether a chat has had this part of a run's digest. */
export function partDelivered(db: Db, runKey: string, chatId: number, part: DigestPart): boolean {
  return (
    db
      .select()
      .from(digestDeliveries)
      .where(and(eq(digestDeliveries.runKey, runKey), eq(digestDeliveries.chatId, chatId), eq(digestDeliveries.part, part)))
      .get() !== undefined
  );
}

/** Whether a chat has had a run's digest: its text goes last, so it marks the whole. */
export function wasDelivered(db: Db, runKey: string, chatId: number): boolean {
  return partDelivered(db, runKey, chatId, 'text');
}

function recordDelivery(db: Db, runKey: string, chatId: number, part: DigestPart, now: Date): void {
  db.insert(digestDeliveries).values({ runKey, chatId, part, sentAt: now }).onConflictDoNothing().run();
}

/**
 * Sends one digest to one chat: the chart first (when there is one), then
 * the message. `record` is told after each part went out; `skip` names a
 * part the chat already has.
 */
export async function sendDigest(
  deps: Pick<AdminChatDeps, 'api'>,
  chatId: number,
  digest: ComposedDigest,
  { skip, record }: { skip?: (part: DigestPart) => boolean; record?: (part: DigestPart) => void } = {},
): Promise<void> {
  if (digest.chart && !skip?.('chart')) {
    await deps.api.sendPhoto(chatId, new InputFile(digest.chart, 'digest.png'), { caption: digest.chartCaption });
    record?.('chart');
  }
  if (!skip?.('text')) {
    await deps.api.sendMessage(chatId, digest.html, { parse_mode: 'HTML', link_preview_options: { is_disabled: true } });
    record?.('text');
  }
}

export interface DeliveryReport {
  sent: number[];
  alreadySent: number[];
  unreachable: number[];
}

/**
 * Delivers a scheduled run's digest to every admin chat that has not had it.
 * Each part (picture, text) is recorded right after it went out, so a restart
 * in the middle of a run sends each chat only the parts it is missing. A chat that
 * cannot be reached is logged with Telegram's reason and skipped; 429s and
 * network errors were already retried by the API client (auto-retry).
 */
export async function deliverRun(
  deps: AdminChatDeps & { clock: () => Date },
  runKey: string,
  compose: (language: Language) => Promise<ComposedDigest>,
): Promise<DeliveryReport> {
  const { db, config, logger } = deps;
  const report: DeliveryReport = { sent: [], alreadySent: [], unreachable: [] };
  const composed = new Map<Language, Promise<ComposedDigest>>();
  for (const chatId of config.adminChatIds) {
    if (wasDelivered(db, runKey, chatId)) {
      report.alreadySent.push(chatId);
      continue;
    }
    const language = adminChatLanguage(db, config, chatId);
    if (!composed.has(language)) composed.set(language, compose(language));
    try {
      await sendDigest(deps, chatId, await composed.get(language)!, {
        skip: (part) => partDelivered(db, runKey, chatId, part),
        record: (part) => recordDelivery(db, runKey, chatId, part, deps.clock()),
      });
    } catch (error) {
      if (!(error instanceof GrammyError || error instanceof HttpError)) throw error;
      const reason = error instanceof GrammyError ? error.description : error.message;
      logger.warn({ chatId, runKey, reason }, 'digest not delivered to an admin chat');
      report.unreachable.push(chatId);
      continue;
    }
    report.sent.push(chatId);
  }
  logger.info({ runKey, ...report }, 'digest run delivered');
  return report;
}
