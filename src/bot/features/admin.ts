import { Composer } from 'grammy';
import { closeOpenRound, openRound, responseCounts } from '../../db/rounds.js';
import type { BotContext } from '../context.js';
import { escapeHtml, TEXTS } from '../texts.js';

export const ADMIN_COMMANDS = ['open_round', 'close_round'] as const;
export const MAX_TITLE_LENGTH = 100;
/** Enough problems to fix the file; the rest would only push the reply past Telegram's limit. */
const MAX_PROBLEMS_SHOWN = 30;

function isAdminChat(ctx: BotContext): boolean {
  return ctx.chat !== undefined && ctx.deps.config.adminChatIds.includes(ctx.chat.id);
}

const composer = new Composer<BotContext>();
const admin = composer.filter(isAdminChat);

admin.command('open_round', async (ctx) => {
  const { db, clock, loadQuestionnaire } = ctx.deps;
  const t = TEXTS[ctx.language];
  const title = ctx.match.trim().replace(/\s+/g, ' ');
  if (title === '') {
    await ctx.reply(t.openRoundUsage);
    return;
  }
  if ([...title].length > MAX_TITLE_LENGTH) {
    await ctx.reply(t.titleTooLong({ max: MAX_TITLE_LENGTH }));
    return;
  }
  const loaded = loadQuestionnaire();
  if (!loaded.ok) {
    const shown = loaded.problems.slice(0, MAX_PROBLEMS_SHOWN).map((p) => `• ${escapeHtml(p)}`);
    if (loaded.problems.length > MAX_PROBLEMS_SHOWN) shown.push(`… (+${loaded.problems.length - MAX_PROBLEMS_SHOWN})`);
    await ctx.reply(t.questionnaireBroken({ problems: shown.join('\n') }), { parse_mode: 'HTML' });
    return;
  }
  const result = openRound(db, { title, questionnaire: loaded.questionnaire, now: clock() });
  if (!result.ok) {
    const openedAt = result.alreadyOpen.openedAt.toISOString().slice(0, 10);
    await ctx.reply(t.roundAlreadyOpen({ title: escapeHtml(result.alreadyOpen.title), openedAt }), { parse_mode: 'HTML' });
    return;
  }
  ctx.log.info({ roundId: result.round.id }, 'round opened');
  const { id, questionnaire } = result.round;
  await ctx.reply(t.roundOpened({ id, title: escapeHtml(title), questions: questionnaire.questions.length }), {
    parse_mode: 'HTML',
  });
});

admin.command('close_round', async (ctx) => {
  const t = TEXTS[ctx.language];
  const round = closeOpenRound(ctx.deps.db, ctx.deps.clock());
  if (!round) {
    await ctx.reply(t.noRoundOpen);
    return;
  }
  ctx.log.info({ roundId: round.id }, 'round closed');
  const counts = responseCounts(ctx.deps.db, round.id);
  await ctx.reply(t.roundClosedReport({ id: round.id, title: escapeHtml(round.title), ...counts }), {
    parse_mode: 'HTML',
  });
});

admin.command('help', async (ctx) => {
  const t = TEXTS[ctx.language];
  await ctx.reply(ctx.chat.type === 'private' ? `${t.helpResident}\n${t.helpAdmin}` : t.helpAdmin);
});

// Anywhere else the same short refusal, which says nothing about rounds or data.
// The log line gives the operator the chat id to add to ADMIN_CHAT_IDS.
composer.command([...ADMIN_COMMANDS], async (ctx) => {
  ctx.log.info({ chatId: ctx.chat.id, chatType: ctx.chat.type }, 'admin command refused in a chat that is not an admin chat');
  await ctx.reply(TEXTS[ctx.language].notHere);
});

export const adminFeature = composer;
