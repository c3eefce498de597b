import type { Db } from '../db/client.js';
import type { Round } from '../db/rounds.js';
import { themeTexts } from '../figures/theme-texts.js';
import { countThemesInTurns, MIN_RESPONSES_FOR_THEME, type ThemeCount } from '../figures/themes.js';
import type { TimeWindow } from '../figures/figures.js';
import type { Language } from '../questionnaire/languages.js';
import type { Questionnaire } from '../questionnaire/schema.js';
import { fitMessage } from '../render/fit.js';
import { shorten } from '../render/format.js';
import { escapeHtml } from '../render/html.js';
import { THEME_TEXTS } from '../texts/themes.js';
import { joinList } from '../texts/list.js';

/*
 * What residents wrote about, per text question of a round (/themes) and
 * over the week's texts (the digest): the counting is figures/themes.ts,
 * in chunks with turns for the event loop; this gathers and words it.
 */

export interface QuestionThemes {
  questionId: string;
  count: ThemeCount;
}

export const textQuestionIds = (questionnaire: Questionnaire): string[] =>
  questionnaire.questions.filter((q) => q.type === 'text').map((q) => q.id);

/** The themes of every text question of a round. */
export async function gatherRoundThemes(db: Db, round: Round, leaveOutFlagged: boolean): Promise<QuestionThemes[]> {
  const all: QuestionThemes[] = [];
  for (const questionId of textQuestionIds(round.questionnaire)) {
    const count = await countThemesInTurns(themeTexts(db, { roundIds: [round.id], questionIds: [questionId], leaveOutFlagged }));
    all.push({ questionId, count });
  }
  return all;
}

/** The themes of all text questions together (a response counts once per term), over a window. */
export async function gatherThemesOf(
  db: Db,
  input: { roundIds: readonly number[]; questionnaire: Questionnaire; window?: TimeWindow; leaveOutFlagged: boolean },
  limit = 5,
): Promise<ThemeCount> {
  const questionIds = textQuestionIds(input.questionnaire);
  if (questionIds.length === 0) return { texts: 0, themes: [] };
  return countThemesInTurns(themeTexts(db, { ...input, questionIds }), { limit });
}

/** /themes as one message: per text question its terms, each with up to two short quotes, escaped. */
export function renderThemes(round: Round, themes: readonly QuestionThemes[], language: Language): string {
  const t = THEME_TEXTS[language];
  const head = t.title({ id: round.id, title: escapeHtml(round.title) });
  if (themes.length === 0) return `${head}\n${t.noTextQuestion}`;
  const levels = [
    { terms: 10, quotes: 2, length: 40 },
    { terms: 8, quotes: 1, length: 30 },
    { terms: 5, quotes: 1, length: 20 },
    { terms: 5, quotes: 0, length: 0 },
    { terms: 3, quotes: 0, length: 0 },
  ];
  return fitMessage(levels, (level) => {
    const parts = [head];
    for (const { questionId, count } of themes) {
      const question = round.questionnaire.questions.find((q) => q.id === questionId);
      const lines = [t.question({ question: escapeHtml(shorten(question?.text[language] ?? questionId, 60)), texts: count.texts })];
      if (count.themes.length === 0) lines.push(t.noThemes);
      for (const theme of count.themes.slice(0, level.terms)) {
        const quotes = theme.quotes.slice(0, level.quotes).map((q) => `「${escapeHtml(shorten(q, level.length))}」`);
        lines.push(`• ${t.theme({ term: escapeHtml(theme.term), responses: theme.responses })}${quotes.length > 0 ? ` ${quotes.join(' ')}` : ''}`);
      }
      parts.push(lines.join('\n'));
    }
    parts.push(`<i>${t.legend({ min: MIN_RESPONSES_FOR_THEME })}</i>`);
    return parts.join('\n\n');
  });
}

/** The digest's line: "this week residents wrote most about: 公開 (23), 服務 (17)"; null without themes. */
export function themesDigestSection(count: ThemeCount | null, language: Language): string | null {
  if (!count || count.themes.length === 0) return null;
  const t = THEME_TEXTS[language];
  const list = joinList(count.themes.map((theme) => t.theme({ term: escapeHtml(shorten(theme.term, 20)), responses: theme.responses })), language);
  return `<b>${t.digestSection}</b>\n${t.digestLine({ list })}`;
}
