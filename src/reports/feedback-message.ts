import type { Round } from '../db/rounds.js';
import type { RoundFigures } from '../figures/figures.js';
import type { Language } from '../questionnaire/languages.js';
import { fitMessage } from '../render/fit.js';
import { formatIndex, shorten } from '../render/format.js';
import { escapeHtml } from '../render/html.js';
import { FEEDBACK_TEXTS } from '../texts/feedback.js';

/*
 * "You said, we did": the message residents get after a round, the same one
 * the admin previews — the round's public results (headline indexes and
 * dimensions, only where five or more stand behind them) and then the
 * admin's own words, escaped.
 */

/** The most characters an admin's feedback text may have: with the results it still fits one message. */
export const MAX_FEEDBACK_LENGTH = 2_000;

/** Headline indexes, then dimensions, that the five-respondent rule lets out, one line each. */
export function publicResultLines(round: Round, figures: RoundFigures, language: Language, labelLength = 40): string[] {
  const q = round.questionnaire;
  const line = (name: string | undefined, id: string, value: number | null) =>
    `${escapeHtml(shorten(name ?? id, labelLength))}：<b>${formatIndex(value)}</b>`;
  return [
    ...figures.indexes.filter((i) => !i.withheld && i.value !== null).map((i) => line(q.indexes.find((x) => x.id === i.id)?.name[language], i.id, i.value)),
    ...figures.dimensions
      .filter((d) => !d.withheld && d.index !== null)
      .map((d) => line(q.dimensions.find((x) => x.id === d.id)?.name[language], d.id, d.index)),
  ];
}

/** The feedback as residents of `language` read it (HTML, within one message). */
export function feedbackMessage(round: Round, figures: RoundFigures, text: string, language: Language): string {
  const t = FEEDBACK_TEXTS[language];
  return fitMessage([40, 20, 10], (labelLength) => {
    const lines = publicResultLines(round, figures, language, labelLength);
    return t.message({
      title: escapeHtml(shorten(round.title, 100)),
      results: lines.length > 0 ? lines.join('\n') : t.resultsNone,
      text: escapeHtml(text),
    });
  });
}
