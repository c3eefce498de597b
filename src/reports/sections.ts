import type { Distribution, QuestionFigures, RoundFigures } from '../figures/figures.js';
import { optionsOf } from '../questionnaire/engine.js';
import type { Language } from '../questionnaire/languages.js';
import type { Questionnaire } from '../questionnaire/schema.js';
import { escapeHtml } from '../render/html.js';
import type { ReportTexts } from '../texts/report.js';
import { compareEstimates, type Estimate } from '../figures/intervals.js';
import { formatIndex, formatJudgedChange, formatMarginAndN, formatRate, shorten, textBar } from '../render/format.js';

/*
 * The parts of a report that read figures: shared by the weekly digest, the
 * final report of a round and /status. Each returns HTML lines; names from
 * the questionnaire and anything residents typed are escaped here.
 */

export interface SectionInput {
  figures: RoundFigures;
  /**
   * The figures to compare with (last week). Undefined: no comparison is made
   * (a final report); null: there was nothing to compare with, so figures are "new".
   */
  previous?: RoundFigures | null;
  questionnaire: Questionnaire;
  language: Language;
  texts: ReportTexts;
}

/** How much detail fits: 0 is everything; higher levels shorten names and lists. */
export interface Detail {
  labelLength: number;
  questionLength: number;
  maxDimensions: number;
}

export const DETAIL_LEVELS: readonly Detail[] = [
  { labelLength: 60, questionLength: 80, maxDimensions: 60 },
  { labelLength: 24, questionLength: 40, maxDimensions: 60 },
  { labelLength: 14, questionLength: 24, maxDimensions: 20 },
  { labelLength: 10, questionLength: 16, maxDimensions: 10 },
  { labelLength: 8, questionLength: 12, maxDimensions: 0 },
];

/** A titled block of lines; null when there is nothing to show. */
export function section(title: string, lines: readonly string[], legend?: string): string | null {
  if (lines.length === 0) return null;
  return `<b>${title}</b>${legend ? ` <i>${legend}</i>` : ''}\n${lines.join('\n')}`;
}

function name(map: { id: string; name: Record<Language, string> }[], id: string, language: Language): string {
  return map.find((item) => item.id === id)?.name[language] ?? id;
}

/** An index as shown: bold value, then its margin and n; "fewer than 5" when withheld, "—" when nobody answered. */
export function shownIndex(estimate: Estimate | null, withheld: boolean, texts: ReportTexts): string {
  if (withheld) return texts.withheld;
  if (estimate === null) return texts.noAnswers;
  return `<b>${formatIndex(estimate.value)}</b>${formatMarginAndN(estimate)}`;
}

/**
 * The change of an estimate against the one before: ▲ ▼ only when real,
 * "≈ +1.3, within noise" otherwise, nothing below 30 on either side;
 * `fresh` when there was nothing before, nothing when no comparison is made.
 */
export function judgedChange(before: Estimate | null | undefined, after: Estimate | null, texts: ReportTexts): string {
  if (before === undefined || after === null) return '';
  if (before === null) return texts.fresh;
  return formatJudgedChange(compareEstimates(before, after), texts.withinNoise);
}

/** The estimate compared with: undefined when no comparison is made, null when there was nothing. */
function earlier<T extends { id: string }>(list: readonly T[] | undefined, id: string, estimate: (item: T) => Estimate | null) {
  if (list === undefined) return undefined;
  const item = list.find((x) => x.id === id);
  return item ? estimate(item) : null;
}

export function headlineLines({ figures, previous, questionnaire, language, texts }: SectionInput, detail: Detail): string[] {
  return figures.indexes.map((index) => {
    const before = previous === undefined ? undefined : earlier(previous?.indexes ?? [], index.id, (i) => i.estimate);
    const label = escapeHtml(shorten(name(questionnaire.indexes, index.id, language), detail.labelLength));
    const change = index.withheld ? '' : judgedChange(before, index.estimate, texts);
    return `${label}　${shownIndex(index.estimate, index.withheld, texts)}${change ? ` ${change}` : ''}`;
  });
}

export function dimensionLines({ figures, previous, questionnaire, language, texts }: SectionInput, detail: Detail): string[] {
  const lines = figures.dimensions.slice(0, detail.maxDimensions).map((dimension) => {
    const before = previous === undefined ? undefined : earlier(previous?.dimensions ?? [], dimension.id, (d) => d.indexEstimate);
    const label = escapeHtml(shorten(name(questionnaire.dimensions, dimension.id, language), detail.labelLength));
    if (dimension.withheld) return `${label}\n<code>${textBar(null)}</code> ${texts.withheld}`;
    const change = judgedChange(before, dimension.indexEstimate, texts);
    return (
      `${label}\n<code>${textBar(dimension.index)}</code> ${shownIndex(dimension.indexEstimate, false, texts)}` +
      `${change ? ` ${change}` : ''} · ${formatRate(dimension.satisfactionRate)}`
    );
  });
  const hidden = figures.dimensions.length - lines.length;
  if (hidden > 0) lines.push(`… (+${hidden})`);
  return lines;
}

