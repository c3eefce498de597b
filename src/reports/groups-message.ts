import { fitMessage } from '../render/fit.js';
import { escapeHtml } from '../render/html.js';
import type { Round } from '../db/rounds.js';
import { REPORT_TEXTS } from '../texts/report.js';
import type { CompositeIndexFigures, DimensionFigures, RoundFigures } from '../figures/figures.js';
import type { GroupBreakdown } from '../figures/groups.js';
import type { Language } from '../questionnaire/languages.js';
import { shorten } from '../render/format.js';
import type { Estimate } from '../figures/intervals.js';
import { groupName, qualityLine } from './insight-sections.js';
import { DETAIL_LEVELS, judgedChange, shownIndex, type Detail } from './sections.js';

/*
 * /groups: the indexes of each respondent group beside the overall ones, a
 * block per group, each figure with its difference from the overall value.
 */

interface Block {
  indexes: CompositeIndexFigures[];
  dimensions: DimensionFigures[];
}

function compose(round: Round, overall: RoundFigures, breakdown: GroupBreakdown, language: Language, detail: Detail): string {
  const t = REPORT_TEXTS[language];
  const { questionnaire } = round;
  const nameOf = (list: { id: string; name: Record<Language, string> }[], id: string) =>
    escapeHtml(shorten(list.find((x) => x.id === id)?.name[language] ?? id, detail.labelLength));
  // A group against the overall figure: ▲ ▼ only when the difference is larger than its margin.
  const value = (estimate: Estimate | null, withheld: boolean, reference: Estimate | null | undefined) => {
    if (withheld) return t.withheld;
    const change = reference === undefined || reference === null ? '' : judgedChange(reference, estimate, t);
    return `${shownIndex(estimate, false, t)}${change ? ` ${change}` : ''}`;
  };
  const block = (title: string, count: number, figures: Block, reference?: Block) => {
    const indexes = figures.indexes.map((i) => {
      const before = reference?.indexes.find((x) => x.id === i.id)?.estimate;
      return `${nameOf(questionnaire.indexes, i.id)}　${value(i.estimate, i.withheld, before)}`;
    });
    const dimensions = figures.dimensions.slice(0, detail.maxDimensions).map((d) => {
      const before = reference?.dimensions.find((x) => x.id === d.id)?.indexEstimate;
      return `${nameOf(questionnaire.dimensions, d.id)} ${value(d.indexEstimate, d.withheld, before)}`;
    });
    return [`<b>${escapeHtml(title)}</b>${t.groupCount({ count })}`, ...indexes, dimensions.join(' · ')].filter((l) => l !== '').join('\n');
  };
  const counted = overall.counts.completed - overall.quality.leftOut;
  const parts = [
    `<b>${t.groupsTitle({ id: round.id, title: escapeHtml(shorten(round.title, 100)) })}</b>\n<i>${t.groupsRule}</i>\n` +
      `${t.quality}: ${qualityLine(overall.quality, t)}`,
  ];
  if (breakdown.groups.length === 0) return [...parts, t.noGroupResponses].join('\n\n');
  parts.push(block(t.overall, counted, overall));
  for (const group of breakdown.groups) {
    const name = groupName(questionnaire, breakdown.questionId, group.value, language, t);
    parts.push(block(shorten(name, detail.labelLength), group.respondents, group, overall));
  }
  return parts.join('\n\n');
}

/** The /groups message (HTML, within 4,096 characters): the fullest version that fits. */
export function renderGroups(round: Round, overall: RoundFigures, breakdown: GroupBreakdown, language: Language): string {
  return fitMessage(DETAIL_LEVELS, (detail) => compose(round, overall, breakdown, language, detail));
}
