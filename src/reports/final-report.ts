import { fitMessage } from '../render/fit.js';
import { escapeHtml } from '../render/html.js';
import { REPORT_TEXTS } from '../texts/report.js';
import type { Language } from '../questionnaire/languages.js';
import { sourcesSection } from '../reach/sources.js';
import { coverageSection } from '../reach/coverage.js';
import { REACH_TEXTS } from '../texts/reach.js';
import { formatRate, shorten, formatInZone } from '../render/format.js';
import { funnelLine } from './funnel-message.js';
import { groupGapLines, qualityLine } from './insight-sections.js';
import type { RoundReport } from './round-report.js';
import {
  awarenessLine,
  DETAIL_LEVELS,
  dimensionLines,
  headlineLines,
  improvementLines,
  lowestLines,
  mixLine,
  movedLines,
  section,
  type Detail,
  type SectionInput,
} from './sections.js';

function compose(report: RoundReport, language: Language, timeZone: string, detail: Detail): string {
  const { round, figures, previous } = report;
  const t = REPORT_TEXTS[language];
  const at = (instant: Date) => formatInZone(instant, timeZone);
  const { counts } = figures;
  const input: SectionInput = {
    figures,
    // Compared with the previous closed round when there is one; the first round has nothing to compare.
    ...(previous ? { previous: previous.figures } : {}),
    questionnaire: round.questionnaire,
    language,
    texts: t,
  };
  const head = [
    `<b>${t.reportTitle({ id: round.id, title: escapeHtml(round.title) })}</b>`,
    t.reportPeriod({ opened: at(round.openedAt), closed: at(round.closedAt ?? round.openedAt) }),
    t.reportCounts({ completed: counts.completed, started: counts.started, rate: formatRate(counts.completionRate) }),
  ];
  if (previous && counts.completed > 0) {
    head.push(t.comparedWith({ id: previous.round.id, title: escapeHtml(shorten(previous.round.title, detail.labelLength)) }));
  }
  const parts: (string | null)[] = [head.join('\n')];
  if (counts.completed > 0) {
    const awareness = awarenessLine(input);
    const mix = mixLine(input, detail);
    parts.push(
      section(t.headline, headlineLines(input, detail)),
      section(t.moved, movedLines(input, detail)),
      section(t.dimensions, dimensionLines(input, detail), previous ? t.dimensionLegendRound : undefined),
      section(t.lowest, lowestLines(input, detail)),
      section(t.improvements, improvementLines(input, detail)),
      awareness === null ? null : `<b>${t.awareness}</b> ${awareness}`,
      mix === null ? null : section(t.mix, [mix]),
      section(t.groupsBelow, groupGapLines(report.gaps, input, detail)),
      section(t.quality, [qualityLine(figures.quality, t)]),
    );
  }
  const gaveUp = report.funnel ? funnelLine(round, report.funnel, language, detail) : null;
  if (gaveUp !== null) parts.push(section(t.funnelWorst, [gaveUp]));
  const maxSources = detail.maxDimensions > 0 ? 10 : 3;
  parts.push(sourcesSection(report.sources ?? [], REACH_TEXTS[language], { max: maxSources, tagLength: detail.labelLength, withIndex: true }));
  if (report.coverage) parts.push(coverageSection(report.coverage, REACH_TEXTS[language], { max: maxSources, tagLength: detail.labelLength }));
  return parts.filter((part): part is string => part !== null).join('\n\n');
}

/** The final report of a closed round as one Telegram message (HTML, within 4,096 characters). */
export function renderFinalReport(report: RoundReport, language: Language, timeZone: string): string {
  return fitMessage(DETAIL_LEVELS, (detail) => compose(report, language, timeZone, detail));
}
