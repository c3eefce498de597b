import type { Db } from '../db/client.js';
import { findFileVersion, latestUpload, type QuestionnaireVersion } from '../db/questionnaire-versions.js';
import type { QuestionnaireOrigin } from '../db/schema.js';
import type { QuestionnaireSource } from '../db/rounds.js';
import { parseQuestionnaire, type ValidatedSource, type ValidationResult } from '../questionnaire/validate.js';

/**
 * The questionnaire the next round will open with: the newest upload, else the
 * questionnaire file (QUESTIONNAIRE_PATH or the shipped one). `source` is its
 * text exactly as uploaded or read (null when the file cannot be read);
 * `version` the stored version with that text, if there is one yet.
 */
export type NextRoundQuestionnaire = ValidatedSource & {
  origin: QuestionnaireOrigin;
  version: QuestionnaireVersion | null;
};

/** Parsed uploads by hash: a stored version never changes, and /open_round or a preview may ask often. */
const parsedUploads = new Map<string, ValidationResult>();
const MAX_CACHED = 8;

function parseUpload(version: QuestionnaireVersion): ValidationResult {
  let result = parsedUploads.get(version.sha256);
  if (!result) {
    if (parsedUploads.size >= MAX_CACHED) parsedUploads.clear();
    parsedUploads.set(version.sha256, (result = parseQuestionnaire(version.source)));
  }
  return result;
}

/**
 * Loads and validates what the next round will use. Uploads are validated
 * again here, not trusted: the validator may have grown stricter since.
 */
export function nextRoundQuestionnaire(db: Db, loadFile: () => ValidatedSource): NextRoundQuestionnaire {
  const upload = latestUpload(db);
  if (upload) return { ...parseUpload(upload), origin: 'upload', source: upload.source, version: upload };
  const file = loadFile();
  const version = file.source === null ? null : findFileVersion(db, file.source);
  return { ...file, origin: 'file', version };
}

/** How a round opened with `next` records its version (see `openRound`). */
export function roundSource(next: NextRoundQuestionnaire & { ok: true }): QuestionnaireSource {
  return next.origin === 'upload' && next.version ? { versionId: next.version.id } : { fileSource: next.source };
}
