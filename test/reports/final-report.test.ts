import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeDatabase, type Db } from '../../src/db/client.js';
import { closeOpenRound, findRound } from '../../src/db/rounds.js';
import { QUALITY_FLAGS } from '../../src/db/schema.js';
import { renderFinalReport } from '../../src/reports/final-report.js';
import { gatherRoundReport } from '../../src/reports/round-report.js';
import { DAY, freshFiguresDb, type FiguresWriter, minutes } from '../helpers/figures-db.js';
import { smallQuestionnaire } from '../helpers/questionnaires.js';
import { shownText } from '../helpers/telegram-html.js';

let db: Db;
let writer: FiguresWriter;
beforeEach(() => ({ db, writer } = freshFiguresDb()));
afterEach(() => closeDatabase(db));

const q = smallQuestionnaire();
const times = (n: number, round: number, role: string, satisfaction: string, flags = 0) => {
  for (let i = 0; i < n; i++) writer.respond(round, { role, satisfaction, channels: ['board'] }, { startedAt: minutes(DAY * round + i), flags });
};

describe('the final report of a round', () => {
  it('compares every index with the previous closed round, names the group furthest below, and counts flagged responses', async () => {
    const first = writer.open(q, minutes(DAY - 60));
    times(5, first, 'member', '80');
    times(5, first, 'public', '60'); // overall (400 + 300) / 10 = 70
    const second = writer.open(q, minutes(2 * DAY - 60));
    times(5, second, 'member', '100');
    times(5, second, 'public', '30'); // overall (500 + 150) / 10 = 65
    times(1, second, 'public', '0', QUALITY_FLAGS.straightLine);
    closeOpenRound(db, minutes(3 * DAY));

    const report = await gatherRoundReport(db, findRound(db, second)!, true);
    const text = shownText(renderFinalReport(report, 'en', 'UTC'));
    expect(text).toContain('11 completed, 11 started (completion rate 100%)\n▲▼ against round 1 “round 1”');
    expect(text).toContain('Headline　65.0 ▼5.0');
    expect(text).toContain('Dimensions index (change on the previous round) · satisfaction rate\nOverall\n');
    expect(text).toContain('65.0 ▼5.0 · 50%');
    expect(text).toContain('Group furthest below the overall index\nHeadline: Public 30.0 (overall 65.0, 35.0 lower)');
    expect(text).toContain('Response quality\n1 flagged (0 finished too fast, 1 the same option on every scale question); left out of the indexes.');

    // With QUALITY_FILTER=off the flagged response counts: (500 + 150 + 0) / 11.
    const counted = shownText(renderFinalReport(await gatherRoundReport(db, findRound(db, second)!, false), 'zh-Hant', 'UTC'));
    expect(counted).toContain(`總指數　${(650 / 11).toFixed(1)} ▼${(70 - 650 / 11).toFixed(1)}`);
    expect(counted).toContain('1 份被標記（作答過快 0，各題同一選項 1），仍計入指數（QUALITY_FILTER=off）。');
  });

  it('makes no comparison for the first round', async () => {
    const round = writer.open(q, minutes(DAY - 60));
    times(5, round, 'public', '80');
    closeOpenRound(db, minutes(2 * DAY));
    const text = shownText(renderFinalReport(await gatherRoundReport(db, findRound(db, round)!, true), 'en', 'UTC'));
    expect(text).toContain('Headline　80.0\n');
    expect(text).not.toMatch(/[▲▼]|new/);
    expect(text).toContain('Response quality\nNo response was flagged.');
  });
});
