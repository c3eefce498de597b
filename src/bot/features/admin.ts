import { Composer } from 'grammy';
import { closeOpenRound, findOpenRound, listRounds, openRound, responseCountsByRound } from '../../db/rounds.js';
import { composeDigest } from '../../digest/compose.js';
import { sendDigest } from '../../digest/delivery.js';
import { REPORT_TEXTS } from '../../texts/report.js';
import { exportFileName, writeRoundCsv } from '../../export/csv.js';
import { codebookFileName, writeCodebookCsv } from '../../export/codebook.js';
import { responsesBySource } from '../../db/sources.js';
import { sourceFigures, sourcesSection } from '../../reach/sources.js';
import { REACH_TEXTS } from '../../texts/reach.js';
import { qualityLine } from '../../reports/insight-sections.js';
import { DETAIL_LEVELS, headlineLines } from '../../reports/sections.js';
import { formatInZone } from '../../render/format.js';
import { endOfDay, parseOpenRoundArguments } from '../../rounds/deadline.js';
import { nextRoundQuestionnaire, roundSource } from '../../rounds/next-questionnaire.js';
import { ADMIN_COMMANDS, ADMIN_TEXTS, type AdminTexts } from '../../texts/admin.js';
import { inAdminChat, refuseOutsideAdminChats } from '../admin/admin-filter.js';
import { announceRound } from '../outbound/announce-round.js';
import { announceClosedRound } from '../outbound/round-closing.js';
import { replyWithProblems } from '../admin/questionnaire-problems.js';
import { QUESTIONNAIRE_TEXTS } from '../../texts/questionnaire.js';
import { roundFromArgument } from '../admin/round-argument.js';
import { replyWithWrittenFile } from '../admin/temporary-file.js';
import type { BotContext } from '../context.js';
import { MESSAGE_LIMIT } from '../../render/fit.js';
import { escapeHtml } from '../../render/html.js';
import { TEXTS } from '../../texts/resident.js';

export const MAX_TITLE_LENGTH = 100;

const texts = (ctx: BotContext): AdminTexts => ADMIN_TEXTS[ctx.language];
const when = (ctx: BotContext, instant: Date) => formatInZone(instant, ctx.deps.config.digestTimezone);
const html = { parse_mode: 'HTML' } as const;

const composer = new Composer<BotContext>();
const admin = composer.filter(inAdminChat);

admin.command('open_round', async (ctx) => {
  const { db, clock, loadQuestionnaire, config } = ctx.deps;
  const t = texts(ctx);
  const parsed = parseOpenRoundArguments(ctx.match);
  if (!parsed.ok) return void (await ctx.reply(t.untilMalformed));
  const { title, until } = parsed;
  if (title === '') return void (await ctx.reply(t.openRoundUsage));
  if ([...title].length > MAX_TITLE_LENGTH) return void (await ctx.reply(t.titleTooLong({ max: MAX_TITLE_LENGTH })));

  const now = clock();
  const closesAt = until === null ? null : endOfDay(until, config.digestTimezone);
  if (until !== null && closesAt === null) return void (await ctx.reply(t.untilMalformed));
  if (closesAt !== null && closesAt <= now) {
    return void (await ctx.reply(t.untilPast({ date: until!, zone: config.digestTimezone })));
  }

  const next = nextRoundQuestionnaire(db, loadQuestionnaire);
  if (!next.ok) {
    const header = QUESTIONNAIRE_TEXTS[ctx.language].openRefused({
      count: next.problems.length,
      version: next.origin === 'upload' ? (next.version?.id ?? null) : null,
    });
    return replyWithProblems(ctx, header, next.problems);
  }
  const result = openRound(db, { title, questionnaire: next.questionnaire, from: roundSource(next), now, closesAt });
  if (!result.ok) {
    const open = result.alreadyOpen;
    return void (await ctx.reply(t.roundAlreadyOpen({ title: escapeHtml(open.title), openedAt: when(ctx, open.openedAt) }), html));
  }
  const { id, questionnaire } = result.round;
  ctx.log.info({ roundId: id }, 'round opened');
  ctx.deps.background.run('announce round', () => announceRound({ api: ctx.api, ...ctx.deps }, result.round));
  await ctx.reply(
    t.roundOpened({
      id,
      title: escapeHtml(title),
      questions: questionnaire.questions.length,
      closes: closesAt && when(ctx, closesAt),
    }),
    html,
  );
});

admin.command('close_round', async (ctx) => {
  const round = closeOpenRound(ctx.deps.db, ctx.deps.clock());
  if (!round) return void (await ctx.reply(texts(ctx).noRoundOpen));
  ctx.log.info({ roundId: round.id }, 'round closed');
  const reached = await announceClosedRound({ api: ctx.api, ...ctx.deps }, round, false);
  // The chat that asked hears back even when the broadcast could not reach it.
  if (!reached.includes(ctx.chat.id)) await ctx.reply(texts(ctx).roundClosedHere);
});

