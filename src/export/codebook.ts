import { optionsOf } from '../questionnaire/engine.js';
import { LANGUAGES, type Language, type Localized } from '../questionnaire/languages.js';
import type { Question, Questionnaire } from '../questionnaire/schema.js';
import { writeFile } from 'node:fs/promises';
import { stringify } from 'csv-stringify/sync';
import type { Round } from '../db/rounds.js';
import { LEADING_COLUMNS, neutralizeFormula } from './csv.js';

/*
 * The codebook of an export: one row per column of the CSV, in the same
 * order, saying what the column holds — its question in every language, its
 * type, the dimension and composite indexes it feeds, and every value with
 * its label — so an analyst can load the CSV in R or SPSS without reading the
 * questionnaire's YAML. Built from the round's own questionnaire, so it always
 * matches the export it goes with.
 */

export const CODEBOOK_COLUMNS = [
  'column',
  'type',
  ...LANGUAGES.map((language) => `text_${language}`),
  'dimension',
  'indexes',
  'optional',
  'when',
  ...LANGUAGES.map((language) => `values_${language}`),
] as const;

/** What the export's fixed columns hold; a new fixed column does not compile without its entry here. */
const LEADING: Record<(typeof LEADING_COLUMNS)[number], { type: string; text: Localized }> = {
  response_key: {
    type: 'id',
    text: {
      'zh-Hant': '答卷編號（同一輪的各次匯出相同，無法還原為任何人）',
      'zh-Hans': '答卷编号（同一轮的各次导出相同，无法还原为任何人）',
      en: 'Response identifier (the same in every export of the round; cannot be traced to anyone)',
    },
  },
  status: {
    type: 'completed|partial',
    text: { 'zh-Hant': '是否已提交', 'zh-Hans': '是否已提交', en: 'Whether the response was submitted' },
  },
  started_at: {
    type: 'datetime (ISO 8601, UTC)',
    text: { 'zh-Hant': '開始作答時間', 'zh-Hans': '开始作答时间', en: 'When the resident started' },
  },
  completed_at: {
    type: 'datetime (ISO 8601, UTC)',
    text: { 'zh-Hant': '提交時間（未提交則空）', 'zh-Hans': '提交时间（未提交则空）', en: 'When it was submitted (empty if not)' },
  },
  language: {
    type: 'zh-Hant|zh-Hans|en',
    text: { 'zh-Hant': '作答語言', 'zh-Hans': '作答语言', en: 'Language of the answers' },
  },
  source: {
    type: 'text',
    text: {
      'zh-Hant': '來源標籤（海報或連結；直接進入則空）',
      'zh-Hans': '来源标签（海报或链接；直接进入则空）',
      en: 'Source tag (poster or link; empty for direct)',
    },
  },
  flags: {
    type: 'too_fast;straight_line',
    text: {
      'zh-Hant': '質量標記（答得太快、所有評分題同一選項），以 ; 分隔',
      'zh-Hans': '质量标记（答得太快、所有评分题同一选项），以 ; 分隔',
      en: 'Quality flags (finished too fast, the same option on every scale question), joined by ;',
    },
  },
};

const TYPE_OF: Record<Question['type'], string> = {
  scale: 'scale (100, 80, 60, 30, 0, unknown = no score)',
  choice: 'choice (one value)',
  multi: 'multi (values joined by ;)',
  text: 'text',
};

const byLanguage = (text: (language: Language) => string): string[] => LANGUAGES.map(text);

/** The codebook's rows, one per export column, in the export's order (header not included). */
export function codebookRows(questionnaire: Questionnaire): string[][] {
  const leading = LEADING_COLUMNS.map((column) => [
    column,
    LEADING[column].type,
    ...byLanguage((language) => LEADING[column].text[language]),
    '',
    '',
    '',
    '',
    ...byLanguage(() => ''),
  ]);
  const questions = questionnaire.questions.map((question) => {
    const dimension = question.type === 'scale' ? question.dimension : '';
    const indexes =
      question.type === 'scale'
        ? questionnaire.indexes.filter((index) => index.dimensions.includes(question.dimension)).map((index) => index.id)
        : [];
    const when = question.when ? `${question.when.question} in ${question.when.in.join(';')}` : '';
    const typeText = question.type === 'text' ? `text (up to ${question.max_length} characters)` : TYPE_OF[question.type];
    return [
      question.id,
      typeText,
      ...byLanguage((language) => question.text[language]),
      dimension,
      indexes.join(';'),
      question.optional ? 'yes' : 'no',
      when,
      ...byLanguage((language) =>
        optionsOf(question)
          .map((option) => `${option.value}=${option.label[language]}`)
          .join('; '),
      ),
    ];
  });
  return [...leading, ...questions];
}

/**
 * Writes a round's codebook as CSV, as the export is written (UTF-8 with a
 * byte-order mark, formula-like cells behind an apostrophe: question texts
 * and labels come from an uploaded questionnaire). Returns its row count.
 */
export async function writeCodebookCsv(round: Round, path: string): Promise<number> {
  const rows = codebookRows(round.questionnaire);
  const csv = stringify(
    rows.map((row) => row.map(neutralizeFormula)),
    { bom: true, header: true, columns: [...CODEBOOK_COLUMNS] },
  );
  await writeFile(path, csv);
  return rows.length;
}

export function codebookFileName(round: Round, now: Date): string {
  return `manyi-round-${round.id}-codebook-${now.toISOString().slice(0, 10)}.csv`;
}
