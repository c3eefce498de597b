import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase, type Db } from '../../src/db/client.js';
import { closeOpenRound, openRound, type Round } from '../../src/db/rounds.js';
import { gatherRoundThemes } from '../../src/reports/themes.js';
import { defaultQuestionnaire } from '../helpers/questionnaires.js';

/*
 * Themes of 100,000 suggestions: counted in a few seconds, in chunks with a
 * turn for the event loop between them, so residents are not kept waiting.
 * The time and the longest stall are printed; the bounds asserted are
 * generous, for a busy machine. Run alone with
 *   npx vitest run test/figures/themes-large.test.ts
 */
const SUGGESTIONS = 100_000;
const SAMPLES = [
  '希望加強幹部作風建設，增加公開透明度！',
  '服務群眾要落到實處，公開辦事流程',
  'Please publish the results online; more openness!',
  '多搞調研，少開會，基層減負',
  '选人用人要公开公平公正，接受群众监督',
];

let db: Db;
let round: Round;

beforeAll(() => {
  db = openDatabase(':memory:');
  const opened = openRound(db, { title: 'large', questionnaire: defaultQuestionnaire(), now: new Date(0) });
  if (!opened.ok) throw new Error('a round is open');
  const client = db.$client;
  client.transaction(() => {
    const response = client.prepare(
      `INSERT INTO responses (round_id, respondent_key, status, language, started_at, updated_at, completed_at) VALUES (?, ?, 'completed', 'zh-Hant', ?, ?, ?)`,
    );
    const answer = client.prepare(`INSERT INTO answers (response_id, question_id, value, skipped, answered_at) VALUES (?, 'suggestion', ?, 0, ?)`);
    for (let i = 1; i <= SUGGESTIONS; i++) {
      const id = Number(response.run(opened.round.id, `key-${i}`, i, i, i + 1).lastInsertRowid);
      answer.run(id, `${SAMPLES[i % SAMPLES.length]} ${i % 97}`, i);
    }
  })();
  round = closeOpenRound(db, new Date(SUGGESTIONS + 10))!;
}, 60_000);

afterAll(() => closeDatabase(db));

describe('themes of a large round', () => {
  it('counts 100,000 suggestions in a few seconds without stalling the event loop', async () => {
    let longestStall = 0;
    let last = performance.now();
    const beat = setInterval(() => {
      const now = performance.now();
      longestStall = Math.max(longestStall, now - last);
      last = now;
    }, 5);
    const started = performance.now();
    const [suggestion] = await gatherRoundThemes(db, round, true);
    const elapsed = performance.now() - started;
    clearInterval(beat);
    console.log(`themes of ${SUGGESTIONS} suggestions in ${Math.round(elapsed)} ms; longest stall of the event loop ${Math.round(longestStall)} ms`);
    expect(suggestion!.count.texts).toBe(SUGGESTIONS);
    // 公開 in two samples of five; 公开 (Simplified) in one.
    expect(suggestion!.count.themes[0]).toMatchObject({ term: '公開', responses: 40_000 });
    expect(elapsed).toBeLessThan(30_000);
    expect(longestStall).toBeLessThan(1_000);
  }, 60_000);
});
