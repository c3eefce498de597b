import { LANGUAGES, type Language, type Localized } from './languages.js';
import { QUESTION_TYPES, type Questionnaire, type QuestionType } from './schema.js';

/** The largest questionnaire file an admin may upload; the default questionnaire is about 25 KB. */
export const MAX_UPLOAD_BYTES = 256 * 1024;

/** Only the name's ending is read: a file name is a label, never a path. */
export function isYamlFileName(name: string | undefined): boolean {
  return name !== undefined && /\.ya?ml$/i.test(name);
}

/**
 * The text of an uploaded file, or null when it is not text: not UTF-8, or
 * with NUL bytes. A byte-order mark is kept, so the text goes back byte for byte.
 */
export function decodeUpload(bytes: Uint8Array): string | null {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return null;
  }
  return text.includes('\u0000') ? null : text;
}

export interface QuestionnaireSummary {
  title: Localized;
  questions: number;
  byType: Record<QuestionType, number>;
  dimensions: Localized[];
  indexes: { name: Localized; dimensions: Localized[] }[];
  languages: readonly Language[];
}

/** What an admin wants to see of a questionnaire they just uploaded. */
export function summarize(questionnaire: Questionnaire): QuestionnaireSummary {
  const byType = Object.fromEntries(QUESTION_TYPES.map((type) => [type, 0])) as Record<QuestionType, number>;
  for (const question of questionnaire.questions) byType[question.type]++;
  const dimensionName = new Map(questionnaire.dimensions.map((dimension) => [dimension.id, dimension.name]));
  return {
    title: questionnaire.title,
    questions: questionnaire.questions.length,
    byType,
    dimensions: questionnaire.dimensions.map((dimension) => dimension.name),
    indexes: questionnaire.indexes.map((index) => ({
      name: index.name,
      dimensions: index.dimensions.map((id) => dimensionName.get(id)!),
    })),
    // Every text is required in every language, so a valid file speaks them all.
    languages: LANGUAGES,
  };
}
