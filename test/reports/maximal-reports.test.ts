import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeDatabase, type Db } from '../../src/db/client.js';
import { closeOpenRound, findRound } from '../../src/db/rounds.js';
import { renderFinalReport } from '../../src/reports/final-report.js';
import { renderGroups } from '../../src/reports/groups-message.js';
import { renderFunnel } from '../../src/reports/funnel-message.js';
import { gatherRoundReport, roundFigures, roundGroups } from '../../src/reports/round-report.js';
import { LANGUAGES } from '../../src/questionnaire/languages.js';
import { MAX_TEXT_ANSWER_LENGTH } from '../../src/questionnaire/schema.js';
import { DAY, freshFiguresDb, type FiguresWriter, type Given, minutes } from '../helpers/figures-db.js';
import { filler, maximalQuestionnaireSource, mustParse } from '../helpers/questionnaires.js';
import { shownText } from '../helpers/telegram-html.js';

/*
 * The admin reports of a round run with a questionnaire at every validator
 * maximum: 12 respondent groups with 60-character names, 6 dimensions, every
 * improvement chosen and 2,000-character suggestions. Each must still be one
 * message Telegram takes (shownText refuses bad HTML and over 4,096 characters).
 */

let db: Db;
let writer: FiguresWriter;
beforeEach(() => ({ db, writer } = freshFiguresDb()));
afterEach(() => closeDatabase(db));

const questionnaire = mustParse(maximalQuestionnaireSource());
const SCORES = ['100', '80', '60', '30', '0', 'unknown'];

/** Five residents in each of the 12 groups, every question answered at its longest. */
function respondFully(round: number, day: number, shift: number): void {
  const [groups, improvements] = questionnaire.questions.slice(0, 2).map((q) => ('options' in q ? q.options.map((o) => o.value) : []));
  for (const [g, group] of groups!.entries()) {
    for (let i = 0; i < 5; i++) {
      const given: Record<string, Given> = {};
      for (const [index, question] of questionnaire.questions.entries()) {
        if (question.type === 'choice') given[question.id] = group;
        else if (question.type === 'multi') given[question.id] = improvements!;
        else if (question.type === 'scale') given[question.id] = SCORES[(g + index + shift) % SCORES.length]!;
        else given[question.id] = filler(MAX_TEXT_ANSWER_LENGTH, `suggestion ${g} ${i}`);
      }
      writer.respond(round, given, { startedAt: minutes(DAY * day + g * 5 + i) });
    }
  }
}

describe('admin reports of a questionnaire at every validator maximum', () => {
  it('the final report, compared with the round before, /groups and /funnel each fit one message in every language', async () => {
    const first = writer.open(questionnaire, minutes(DAY - 60));
    respondFully(first, 1, 0);
    const second = writer.open(questionnaire, minutes(2 * DAY - 60));
    respondFully(second, 2, 1);
    closeOpenRound(db, minutes(3 * DAY));

    const round = findRound(db, second)!;
    const report = await gatherRoundReport(db, round, true);
    const groups = (await roundGroups(db, round, true))!;
    expect(groups.groups).toHaveLength(12);
    for (const language of LANGUAGES) {
      const final = shownText(renderFinalReport(report, language, 'UTC'));
      expect(final).toMatch(/[▲▼＝]/);
      const groupsMessage = shownText(renderGroups(round, roundFigures(db, round, true), groups, language));
      expect(groupsMessage.length).toBeGreaterThan(1000);
      // Every question of the round, each with its 1,000-character text cut to fit.
      const funnel = shownText(renderFunnel(round, report.funnel!, language));
      expect(funnel.length).toBeGreaterThan(1000);
    }
  });
});
