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
    times(30, first, 'member', '80');
    times(30, first, 'public', '60'); // overall (30·80 + 30·60) / 60 = 70
    const second = writer.open(q, minutes(2 * DAY - 60));
    times(30, second, 'member', '60');
    times(30, second, 'public', '30'); // overall (30·60 + 30·30) / 60 = 45: 25 lower, far beyond its margin
    times(1, second, 'public', '0', QUALITY_FLAGS.straightLine);
    closeOpenRound(db, minutes(3 * DAY));

    const report = await gatherRoundReport(db, findRound(db, second)!, true);
    const text = shownText(renderFinalReport(report, 'en', 'UTC'));
    expect(text).toContain('61 completed, 61 started (completion rate 100%)\n▲▼ against round 1 “round 1”');
    // 60 answers of 60 and 30: SD = 15·√(60/59), margin t(59) · SD / √60 ≈ 3.9.
    expect(text).toMatch(/Headline　45\.0 ±3\.9 \(n = 60\) ▼25\.0\n/);
    expect(text).toContain('Real changes (larger than their margin)\nHeadline 70.0 → 45.0 ▼25.0\nOverall 70.0 → 45.0 ▼25.0');
    expect(text).toContain('Dimensions index (change on the previous round) · satisfaction rate\nOverall\n');
    expect(text).toContain('45.0 ±3.9 (n = 60) ▼25.0 · 50%');
    expect(text).toContain('Group furthest below the overall index\nHeadline: Public 30.0 (overall 45.0, 15.0 lower)');
    expect(text).toContain('Response quality\n1 flagged (0 finished too fast, 1 the same option on every scale question); left out of the indexes.');

    // With QUALITY_FILTER=off the flagged response counts: (1800 + 900 + 0) / 61.
    const counted = shownText(renderFinalReport(await gatherRoundReport(db, findRound(db, second)!, false), 'zh-Hant', 'UTC'));
    expect(counted).toMatch(new RegExp(`總指數　${(2700 / 61).toFixed(1)} ±\\d+\\.\\d \\(n = 61\\) ▼${(70 - 2700 / 61).toFixed(1)}`));
    expect(counted).toContain('1 份被標記（作答過快 0，各題同一選項 1），仍計入指數（QUALITY_FILTER=off）。');
  });

  it('gives a change inside its margin "≈" and words, and names no group whose gap is noise', async () => {
    const first = writer.open(q, minutes(DAY - 60));
    times(30, first, 'member', '80');
    times(30, first, 'public', '60'); // 70
    const second = writer.open(q, minutes(2 * DAY - 60));
    times(31, second, 'member', '80');
    times(29, second, 'public', '60'); // (31·80 + 29·60) / 60 = 70.3
    closeOpenRound(db, minutes(3 * DAY));
    const text = shownText(renderFinalReport(await gatherRoundReport(db, findRound(db, second)!, true), 'en', 'UTC'));
    expect(text).toMatch(/Headline　70\.3 ±\d\.\d \(n = 60\) ≈ \+0\.3, within noise\n/);
    expect(text).toContain('Real changes (larger than their margin)\nNothing changed by more than its margin.');
    expect(text).not.toMatch(/[▲▼]\d/);
    // Each group is 10 points off the overall figure, but 29 publics are too few to judge.
    expect(text).not.toContain('Group furthest below');
  });

  it('makes no comparison for the first round', async () => {
    const round = writer.open(q, minutes(DAY - 60));
    times(5, round, 'public', '80');
    closeOpenRound(db, minutes(2 * DAY));
    const text = shownText(renderFinalReport(await gatherRoundReport(db, findRound(db, round)!, true), 'en', 'UTC'));
    expect(text).toContain('Headline　80.0 ±0.0 (n = 5)\n');
    expect(text).not.toMatch(/[▲▼]|new/);
    expect(text).toContain('Response quality\nNo response was flagged.');
  });
});
