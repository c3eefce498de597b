import { MESSAGE_LIMIT } from '../bot/render.js';
import { escapeHtml } from '../bot/texts.js';
import type { Db } from '../db/client.js';
import type { Round } from '../db/rounds.js';
import { REPORT_TEXTS } from '../digest/texts.js';
import { computeFigures, type RoundFigures } from '../figures/figures.js';
import type { Language } from '../questionnaire/languages.js';
import { formatInZone } from '../rounds/deadline.js';
import { formatRate } from './format.js';
import {
  awarenessLine,
  DETAIL_LEVELS,
  dimensionLines,
  headlineLines,
  improvementLines,
  lowestLines,
  mixLine,
  section,
  type Detail,
  type SectionInput,
} from './sections.js';

/** The figures of a whole round: every completed response, whenever it came. */
export function roundFigures(db: Db, round: Round): RoundFigures {
  const { report } = round.questionnaire;
  return computeFigures(db, {
    roundIds: [round.id],
    questionnaire: round.questionnaire,
    respondentQuestion: report.respondent_question,
    improvementQuestion: report.improvement_question,
  });
}

function compose(round: Round, figures: RoundFigures, language: Language, timeZone: string, detail: Detail): string {
  const t = REPORT_TEXTS[language];
  const at = (instant: Date) => formatInZone(instant, timeZone);
  const { counts } = figures;
  const input: SectionInput = { figures, questionnaire: round.questionnaire, language, texts: t };
  const parts: (string | null)[] = [
    [
      `<b>${t.reportTitle({ id: round.id, title: escapeHtml(round.title) })}</b>`,
      t.reportPeriod({ opened: at(round.openedAt), closed: at(round.closedAt ?? round.openedAt) }),
      t.reportCounts({ completed: counts.completed, started: counts.started, rate: formatRate(counts.completionRate) }),
    ].join('\n'),
  ];
  if (counts.completed > 0) {
    const awareness = awarenessLine(input);
    const mix = mixLine(input, detail);
    parts.push(
      section(t.headline, headlineLines(input, detail)),
      section(t.dimensions, dimensionLines(input, detail)),
      section(t.lowest, lowestLines(input, detail)),
      section(t.improvements, improvementLines(input, detail)),
      awareness === null ? null : `<b>${t.awareness}</b> ${awareness}`,
      mix === null ? null : section(t.mix, [mix]),
    );
  }
  return parts.filter((part): part is string => part !== null).join('\n\n');
}

/** The final report of a closed round as one Telegram message (HTML, within 4,096 characters). */
export function renderFinalReport(round: Round, figures: RoundFigures, language: Language, timeZone: string): string {
  let message = '';
  for (const detail of DETAIL_LEVELS) {
    message = compose(round, figures, language, timeZone, detail);
    if (message.length <= MESSAGE_LIMIT) break;
  }
  return message;
}
