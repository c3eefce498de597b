import { and, count, desc, eq, gt, isNotNull, isNull, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import type { Questionnaire } from '../questionnaire/schema.js';
import { eraseWal, inTransaction, statement, type Db } from './client.js';
import { writePendingPrompts } from './contacts.js';
import { fileVersionId } from './questionnaire-versions.js';
import { responses, rounds } from './schema.js';
import { unlinkRespondents } from './unlink.js';

export type RoundRow = typeof rounds.$inferSelect;

export interface Round {
  id: number;
  title: string;
  questionnaire: Questionnaire;
  /** The stored questionnaire version the round opened with; null for rounds from before versions were kept. */
  questionnaireVersionId: number | null;
  openedAt: Date;
  closesAt: Date | null;
  closedAt: Date | null;
}

/** Parsed questionnaire copies by round: a round's copy never changes, and every update needs it. */
const parsedCopies = new WeakMap<Db, Map<number, Questionnaire>>();

function questionnaireOf(db: Db, id: number, json: string): Questionnaire {
  let byRound = parsedCopies.get(db);
  if (!byRound) parsedCopies.set(db, (byRound = new Map()));
  let questionnaire = byRound.get(id);
  // The copy was validated when the round opened, so it is trusted here.
  if (!questionnaire) byRound.set(id, (questionnaire = JSON.parse(json) as Questionnaire));
  return questionnaire;
}

function toRound(row: RoundRow, db: Db): Round {
  return { ...row, questionnaire: questionnaireOf(db, row.id, row.questionnaire) };
}

interface RawRound {
  id: number;
  title: string;
  questionnaire: string;
  questionnaire_version_id: number | null;
  opened_at: number;
  closes_at: number | null;
  closed_at: number | null;
}

const date = (ms: number | null) => (ms === null ? null : new Date(ms));

/** The open round, if any. On every update, so a prepared statement, and the questionnaire copy read once. */
export function findOpenRound(db: Db): Round | null {
  const row = statement(db, 'SELECT id, title, questionnaire_version_id, opened_at, closes_at, closed_at FROM rounds WHERE closed_at IS NULL').get() as
    | Omit<RawRound, 'questionnaire'>
    | undefined;
  if (!row) return null;
  const cached = parsedCopies.get(db)?.get(row.id);
  const questionnaire =
    cached ??
    questionnaireOf(db, row.id, (statement(db, 'SELECT questionnaire FROM rounds WHERE id = ?').get(row.id) as RawRound).questionnaire);
  return {
    id: row.id,
    title: row.title,
    questionnaire,
    questionnaireVersionId: row.questionnaire_version_id,
    openedAt: new Date(row.opened_at),
    closesAt: date(row.closes_at),
    closedAt: date(row.closed_at),
  };
}

export function findRound(db: Db, id: number): Round | null {
  const row = db.select().from(rounds).where(eq(rounds.id, id)).get();
  return row ? toRound(row, db) : null;
}

export type RoundSummary = Omit<Round, 'questionnaire'>;

/** Every round without its questionnaire copy, newest first. */
export function listRounds(db: Db): RoundSummary[] {
  return db
    .select({
      id: rounds.id,
      title: rounds.title,
      questionnaireVersionId: rounds.questionnaireVersionId,
      openedAt: rounds.openedAt,
      closesAt: rounds.closesAt,
      closedAt: rounds.closedAt,
    })
    .from(rounds)
    .orderBy(desc(rounds.id))
    .all();
}

export type OpenRoundResult = { ok: true; round: Round } | { ok: false; alreadyOpen: Round };

/** Where a round's questionnaire comes from: a stored version, or the text of the questionnaire file. */
export type QuestionnaireSource = { versionId: number } | { fileSource: string };

/**
 * Opens a round with its own copy of the questionnaire, unless one is open
 * already. `from` names the version the copy came from (a file's text is
 * stored as a version on the way); tests that build rounds directly leave it out.
 */
export function openRound(
  db: Db,
  input: { title: string; questionnaire: Questionnaire; from?: QuestionnaireSource; now: Date; closesAt?: Date | null },
): OpenRoundResult {
  return inTransaction(db, (): OpenRoundResult => {
    const open = findOpenRound(db);
    if (open) return { ok: false, alreadyOpen: open };
    const { from } = input;
    const row = db
      .insert(rounds)
      .values({
        title: input.title,
        questionnaire: JSON.stringify(input.questionnaire),
        questionnaireVersionId: from === undefined ? null : 'versionId' in from ? from.versionId : fileVersionId(db, from.fileSource, input.now),
        openedAt: input.now,
        closesAt: input.closesAt ?? null,
      })
      .returning()
      .get();
    return { ok: true, round: toRound(row, db) };
  });
}

/** Closes the open round, unlinking its responses from their chats in the same transaction; null when none was open. */
export function closeOpenRound(db: Db, now: Date): Round | null {
  return closeRound(db, now, isNull(rounds.closedAt));
}

export function responseCounts(db: Db, roundId: number): { started: number; completed: number } {
  const row = db
    .select({
      started: count(),
      completed: sql<number>`coalesce(sum(${responses.status} = 'completed'), 0)`,
    })
    .from(responses)
    .where(eq(responses.roundId, roundId))
    .get();
  return { started: row?.started ?? 0, completed: Number(row?.completed ?? 0) };
}

/** Started and completed responses of every round, in one query. */
export function responseCountsByRound(db: Db): Map<number, { started: number; completed: number }> {
  const rows = db
    .select({
      roundId: responses.roundId,
      started: count(),
      completed: sql<number>`coalesce(sum(${responses.status} = 'completed'), 0)`,
    })
    .from(responses)
    .groupBy(responses.roundId)
    .all();
  return new Map(rows.map((r) => [r.roundId, { started: r.started, completed: Number(r.completed) }]));
}

/** The most recent round, open or closed. */
export function findLatestRound(db: Db): Round | null {
  const row = db.select().from(rounds).orderBy(desc(rounds.id)).limit(1).get();
  return row ? toRound(row, db) : null;
}

/** Closes the open round if its deadline has passed (unlinking its responses, as closeOpenRound); returns it, or null. */
export function closeRoundIfDue(db: Db, now: Date): Round | null {
  return closeRound(db, now, and(isNull(rounds.closedAt), lte(rounds.closesAt, now)));
}

/** Closes the round `which` selects (the open one, or the open one if due) and unlinks it. */
function closeRound(db: Db, now: Date, which: SQL | undefined): Round | null {
  let written: () => void = () => undefined;
  const closed = inTransaction(db, () => {
    const row = db.update(rounds).set({ closedAt: now }).where(which).returning().get();
    if (!row) return null;
    // Live prompts recorded but not yet written go in first, so that the close unlinks them with the others.
    written = writePendingPrompts(db);
    unlinkRespondents(db, row.id);
    return toRound(row, db);
  });
  written();
  // The keys it had while open are gone from the file (secure_delete); now from the WAL too.
  if (closed) eraseWal(db);
  return closed;
}

/** Rounds open at some time in [from, to), oldest first. */
export function roundsOpenDuring(db: Db, from: Date, to: Date): Round[] {
  return db
    .select()
    .from(rounds)
    .where(and(lt(rounds.openedAt, to), or(isNull(rounds.closedAt), gt(rounds.closedAt, from))))
    .orderBy(rounds.id)
    .all()
    .map((row) => toRound(row, db));
}

/** The latest closed round before round `id`: what a round's final report compares with. */
export function findPreviousClosedRound(db: Db, id: number): Round | null {
  const row = db
    .select()
    .from(rounds)
    .where(and(lt(rounds.id, id), isNotNull(rounds.closedAt)))
    .orderBy(desc(rounds.id))
    .limit(1)
    .get();
  return row ? toRound(row, db) : null;
}

/** The `limit` most recent rounds up to round `upTo` (default: all), open or closed, oldest first. */
export function latestRounds(db: Db, limit: number, upTo = Number.MAX_SAFE_INTEGER): Round[] {
  return db
    .select()
    .from(rounds)
    .where(lte(rounds.id, upTo))
    .orderBy(desc(rounds.id))
    .limit(limit)
    .all()
    .reverse()
    .map((row) => toRound(row, db));
}
