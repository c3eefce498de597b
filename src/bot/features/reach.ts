import { Composer, InputFile } from 'grammy';
import { findLatestRound, findOpenRound, findRound } from '../../db/rounds.js';
import { responsesBySource } from '../../db/sources.js';
import { DEFAULT_POSTER_TAG, deepLink, isSourceTag } from '../../reach/deep-link.js';
import { sourceFigures, sourceLines } from '../../reach/sources.js';
import { REACH_TEXTS } from '../../texts/reach.js';
import { nextRoundQuestionnaire } from '../../rounds/next-questionnaire.js';
import { ADMIN_TEXTS } from '../../texts/admin.js';
import { isAdminChatId } from '../admin/admin-filter.js';
import { replyWithProblems } from '../admin/questionnaire-problems.js';
import type { BotContext } from '../context.js';
import { QUESTIONNAIRE_TEXTS } from '../../texts/questionnaire.js';
import { fitMessage, shrinkingCounts } from '../../render/fit.js';
import { estimatedMinutes } from '../prompt/question-view.js';
import { escapeHtml } from '../../render/html.js';
import { coverageTargets, removeCoverageTarget, setCoverageTarget } from '../../db/targets.js';
import { CHART_ABOVE_UNITS, coverageChart, coverageLines, gatherCoverage } from '../../reach/coverage.js';
import { roundFromArgument } from '../admin/round-argument.js';

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
  const png = await ctx.deps.figures.run('poster', {
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
  const message = fitMessage(shrinkingCounts(sources.length), (max) =>
    [header, ...sourceLines(sources, t, { max, tagLength: 64, withIndex: true }), '', `<i>${t.sourcesLegend}</i>`].join('\n'),
  );
  await ctx.reply(message, { parse_mode: 'HTML' });
});

/** `/target <tag> <n|off>`: the tag, and a whole number 1–1,000,000 or null for off; null when malformed. */
export function parseTargetArguments(text: string): { tag: string; target: number | null } | null {
  const match = /^(\S+)\s+(\S+)$/.exec(text.trim());
  if (!match || !isSourceTag(match[1]!)) return null;
  const [, tag, amount] = match as unknown as [string, string, string];
  if (amount.toLowerCase() === 'off') return { tag, target: null };
  if (!/^\d{1,7}$/.test(amount)) return null;
  const target = Number(amount);
  return target >= 1 && target <= MAX_TARGET ? { tag, target } : null;
}

export const MAX_TARGET = 1_000_000;

admin.command('target', async (ctx) => {
  const t = REACH_TEXTS[ctx.language];
  const parsed = parseTargetArguments(ctx.match);
  if (!parsed) return void (await ctx.reply(t.targetUsage));
  const { db, clock } = ctx.deps;
  const tag = `<code>${escapeHtml(parsed.tag)}</code>`;
  if (parsed.target === null) {
    const removed = removeCoverageTarget(db, parsed.tag);
    return void (await ctx.reply(removed ? t.targetRemoved({ tag }) : t.targetWasNone({ tag }), { parse_mode: 'HTML' }));
  }
  setCoverageTarget(db, parsed.tag, parsed.target, clock());
  ctx.log.info({ tag: parsed.tag, target: parsed.target }, 'coverage target set');
  await ctx.reply(t.targetSet({ tag, target: parsed.target }), { parse_mode: 'HTML' });
});

admin.command('targets', async (ctx) => {
  const t = REACH_TEXTS[ctx.language];
  const targets = [...coverageTargets(ctx.deps.db)];
  if (targets.length === 0) return void (await ctx.reply(t.targetsNone));
  const message = fitMessage(shrinkingCounts(targets.length), (max) => {
    const lines = targets.slice(0, max).map(([tag, target]) => t.targetLine({ tag: `<code>${escapeHtml(tag)}</code>`, target }));
    if (max < targets.length) lines.push(t.unitsMore({ count: targets.length - max }));
    return [t.targetsTitle, ...lines].join('\n');
  });
  await ctx.reply(message, { parse_mode: 'HTML' });
});

admin.command('coverage', async (ctx) => {
  const t = REACH_TEXTS[ctx.language];
  const { db } = ctx.deps;
  const chosen = roundFromArgument(db, ctx.match, 'coverage', ADMIN_TEXTS[ctx.language]);
  if (!chosen.ok) return void (await ctx.reply(chosen.reply));
  const { round } = chosen;
  const coverage = gatherCoverage(db, [round.id]);
  const header = t.coverageTitle({ id: round.id, title: escapeHtml(round.title) });
  if (coverage.units.length === 0 && coverage.direct.started === 0) {
    return void (await ctx.reply(`${header}\n${t.coverageNone}`, { parse_mode: 'HTML' }));
  }
  const message = fitMessage(shrinkingCounts(coverage.units.length), (max) =>
    [header, ...coverageLines(coverage, t, { max, tagLength: 64 }), '', `<i>${t.coverageLegend}</i>`].join('\n'),
  );
  await ctx.reply(message, { parse_mode: 'HTML' });
  if (coverage.units.filter((u) => u.share !== null).length > CHART_ABOVE_UNITS) {
    const chart = await coverageChart(coverage, t, ctx.language);
    if (chart) await ctx.replyWithPhoto(new InputFile(await ctx.deps.figures.run('picture', chart), 'coverage.png'));
  }
});

export const reachFeature = composer;