admin.command('rounds', async (ctx) => {
  const t = texts(ctx);
  const rounds = listRounds(ctx.deps.db);
  if (rounds.length === 0) return void (await ctx.reply(t.noRounds));
  const counts = responseCountsByRound(ctx.deps.db);
  let message = `<b>${t.roundsTitle}</b>`;
  for (const [index, round] of rounds.entries()) {
    const line = t.roundLine({
      id: round.id,
      title: escapeHtml(round.title),
      opened: when(ctx, round.openedAt),
      closed: round.closedAt && when(ctx, round.closedAt),
      closes: round.closesAt && when(ctx, round.closesAt),
      version: round.questionnaireVersionId,
      ...(counts.get(round.id) ?? { started: 0, completed: 0 }),
    });
    const more = t.roundsMore({ count: rounds.length - index });
    // Keep room for the "… and N older rounds" line.
    if (message.length + line.length + more.length + 4 > MESSAGE_LIMIT) {
      message += `\n\n${more}`;
      break;
    }
    message += `\n\n${line}`;
  }
  await ctx.reply(message, html);
});

admin.command('status', async (ctx) => {
  const t = texts(ctx);
  const round = findOpenRound(ctx.deps.db);
  if (!round) return void (await ctx.reply(t.noRoundOpen));
  const figures = await ctx.deps.figures.run('roundFigures', { roundId: round.id, leaveOutFlagged: ctx.deps.config.qualityFilter });
  const reportTexts = REPORT_TEXTS[ctx.language];
  const input = { figures, questionnaire: round.questionnaire, language: ctx.language, texts: reportTexts };
  const lines = [
    t.statusTitle({ id: round.id, title: escapeHtml(round.title) }),
    t.statusLines({
      opened: when(ctx, round.openedAt),
      closes: round.closesAt && when(ctx, round.closesAt),
      started: figures.counts.started,
      completed: figures.counts.completed + figures.counts.held,
    }),
  ];
  const { completed: n, held } = figures.counts;
  if (held > 0) lines.push(reportTexts.figuresOver({ n, held }));
  const headline = headlineLines(input, DETAIL_LEVELS[0]!);
  if (figures.counts.completed > 0 && headline.length > 0) lines.push('', ...headline);
  if (figures.counts.completed > 0) lines.push('', `<b>${reportTexts.quality}</b> ${qualityLine(figures.quality, reportTexts)}`);
  const sources = sourceFigures(responsesBySource(ctx.deps.db, [round.id]));
  const top = sourcesSection(sources, REACH_TEXTS[ctx.language], { max: 3, tagLength: 32, withIndex: false });
  if (top) lines.push('', top);
  await ctx.reply(lines.join('\n'), html);
});

admin.command('digest', async (ctx) => {
  const { config, logger, clock } = ctx.deps;
  const data = await ctx.deps.figures.run('digest', { to: clock(), leaveOutFlagged: config.qualityFilter });
  const digest = await composeDigest(data, { language: ctx.language, timeZone: config.digestTimezone }, logger);
  await sendDigest({ api: ctx.api }, ctx.chat.id, digest);
});

admin.command('export', async (ctx) => {
  const t = texts(ctx);
  const { db, clock } = ctx.deps;
  // `/export codebook [round id]`: what each column of the CSV holds.
  const codebook = /^codebook(?:\s+|$)/i.exec(ctx.match.trim());
  const argument = codebook ? ctx.match.trim().slice(codebook[0].length) : ctx.match;
  const chosen = roundFromArgument(db, argument, 'export', t);
  if (!chosen.ok) return void (await ctx.reply(chosen.reply));
  const { round } = chosen;
  if (codebook) {
    return replyWithWrittenFile(ctx, codebookFileName(round, clock()), async (path) => {
      const columns = await writeCodebookCsv(round, path);
      return t.codebookCaption({ id: round.id, title: escapeHtml(round.title), columns });
    });
  }
  await replyWithWrittenFile(ctx, exportFileName(round, clock()), async (path) => {
    const count = await writeRoundCsv(db, round, path, ctx.deps.pseudonymSecret);
    return t.exportCaption({ id: round.id, title: escapeHtml(round.title), responses: count });
  });
});

admin.command('help', async (ctx) => {
  const t = texts(ctx);
  await ctx.reply(ctx.chat.type === 'private' ? `${TEXTS[ctx.language].helpResident}\n\n${t.help}` : t.help);
});

composer.command([...ADMIN_COMMANDS], refuseOutsideAdminChats);

export const adminFeature = composer;