/** What moved beyond its margin (headline indexes, then dimensions): one line each, ▲ or ▼; none without a comparison. */
export function movedLines({ figures, previous, questionnaire, language, texts }: SectionInput, detail: Detail): string[] {
  if (!previous) return [];
  const moved = [
    ...figures.indexes.map((i) => ({
      label: name(questionnaire.indexes, i.id, language),
      before: i.withheld ? null : (previous.indexes.find((p) => p.id === i.id && !p.withheld)?.estimate ?? null),
      after: i.withheld ? null : i.estimate,
    })),
    ...figures.dimensions.map((d) => ({
      label: name(questionnaire.dimensions, d.id, language),
      before: d.withheld ? null : (previous.dimensions.find((p) => p.id === d.id && !p.withheld)?.indexEstimate ?? null),
      after: d.withheld ? null : d.indexEstimate,
    })),
  ].flatMap(({ label, before, after }) => {
    if (!before || !after) return [];
    const change = compareEstimates(before, after);
    if (change.verdict !== 'up' && change.verdict !== 'down') return [];
    return [`${escapeHtml(shorten(label, detail.labelLength))} ${formatIndex(before.value)} → ${formatIndex(after.value)} ${formatJudgedChange(change, texts.withinNoise)}`];
  });
  return moved.length > 0 ? moved : [texts.movedNone];
}

export function lowestLines(input: SectionInput, detail: Detail): string[] {
  const { figures, questionnaire, language } = input;
  const textOf = (q: QuestionFigures) => questionnaire.questions.find((x) => x.id === q.id)?.text[language] ?? q.id;
  return figures.lowest.map(
    (q, i) => `${i + 1}. ${escapeHtml(shorten(textOf(q), detail.questionLength))} — ${shownIndex(q.indexEstimate, q.withheld, input.texts)}`,
  );
}

/** Option counts as "label 35% (42)", with the small groups folded into one unnamed line. */
function distributionParts(distribution: Distribution, input: SectionInput, detail: Detail): string[] {
  const question = input.questionnaire.questions.find((q) => q.id === distribution.questionId);
  const labelOf = (value: string) =>
    (question && optionsOf(question).find((o) => o.value === value)?.label[input.language]) ?? value;
  const parts = distribution.options.map(
    (o) => `${escapeHtml(shorten(labelOf(o.value), detail.labelLength))} ${formatRate(o.share)} (${o.count})`,
  );
  if (distribution.withheldCount > 0) {
    // A multi question counts choices, not people, so its folded bucket has no head count.
    const t = input.texts;
    parts.push(distribution.type === 'multi' ? t.withheldOptions : t.withheldGroup({ count: distribution.withheldCount }));
  }
  return parts;
}

export function improvementLines(input: SectionInput, detail: Detail): string[] {
  const improvements = input.figures.improvements;
  if (!improvements || improvements.respondents === 0) return [];
  if (improvements.withheld) return [input.texts.withheld];
  return distributionParts({ ...improvements, options: improvements.options.slice(0, 5) }, input, detail).map(
    (part, i) => (i < 5 && i < improvements.options.length ? `${i + 1}. ${part}` : part),
  );
}

export function mixLine(input: SectionInput, detail: Detail): string | null {
  const mix = input.figures.respondentMix;
  if (!mix || mix.respondents === 0) return null;
  if (mix.withheld) return input.texts.withheld;
  return distributionParts(mix, input, detail).join(' · ');
}

/**
 * The awareness rate over every scale answer. No change is shown beside it:
 * its answers are not independent (several per person), so no arrow could be
 * earned honestly; the dimensions carry theirs.
 */
export function awarenessLine({ figures, texts }: SectionInput): string | null {
  const { rate, withheld } = figures.awareness;
  if (withheld) return texts.withheld;
  if (rate === null) return null;
  return formatRate(rate);
}

/** Suggestions as typed, escaped, on one line each and cut to `length` characters. */
export function suggestionLines(suggestions: readonly string[], length: number): string[] {
  return suggestions.map((text) => `「${escapeHtml(shorten(text, length))}」`);
}
