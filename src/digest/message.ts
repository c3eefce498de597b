import { escapeHtml } from '../render/html.js';
import type { Language } from '../questionnaire/languages.js';
import { formatInZone } from '../render/format.js';
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
  suggestionLines,
  type Detail,
  type SectionInput,
} from '../reports/sections.js';
import { fitMessage } from '../render/fit.js';
import { groupGapLines, qualityLine } from '../reports/insight-sections.js';
import { sourcesSection } from '../reach/sources.js';
import { REACH_TEXTS } from '../texts/reach.js';
import { coverageDigestSection } from '../reach/coverage.js';
import { themesDigestSection } from '../reports/themes.js';
import type { DigestData } from './content.js';
import { REPORT_TEXTS } from '../texts/report.js';
import { joinList } from '../texts/list.js';

export interface DigestMessageOptions {
  language: Language;
  timeZone: string;
  /** Set when a scheduled run is sent late (the bot was down): its scheduled time. */
  lateFor?: Date | null;
}

/** Lengths suggestions are cut to, tried in turn until the message fits. */
const SUGGESTION_LENGTHS = [200, 100, 50, 0];

function compose(data: DigestData, options: DigestMessageOptions, detail: Detail, suggestionLength: number): string {
  const t = REPORT_TEXTS[options.language];
  const at = (instant: Date) => formatInZone(instant, options.timeZone);
  const head = [`<b>${t.digestTitle}</b>`, t.period({ from: at(data.from), to: at(data.to) })];
  if (options.lateFor) head.push(t.late({ scheduled: at(options.lateFor) }));
  if (data.rounds.length === 0 || !data.figures || !data.questionnaire) return [...head, '', t.noRound].join('\n');

  head.push(t.rounds({ list: joinList(data.rounds.map((r) => `#${r.id} ${escapeHtml(r.title)}`), options.language) }));
  const { counts } = data.figures;
  head.push(t.newResponses({ completed: counts.completed + counts.held, started: counts.started, total: counts.totalCompleted }));
  if (counts.held > 0) head.push(t.figuresOver({ n: counts.completed, held: counts.held }));
  const coverage = data.coverage
    ? coverageDigestSection(data.coverage, REACH_TEXTS[options.language], { max: 10, tagLength: detail.labelLength, language: options.language })
    : null;
  if (counts.completed === 0) {
    // Completions held back (see figuresOver) are new all the same: only a week without any is quiet.
    if (counts.held === 0) head.push('', t.quietWeek);
    // A quiet week is when the units that lag matter most: their coverage is shown all the same.
    return [head.join('\n'), coverage].filter((part) => part !== null).join('\n\n');
  }

  const input: SectionInput = {
    figures: data.figures,
    previous: data.previous,
    questionnaire: data.questionnaire,
    language: options.language,
    texts: t,
  };
  const awareness = awarenessLine(input);
  const mix = mixLine(input, detail);
  const parts = [
    head.join('\n'),
    section(t.headline, headlineLines(input, detail)),
    section(t.moved, movedLines(input, detail)),
    section(t.dimensions, dimensionLines(input, detail), t.dimensionLegend),
    section(t.lowest, lowestLines(input, detail)),
    section(t.improvements, improvementLines(input, detail)),
    awareness === null ? null : `<b>${t.awareness}</b> ${awareness}`,
    mix === null ? null : section(t.mix, [mix]),
    section(t.groupsBelow, groupGapLines(data.gaps, input, detail)),
    section(t.quality, [qualityLine(data.figures.quality, t)]),
    sourcesSection(data.sources, REACH_TEXTS[options.language], { max: 5, tagLength: detail.labelLength, withIndex: false }),
    coverage,
    themesDigestSection(data.themes ?? null, options.language),
    suggestionLength > 0 ? section(t.suggestions, suggestionLines(data.suggestions, suggestionLength)) : null,
  ];
  return parts.filter((part): part is string => part !== null).join('\n\n');
}

/**
 * The digest as one Telegram message (HTML, within 4,096 characters): the
 * fullest version that fits, shortening suggestions, then names, then lists.
 */
export function renderDigestMessage(data: DigestData, options: DigestMessageOptions): string {
  const levels = [...DETAIL_LEVELS.flatMap((detail) => SUGGESTION_LENGTHS.map((length) => ({ detail, length }))), { detail: DETAIL_LEVELS.at(-1)!, length: 0 }];
  return fitMessage(levels, ({ detail, length }) => compose(data, options, detail, length));
}
