import { escapeHtml } from '../render/html.js';
import type { QualityCounts } from '../figures/figures.js';
import type { GroupGap } from '../figures/groups.js';
import { optionsOf } from '../questionnaire/engine.js';
import type { Language } from '../questionnaire/languages.js';
import type { Questionnaire } from '../questionnaire/schema.js';
import type { ReportTexts } from '../texts/report.js';
import { formatIndex, shorten } from '../render/format.js';
import type { Detail, SectionInput } from './sections.js';

/*
 * Report parts added by the insight features: response quality, and the
 * respondent group furthest below the overall index. HTML, escaped here.
 */

/** How many responses were flagged, of which kind, and whether they count. */
export function qualityLine(quality: QualityCounts, texts: ReportTexts): string {
  if (quality.flagged === 0) return texts.qualityNone;
  return texts.qualityFlagged(quality) + (quality.leftOut > 0 ? texts.qualityLeftOut : texts.qualityCounted);
}

/** The quality counts of several figures (the weeks of a trend) added up. */
export function addQuality(all: readonly QualityCounts[]): QualityCounts {
  const sum = { flagged: 0, tooFast: 0, straightLine: 0, leftOut: 0 };
  for (const q of all) for (const key of Object.keys(sum) as (keyof QualityCounts)[]) sum[key] += q[key];
  return sum;
}

/** A group's name: the option's label, or the unnamed line of the small groups (value null). */
export function groupName(
  questionnaire: Questionnaire,
  questionId: string,
  value: string | null,
  language: Language,
  texts: ReportTexts,
): string {
  if (value === null) return texts.otherGroups;
  const question = questionnaire.questions.find((q) => q.id === questionId);
  return (question && optionsOf(question).find((o) => o.value === value)?.label[language]) ?? value;
}

/** One line per headline index whose lowest named group is below the overall value. */
export function groupGapLines(gaps: readonly GroupGap[], input: SectionInput, detail: Detail): string[] {
  const { questionnaire, language, texts } = input;
  const groupQuestion = questionnaire.report.respondent_question ?? '';
  return gaps.map((gap) => {
    const index = questionnaire.indexes.find((i) => i.id === gap.indexId)?.name[language] ?? gap.indexId;
    return texts.groupBelow({
      index: escapeHtml(shorten(index, detail.labelLength)),
      group: escapeHtml(shorten(groupName(questionnaire, groupQuestion, gap.group, language, texts), detail.labelLength)),
      value: formatIndex(gap.value),
      overall: formatIndex(gap.overall),
      gap: formatIndex(gap.overall - gap.value),
    });
  });
}
