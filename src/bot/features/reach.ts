import { Composer, InputFile } from 'grammy';
import { findLatestRound, findOpenRound, findRound } from '../../db/rounds.js';
import { responsesBySource } from '../../db/sources.js';
import { DEFAULT_POSTER_TAG, deepLink, isSourceTag } from '../../reach/deep-link.js';
import { renderPoster } from '../../render/pictures/poster.js';
import { sourceFigures, sourceLines } from '../../reach/sources.js';
import { REACH_TEXTS } from '../../texts/reach.js';
import { nextRoundQuestionnaire } from '../../rounds/next-questionnaire.js';
import { ADMIN_TEXTS } from '../../texts/admin.js';
import { isAdminChatId } from '../admin/admin-filter.js';
import { replyWithProblems } from '../admin/questionnaire-problems.js';
import type { BotContext } from '../context.js';
import { QUESTIONNAIRE_TEXTS } from '../../texts/questionnaire.js';
import { fitMessage } from '../../render/fit.js';
import { estimatedMinutes } from '../prompt/question-view.js';
import { escapeHtml } from '../../render/html.js';

/** Reach, for administrators: posters that bring residents in, and what each one brought. */
const composer = new Composer<BotContext>();
const admin = composer.filter((ctx) => ctx.chat !== undefined && isAdminChatId(ctx.deps.config, ctx.chat.id));

/** `/poster [tag] [headline]`: the tag is the first word, the headline the rest. */
export function parsePosterArguments(text: string): { tag: string; headline: string } {
  const match = /^(\S*)\s*([\s\S]*)$/.exec(text.trim());
  return { tag: match?.[1] || DEFAULT_POSTER_TAG, headline: (match?.[2] ?? '').replace(/\s+/g, ' ').trim() };
}

admin.command('poster', async (ctx) => {
  const t = REACH_TEXTS[ctx.language];
  const { tag, headline } = parsePosterArguments(ctx.match);
  if (!isSourceTag(tag)) return void (await ctx.reply(t.posterBadTag));
  const { db, loadQuestionnaire } = ctx.deps;
  const round = findOpenRound(db);
  // Before a round opens, the poster tells what the next one will ask.
  let questionnaire = round?.questionnaire;
  if (!questionnaire) {
    const next = nextRoundQuestionnaire(db, loadQuestionnaire);
    if (!next.ok) {
      const header = QUESTIONNAIRE_TEXTS[ctx.language].openRefused({ count: next.problems.length, version: next.version?.id ?? null });
      return replyWithProblems(ctx, header, next.problems);
    }
    questionnaire = next.questionnaire;
  }
  const link = deepLink(ctx.me.username, tag);
  const png = await renderPoster({
    headline: headline || round?.title || questionnaire.title[ctx.language],
    callToAction: t.posterCallToAction,
    link,
    facts: t.posterFacts({ minutes: estimatedMinutes(questionnaire), questions: questionnaire.questions.length }),
    lang: ctx.language,
  });
  ctx.log.info({ tag }, 'poster made');
  await ctx.replyWithDocument(new InputFile(png, `manyi-poster-${tag}.png`), { caption: t.posterCaption({ link }) });
});

admin.command('sources', async (ctx) => {
  const t = REACH_TEXTS[ctx.language];
  const argument = ctx.match.trim();
  if (argument !== '' && !/^\d{1,9}$/.test(argument)) return void (await ctx.reply(t.sourcesUsage));
  const { db } = ctx.deps;
  const round = argument === '' ? findLatestRound(db) : findRound(db, Number(argument));
  if (!round) {
    const a = ADMIN_TEXTS[ctx.language];
    return void (await ctx.reply(argument === '' ? a.noRounds : a.unknownRound({ id: Number(argument) })));
  }
  const header = t.sourcesTitle({ id: round.id, title: escapeHtml(round.title) });
  const sources = sourceFigures(responsesBySource(db, [round.id], { scores: true }));
  if (sources.length === 0) return void (await ctx.reply(`${header}\n${t.sourcesNone}`, { parse_mode: 'HTML' }));
  // As many sources as fit in one message; the last line says how many did not.
  const counts: number[] = [];
  for (let max = sources.length; max >= 0; max = Math.min(max - 1, Math.floor(max * 0.9))) counts.push(max);
  const message = fitMessage(counts, (max) =>
    [header, ...sourceLines(sources, t, { max, tagLength: 64, withIndex: true }), '', `<i>${t.sourcesLegend}</i>`].join('\n'),
  );
  await ctx.reply(message, { parse_mode: 'HTML' });
});

export const reachFeature = composer;
