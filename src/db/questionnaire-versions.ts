import { createHash } from 'node:crypto';
import { and, desc, eq } from 'drizzle-orm';
import { inTransaction, type Db } from './client.js';
import { questionnaireVersions } from './schema.js';

export type QuestionnaireVersion = typeof questionnaireVersions.$inferSelect;

/** SHA-256 of questionnaire text as UTF-8, in hex. */
export function sourceHash(source: string): string {
  return createHash('sha256').update(source, 'utf8').digest('hex');
}

/** The start of a hash, enough to tell versions apart in a message. */
export function shortHash(sha256: string): string {
  return sha256.slice(0, 12);
}

/**
 * Stores an uploaded questionnaire as the newest version, which the next round
 * opens with; the same text as the newest upload is not stored twice.
 */
export function saveUpload(db: Db, source: string, now: Date): { version: QuestionnaireVersion; isNew: boolean } {
  const sha256 = sourceHash(source);
  return inTransaction(db, () => {
    const latest = latestUpload(db);
    if (latest?.sha256 === sha256) return { version: latest, isNew: false };
    const version = db
      .insert(questionnaireVersions)
      .values({ origin: 'upload', source, sha256, createdAt: now })
      .returning()
      .get();
    return { version, isNew: true };
  });
}

/** The newest upload, which the next round uses; null when nobody uploaded one yet. */
export function latestUpload(db: Db): QuestionnaireVersion | null {
  return (
    db
      .select()
      .from(questionnaireVersions)
      .where(eq(questionnaireVersions.origin, 'upload'))
      .orderBy(desc(questionnaireVersions.id))
      .limit(1)
      .get() ?? null
  );
}

export function findVersion(db: Db, id: number): QuestionnaireVersion | null {
  return db.select().from(questionnaireVersions).where(eq(questionnaireVersions.id, id)).get() ?? null;
}

/** The stored copy of a questionnaire file with exactly this text, if a round was opened with it. */
export function findFileVersion(db: Db, source: string): QuestionnaireVersion | null {
  return (
    db
      .select()
      .from(questionnaireVersions)
      .where(and(eq(questionnaireVersions.origin, 'file'), eq(questionnaireVersions.sha256, sourceHash(source))))
      .orderBy(desc(questionnaireVersions.id))
      .limit(1)
      .get() ?? null
  );
}

/**
 * The version of a questionnaire file, stored the first time a round opens
 * with that text: the file may change on disk later, the round's version not.
 */
export function fileVersionId(db: Db, source: string, now: Date): number {
  const known = findFileVersion(db, source);
  if (known) return known.id;
  return db
    .insert(questionnaireVersions)
    .values({ origin: 'file', source, sha256: sourceHash(source), createdAt: now })
    .returning({ id: questionnaireVersions.id })
    .get().id;
}
