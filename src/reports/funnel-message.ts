import type { Round } from '../db/rounds.js';
import type { Funnel } from '../figures/funnel.js';
import type { Language } from '../questionnaire/languages.js';
import { fitMessage } from '../render/fit.js';
import { shorten } from '../render/format.js';
import { escapeHtml } from '../render/html.js';
import { buildBarChartSvg } from '../render/pictures/bar-chart.js';
import type { Picture } from '../render/pictures/draw.js';
import { REPORT_TEXTS } from '../texts/report.js';
import { joinList } from '../texts/list.js';
import { DETAIL_LEVELS, section, type Detail } from './sections.js';

/*
 * /funnel: where residents give up, question by question, with the questions
 * that lose most named first; its chart; and the final report's one line.
 * Question texts come from the questionnaire and are escaped here.
 */

const textOf = (round: Round, id: string, language: Language) =>
  round.questionnaire.questions.find((q) => q.id === id)?.text[language] ?? id;

function compose(round: Round, funnel: Funnel, language: Language, detail: Detail): string {
  const t = REPORT_TEXTS[language];
  const head = `<b>${t.funnelTitle({ id: round.id, title: escapeHtml(shorten(round.title, 100)) })}</b>`;
  if (funnel.started === 0) return `${head}\n${t.funnelEmpty}`;
  const counts = t.funnelCounts({ started: funnel.started, completed: funnel.completed, atSummary: funnel.stoppedAtSummary });
  const question = (id: string) => escapeHtml(shorten(textOf(round, id, language), detail.questionLength));
  const worst = funnel.worst.map((step, i) => `${i + 1}. ${question(step.questionId)} — ${step.stopped}`);
  const steps = funnel.steps.map((step, i) => {
    const median = step.medianMs === null ? null : t.funnelSeconds({ seconds: Math.round(step.medianMs / 1000) });
    return `${i + 1}. ${question(step.questionId)}\n${t.funnelStep({ ...step, median })}`;
  });
  return [`${head}\n${counts}`, section(t.funnelWorst, worst), steps.join('\n')].filter((p): p is string => p !== null).join('\n\n');
}

/** The /funnel message (HTML, within 4,096 characters): the fullest version that fits. */
export function renderFunnel(round: Round, funnel: Funnel, language: Language): string {
  return fitMessage(DETAIL_LEVELS, (detail) => compose(round, funnel, language, detail));
}

/** Reached per question as a share of those who started, as a bar chart; null when nobody started. */
export async function funnelPicture(round: Round, funnel: Funnel, language: Language): Promise<Picture | null> {
  if (funnel.started === 0) return null;
  const t = REPORT_TEXTS[language];
  return buildBarChartSvg({
    title: t.funnelChartTitle,
    categories: funnel.steps.map((step, i) => `${i + 1}. ${shorten(textOf(round, step.questionId, language), 40)}`),
    series: [{ name: t.funnelChartSeries, values: funnel.steps.map((step) => (100 * step.reached) / funnel.started) }],
    axisLabel: t.funnelChartAxis,
    lang: language,
    noDataLabel: t.noData,
  });
}

/** The final report's line: how many stopped part-way and the questions where most did. */
export function funnelLine(round: Round, funnel: Funnel, language: Language, detail: Detail): string | null {
  const t = REPORT_TEXTS[language];
  if (funnel.started === 0) return null;
  const stopped = funnel.started - funnel.completed;
  if (stopped === 0 || funnel.worst.length === 0) return t.funnelNone;
  const worst = joinList(
    funnel.worst.map((step) => `${escapeHtml(shorten(textOf(round, step.questionId, language), detail.labelLength))} (${step.stopped})`),
    language,
  );
  return t.funnelLine({ started: funnel.started, stopped, worst });
}
