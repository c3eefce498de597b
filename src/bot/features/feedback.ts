import { Composer, InlineKeyboard } from 'grammy';
import { cancelFeedback, confirmFeedback, findFeedback, findSentFeedback, insertFeedbackDraft } from '../../db/feedback.js';
import { countParticipants } from '../../db/participants.js';
import { findPreviousClosedRound, type Round } from '../../db/rounds.js';
import { feedbackMessage, MAX_FEEDBACK_LENGTH } from '../../reports/feedback-message.js';
import { escapeHtml } from '../../render/html.js';
import { FEEDBACK_TEXTS } from '../../texts/feedback.js';
import { ADMIN_TEXTS } from '../../texts/admin.js';
import { inAdminChat } from '../admin/admin-filter.js';
import { mayChange } from '../admin/admin-rights.js';
import type { BotContext } from '../context.js';
import { sendFeedback } from '../outbound/feedback.js';

/*
 * "You said, we did" (整改反饋): after a round closes, an admin who may
 * change things writes what was done; the bot previews the message residents
 * will get (the public results and those words) with Confirm / Cancel, and
 * once confirmed sends it in the background to everyone who took part.
 */

const composer = new Composer<BotContext>();
const admin = composer.filter(inAdminChat);
const html = { parse_mode: 'HTML' } as const;

const BUTTON = /^fb:(\d{1,9}):([yn])$/;

/** The round feedback is about: the latest closed one. */
const closedRound = (ctx: BotContext): Round | null => findPreviousClosedRound(ctx.deps.db, Number.MAX_SAFE_INTEGER);

admin.command('feedback', async (ctx) => {
  const t = FEEDBACK_TEXTS[ctx.language];
  const { db, clock, config } = ctx.deps;
  const argument = ctx.match.trim();
  const round = closedRound(ctx);
  if (!round) return void (await ctx.reply(t.noClosedRound));
  const sent = findSentFeedback(db, round.id);
  if (argument.toLowerCase() === 'status') {
    const title = escapeHtml(round.title);
    const reply = sent
      ? t.status({
          id: round.id,
          title,
          participants: sent.participants,
          delivered: sent.delivered,
          skipped: sent.skipped,
          // Once through, a chat neither delivered nor skipped left the list as the bot stopped in mid-send.
          unknown: sent.status === 'sent' ? Math.max(0, sent.participants - sent.delivered - sent.skipped) : 0,
          done: sent.status === 'sent',
        })
      : t.statusNone({ id: round.id, title, participants: countParticipants(db, round.id) });
    return void (await ctx.reply(reply, html));
  }
  if (sent) {
    const done = sent.status === 'sent';
    return void (await ctx.reply(t.alreadySent({ id: round.id, delivered: sent.delivered, participants: sent.participants, done })));
  }
  // The text after the command, or the admin's own message this one replies to.
  const replied = ctx.message?.reply_to_message;
  const own = replied && replied.from?.id === ctx.from?.id ? (replied.text ?? '') : '';
  const text = argument !== '' ? argument : own.trim();
  if (text === '') return void (await ctx.reply(t.usage({ max: MAX_FEEDBACK_LENGTH })));
  if ([...text].length > MAX_FEEDBACK_LENGTH) return void (await ctx.reply(t.tooLong({ max: MAX_FEEDBACK_LENGTH })));
  const draft = insertFeedbackDraft(db, round.id, text, clock());
  const participants = countParticipants(db, round.id);
  const figures = await ctx.deps.figures.run('roundFigures', { roundId: round.id, leaveOutFlagged: config.qualityFilter });
  const preview = feedbackMessage(round, figures, text, ctx.language);
  const keyboard = new InlineKeyboard().text(t.confirmButton, `fb:${draft.id}:y`).text(t.cancelButton, `fb:${draft.id}:n`);
  await ctx.reply(t.previewHeader({ id: round.id, title: escapeHtml(round.title), participants }), html);
  await ctx.reply(preview, { ...html, reply_markup: keyboard });
});

admin.on('callback_query:data', async (ctx, next) => {
  const match = BUTTON.exec(ctx.callbackQuery.data);
  if (!match) return next();
  const t = FEEDBACK_TEXTS[ctx.language];
  if (!mayChange(ctx)) return void (await ctx.answerCallbackQuery({ text: ADMIN_TEXTS[ctx.language].onlyNamedAdmins, show_alert: true }));
  const { db, clock } = ctx.deps;
  const id = Number(match[1]);
  const feedback = findFeedback(db, id);
  const done = async (text: string) => {
    await ctx.answerCallbackQuery();
    // The preview keeps its text and loses its buttons.
    await ctx.editMessageReplyMarkup().catch(() => undefined);
    await ctx.reply(text);
  };
  if (!feedback || feedback.status !== 'draft') return void (await ctx.answerCallbackQuery(t.stale));
  if (match[2] === 'n') {
    cancelFeedback(db, id);
    return done(t.cancelled);
  }
  const participants = countParticipants(db, feedback.roundId);
  if (!confirmFeedback(db, id, participants, clock())) return void (await ctx.answerCallbackQuery(t.stale));
  ctx.log.info({ roundId: feedback.roundId, participants }, 'feedback confirmed');
  const confirmed = findFeedback(db, id)!;
  ctx.deps.background.run('send feedback', () => sendFeedback({ api: ctx.api, ...ctx.deps }, confirmed));
  await done(t.confirmed({ participants }));
});

export const feedbackFeature = composer;
