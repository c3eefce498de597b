import type { Distribution, QuestionFigures, RoundFigures } from '../figures/figures.js';
import { optionsOf } from '../questionnaire/engine.js';
import type { Language } from '../questionnaire/languages.js';
import type { Questionnaire } from '../questionnaire/schema.js';
import { escapeHtml } from '../render/html.js';
import type { ReportTexts } from '../texts/report.js';
import { formatChange, formatIndex, formatRate, shorten, textBar } from '../render/format.js';

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

export function headlineLines({ figures, previous, questionnaire, language, texts }: SectionInput, detail: Detail): string[] {
  return figures.indexes.map((index) => {
    const before = previous?.indexes.find((p) => p.id === index.id)?.value ?? null;
    const label = escapeHtml(shorten(name(questionnaire.indexes, index.id, language), detail.labelLength));
    const value = index.withheld ? texts.withheld : `<b>${formatIndex(index.value)}</b>`;
    const change = index.withheld || previous === undefined ? '' : formatChange(index.value, before, texts.fresh);
    return `${label}　${value}${change ? ` ${change}` : ''}`;
  });
}

export function dimensionLines({ figures, previous, questionnaire, language, texts }: SectionInput, detail: Detail): string[] {
  const lines = figures.dimensions.slice(0, detail.maxDimensions).map((dimension) => {
    const before = previous?.dimensions.find((p) => p.id === dimension.id)?.index ?? null;
    const label = escapeHtml(shorten(name(questionnaire.dimensions, dimension.id, language), detail.labelLength));
    if (dimension.withheld) return `${label}\n<code>${textBar(null)}</code> ${texts.withheld}`;
    const change = previous === undefined ? '' : formatChange(dimension.index, before, texts.fresh);
    return (
      `${label}\n<code>${textBar(dimension.index)}</code> ${formatIndex(dimension.index)}` +
      `${change ? ` ${change}` : ''} · ${formatRate(dimension.satisfactionRate)}`
    );
  });
  const hidden = figures.dimensions.length - lines.length;
  if (hidden > 0) lines.push(`… (+${hidden})`);
  return lines;
}

export function lowestLines({ figures, questionnaire, language }: SectionInput, detail: Detail): string[] {
  const textOf = (q: QuestionFigures) => questionnaire.questions.find((x) => x.id === q.id)?.text[language] ?? q.id;
  return figures.lowest.map(
    (q, i) => `${i + 1}. ${escapeHtml(shorten(textOf(q), detail.questionLength))} — <b>${formatIndex(q.index)}</b>`,
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

export function awarenessLine({ figures, previous, texts }: SectionInput): string | null {
  const { rate, withheld } = figures.awareness;
  if (withheld) return texts.withheld;
  if (rate === null) return null;
  const before = previous?.awareness.rate ?? null;
  // The change is in percentage points.
  return previous === undefined || before === null
    ? formatRate(rate)
    : `${formatRate(rate)} ${formatChange(rate * 100, before * 100, texts.fresh)}`;
}

/** Suggestions as typed, escaped, on one line each and cut to `length` characters. */
export function suggestionLines(suggestions: readonly string[], length: number): string[] {
  return suggestions.map((text) => `「${escapeHtml(shorten(text, length))}」`);
}
