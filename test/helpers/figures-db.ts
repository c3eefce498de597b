import { closeOpenRound, openRound } from '../../src/db/rounds.js';
import { openDatabase, type Db } from '../../src/db/client.js';
import { eq } from 'drizzle-orm';
import { answers, responses, rounds } from '../../src/db/schema.js';
import type { Questionnaire } from '../../src/questionnaire/schema.js';
import { SATISFACTION_SCALE } from '../../src/questionnaire/scale.js';
import { mustParse } from './questionnaires.js';

/*
 * Rounds and responses written straight into the tables, as the survey would
 * leave them, for tests of the figures with hand-computed expectations.
 */

/*
 * Three dimensions, `work` pooling two questions, and a composite index of
 * `work` and `image`. Every text is the same in each language.
 */
export const FIGURES_YAML = `
title: { zh-Hant: 測評, zh-Hans: 测评, en: Survey }
description: { zh-Hant: 測試用。, zh-Hans: 测试用。, en: For tests. }
dimensions:
  - id: work
    name: { zh-Hant: 工作, zh-Hans: 工作, en: Work }
  - id: image
    name: { zh-Hant: 形象, zh-Hans: 形象, en: Image }
  - id: talent
    name: { zh-Hant: 人才, zh-Hans: 人才, en: Talent }
indexes:
  - id: headline
    name: { zh-Hant: 總指數, zh-Hans: 总指数, en: Headline }
    dimensions: [work, image]
questions:
  - id: role
    type: choice
    text: { zh-Hant: 身分？, zh-Hans: 身份？, en: Who? }
    options:
      - { value: member, label: { zh-Hant: 黨員, zh-Hans: 党员, en: Member } }
      - { value: public, label: { zh-Hant: 群眾, zh-Hans: 群众, en: Public } }
      - { value: cadre, label: { zh-Hant: 幹部, zh-Hans: 干部, en: Cadre } }
  - id: work_a
    type: scale
    dimension: work
    text: { zh-Hant: 甲？, zh-Hans: 甲？, en: A? }
  - id: work_b
    type: scale
    dimension: work
    optional: true
    text: { zh-Hant: 乙？, zh-Hans: 乙？, en: B? }
  - id: image
    type: scale
    dimension: image
    text: { zh-Hant: 形象？, zh-Hans: 形象？, en: Image? }
  - id: talent
    type: scale
    dimension: talent
    optional: true
    text: { zh-Hant: 人才？, zh-Hans: 人才？, en: Talent? }
  - id: improve
    type: multi
    text: { zh-Hant: 改進？, zh-Hans: 改进？, en: Improve? }
    options:
      - { value: fairness, label: { zh-Hant: 公正, zh-Hans: 公正, en: Fairness } }
      - { value: conduct, label: { zh-Hant: 作風, zh-Hans: 作风, en: Conduct } }
      - { value: openness, label: { zh-Hant: 公開, zh-Hans: 公开, en: Openness } }
  - id: comment
    type: text
    optional: true
    max_length: 200
    text: { zh-Hant: 建議？, zh-Hans: 建议？, en: Suggestions? }
`;

export const surveyQuestionnaire = (): Questionnaire => mustParse(FIGURES_YAML);

export const T0 = Date.UTC(2025, 2, 3, 9); // a Monday
export const minutes = (n: number) => new Date(T0 + n * 60_000);
export const DAY = 24 * 60;

/** An answer as a test writes it: an option value, several (multi), null for skipped. */
export type Given = string | readonly string[] | null;

export interface RespondOptions {
  startedAt?: Date;
  /** Null: still partial. Default: when it started. */
  completedAt?: Date | null;
  /** Quality flags (QUALITY_FLAGS bits). */
  flags?: number;
}

/** Far in the future, but a valid Date (the greatest is 8.64e15 ms). */
const FAR_FUTURE = new Date(8.64e15);

export type FiguresWriter = ReturnType<typeof figuresWriter>;

/** A fresh in-memory database and its writer (close the database after the test). */
export function freshFiguresDb(): { db: Db; writer: FiguresWriter } {
  const db = openDatabase(':memory:');
  return { db, writer: figuresWriter(db) };
}

/** Opens rounds and writes responses into `db`. */
export function figuresWriter(db: Db) {
  let seq = 0;
  /** Closes the open round, if any, and opens a new one at `at`, still open. */
  const openLive = (questionnaire: Questionnaire, at = minutes(-60)): number => {
    closeOpenRound(db, at);
    const result = openRound(db, { title: `round ${++seq}`, questionnaire, now: at });
    if (!result.ok) throw new Error('a round is open');
    return result.round.id;
  };
  return {
    /**
     * A round whose figures are final, opened at `at`: recorded as closed far
     * in the future, so that every completed response counts (an open
     * round's figures move in steps of five, see figuresCut; `openLive` for that).
     */
    open(questionnaire: Questionnaire, at = minutes(-60)): number {
      const id = openLive(questionnaire, at);
      db.update(rounds).set({ closedAt: FAR_FUTURE }).where(eq(rounds.id, id)).run();
      return id;
    },
    openLive,
    /**
     * A response completed at `completedAt` with answers to the given
     * questions. Scale answers get their score from the scale.
     */
    respond(roundId: number, given: Record<string, Given>, options: RespondOptions = {}): number {
      const startedAt = options.startedAt ?? minutes(0);
      const completedAt = options.completedAt === undefined ? startedAt : options.completedAt;
      const row = db
        .insert(responses)
        .values({
          roundId,
          respondentKey: `resident-${++seq}`,
          status: completedAt ? 'completed' : 'partial',
          language: 'zh-Hant',
          startedAt,
          updatedAt: completedAt ?? startedAt,
          completedAt,
          flags: options.flags ?? 0,
        })
        .returning({ id: responses.id })
        .get();
      for (const [questionId, answer] of Object.entries(given)) {
        const value = answer === null ? null : typeof answer === 'string' ? answer : JSON.stringify(answer);
        const score = SATISFACTION_SCALE.find((o) => o.value === answer)?.score ?? null;
        db.insert(answers)
          .values({ responseId: row.id, questionId, value, score, skipped: answer === null, answeredAt: startedAt })
          .run();
      }
      return row.id;
    },
  };
}
