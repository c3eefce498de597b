import { Composer, InputFile } from 'grammy';
import { findLatestRound, findOpenRound } from '../../db/rounds.js';
import { reportFileName } from '../../export/xlsx.js';
import { shorten } from '../../render/format.js';
import { renderGroups } from '../../reports/groups-message.js';
import { funnelPicture, renderFunnel } from '../../reports/funnel-message.js';
import { addQuality, qualityLine } from '../../reports/insight-sections.js';
import { trendPicture } from '../../reports/trend-chart.js';
import { renderThemes } from '../../reports/themes.js';
import { REPORT_TEXTS } from '../../texts/report.js';
import { ADMIN_TEXTS } from '../../texts/admin.js';
import { inAdminChat } from '../admin/admin-filter.js';
import { roundFromArgument } from '../admin/round-argument.js';
import { replyWithWrittenFile } from '../admin/temporary-file.js';
import type { BotContext } from '../context.js';
import { CAPTION_LIMIT, shortenHtml } from '../../render/fit.js';
import { escapeHtml } from '../../render/html.js';

/*
 * Insight for administrators: indexes per respondent group (/groups), where
 * residents give up (/funnel), the trend of the headline indexes (/trend),
 * what residents wrote about (/themes) and the Excel report (/report).
 * Registered before the admin feature, whose refusal answers these commands
 * outside admin chats.
 */

const composer = new Composer<BotContext>();
const admin = composer.filter(inAdminChat);

admin.command('groups', async (ctx) => {
  const t = ADMIN_TEXTS[ctx.language];
  const { db, config } = ctx.deps;
  const chosen = roundFromArgument(db, ctx.match, 'groups', t);
  if (!chosen.ok) return void (await ctx.reply(chosen.reply));
  const { round } = chosen;
  const job = { roundId: round.id, leaveOutFlagged: config.qualityFilter };
  const [figures, groups] = await Promise.all([ctx.deps.figures.run('roundFigures', job), ctx.deps.figures.run('roundGroups', job)]);
  if (!groups) return void (await ctx.reply(t.noGroupQuestion));
  await ctx.reply(renderGroups(round, figures, groups, ctx.language), { parse_mode: 'HTML' });
});

admin.command('funnel', async (ctx) => {
  const t = ADMIN_TEXTS[ctx.language];
  const { db } = ctx.deps;
  const chosen = roundFromArgument(db, ctx.match, 'funnel', t);
  if (!chosen.ok) return void (await ctx.reply(chosen.reply));
  const { round } = chosen;
  const funnel = await ctx.deps.figures.run('funnel', { roundId: round.id });
  await ctx.reply(renderFunnel(round, funnel, ctx.language), { parse_mode: 'HTML' });
  const picture = await funnelPicture(round, funnel, ctx.language);
  if (picture) await ctx.replyWithPhoto(new InputFile(await ctx.deps.figures.run('picture', picture), 'funnel.png'));
});

admin.command('trend', async (ctx) => {
  const t = ADMIN_TEXTS[ctx.language];
  if (ctx.match.trim() !== '') return void (await ctx.reply(t.trendUsage));
  const { db, config, clock } = ctx.deps;
  const last = findOpenRound(db) ?? findLatestRound(db);
  if (!last) return void (await ctx.reply(t.noRounds));
  const { rounds, points } = await ctx.deps.figures.run('trend', { roundId: last.id, until: clock(), leaveOutFlagged: config.qualityFilter });
  const picture = await trendPicture(points, rounds, last.questionnaire, ctx.language);
  if (!picture) return void (await ctx.reply(t.trendNoData));
  const reportTexts = REPORT_TEXTS[ctx.language];
  const names = rounds.map((r) => reportTexts.trendRound({ id: r.id, title: r.title })).join(', ');
  const quality = qualityLine(addQuality(points.map((p) => p.figures.quality)), reportTexts);
  await ctx.replyWithPhoto(new InputFile(await ctx.deps.figures.run('picture', picture), 'trend.png'), {
    // A caption holds at most 1,024 characters: the round titles give way first.
    caption: shortenHtml(`${t.trendCaption({ rounds: escapeHtml(shorten(names, 700)) })}\n${reportTexts.quality}: ${quality}`, CAPTION_LIMIT),
    parse_mode: 'HTML',
  });
});

admin.command('report', async (ctx) => {
  const t = ADMIN_TEXTS[ctx.language];
  const { db, config, clock } = ctx.deps;
  const chosen = roundFromArgument(db, ctx.match, 'report', t);
  if (!chosen.ok) return void (await ctx.reply(chosen.reply));
  const { round } = chosen;
  await ctx.replyWithChatAction('upload_document').catch(() => undefined);
  const now = clock();
  await replyWithWrittenFile(ctx, reportFileName(round, now), async (path) => {
    // Gathered and written in the figures worker: residents' presses go on meanwhile.
    const count = await ctx.deps.figures.run('reportWorkbook', {
      roundId: round.id,
      leaveOutFlagged: config.qualityFilter,
      now,
      language: ctx.language,
      timeZone: config.digestTimezone,
      exportSecret: ctx.deps.pseudonymSecret,
      path,
    });
    return t.reportCaption({ id: round.id, title: escapeHtml(round.title), responses: count });
  });
});

admin.command('themes', async (ctx) => {
  const { db, config } = ctx.deps;
  const chosen = roundFromArgument(db, ctx.match, 'themes', ADMIN_TEXTS[ctx.language]);
  if (!chosen.ok) return void (await ctx.reply(chosen.reply));
  const themes = await ctx.deps.figures.run('roundThemes', { roundId: chosen.round.id, leaveOutFlagged: config.qualityFilter });
  await ctx.reply(renderThemes(chosen.round, themes, ctx.language), { parse_mode: 'HTML' });
});

export const insightFeature = composer;
