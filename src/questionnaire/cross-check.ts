import type { z } from 'zod';
import { SATISFACTION_SCALE } from './scale.js';
import { idSchema, optionValueSchema, QUESTION_TYPES, type QuestionType } from './schema.js';

/*
 * The rules that span several places of a questionnaire file: ids unique,
 * `when` looking back at a question that offers those values, dimensions and
 * report questions that exist. They run on the raw file, not on a file that
 * passed the structural schema, so a missing translation in one question does
 * not hide a duplicate id in another: each rule uses what it can read and
 * skips what it cannot (the schema has reported that already).
 */

export type Path = readonly PropertyKey[];

export interface Problem {
  path: Path;
  message: string;
  /** For a duplicate: where the value first appears. */
  firstAt?: Path;
}

interface QuestionOutline {
  id: string | undefined;
  type: QuestionType | undefined;
  /** What a condition on this question may name: null for a text question, undefined when unreadable. */
  values: readonly string[] | null | undefined;
  optionValues: readonly (string | undefined)[];
  dimension: string | undefined;
  when: { question: string | undefined; in: readonly (string | undefined)[] } | undefined;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const field = (value: unknown, key: string): unknown => (isRecord(value) ? value[key] : undefined);
const list = (value: unknown): unknown[] | undefined => (Array.isArray(value) ? value : undefined);

function readable<T>(schema: z.ZodType<T>, value: unknown): T | undefined {
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

const readId = (value: unknown) => readable(idSchema, value);
const readValue = (value: unknown) => readable(optionValueSchema, value);

function readType(value: unknown): QuestionType | undefined {
  return QUESTION_TYPES.find((type) => type === value);
}

function outlineQuestion(raw: unknown): QuestionOutline {
  const type = readType(field(raw, 'type'));
  const options = list(field(raw, 'options'));
  const optionValues = (options ?? []).map((option) => readValue(field(option, 'value')));
  const allRead = options !== undefined && optionValues.every((value) => value !== undefined);
  const when = field(raw, 'when');
  return {
    id: readId(field(raw, 'id')),
    type,
    values:
      type === 'scale'
        ? SATISFACTION_SCALE.map((option) => option.value)
        : type === 'text'
          ? null
          : type !== undefined && allRead
            ? (optionValues as string[])
            : undefined,
    optionValues: type === 'choice' || type === 'multi' ? optionValues : [],
    dimension: type === 'scale' ? readId(field(raw, 'dimension')) : undefined,
    when: isRecord(when)
      ? { question: readId(when['question']), in: (list(when['in']) ?? []).map(readValue) }
      : undefined,
  };
}

function duplicates(values: readonly (string | undefined)[], at: (index: number) => Path): Problem[] {
  const seen = new Map<string, number>();
  const problems: Problem[] = [];
  values.forEach((value, index) => {
    if (value === undefined) return;
    const first = seen.get(value);
    if (first === undefined) seen.set(value, index);
    else problems.push({ path: at(index), message: `duplicates "${value}"`, firstAt: at(first) });
  });
  return problems;
}

const REPORT_TYPES = {
  respondent_question: 'choice',
  improvement_question: 'multi',
  suggestion_question: 'text',
} as const;

/** Every cross-question problem that the readable parts of `raw` (the parsed YAML) reveal. */
export function crossCheck(raw: unknown): Problem[] {
  const questions = (list(field(raw, 'questions')) ?? []).map(outlineQuestion);
  const rawDimensions = list(field(raw, 'dimensions') ?? []);
  const dimensionIds = rawDimensions?.map((dimension) => readId(field(dimension, 'id')));
  const rawIndexes = list(field(raw, 'indexes')) ?? [];
  const declared = new Set(dimensionIds?.filter((id) => id !== undefined));

  const problems: Problem[] = [
    ...duplicates(questions.map((q) => q.id), (i) => ['questions', i, 'id']),
    ...duplicates(dimensionIds ?? [], (i) => ['dimensions', i, 'id']),
    ...duplicates(rawIndexes.map((index) => readId(field(index, 'id'))), (i) => ['indexes', i, 'id']),
  ];

  const position = new Map<string, number>();
  questions.forEach((question, i) => {
    if (question.id !== undefined && !position.has(question.id)) position.set(question.id, i);
  });

  questions.forEach((question, i) => {
    problems.push(...duplicates(question.optionValues, (j) => ['questions', i, 'options', j, 'value']));
    if (question.dimension !== undefined && dimensionIds !== undefined && !declared.has(question.dimension)) {
      problems.push({
        path: ['questions', i, 'dimension'],
        message: `no dimension "${question.dimension}" is declared under dimensions`,
      });
    }
    problems.push(...checkCondition(questions, i, position));
  });

  problems.push(...checkReport(field(raw, 'report'), questions, position));

  // A dimension is unused only if every scale question could be read.
  const everyScaleRead = questions.every((q) => q.type !== undefined && (q.type !== 'scale' || q.dimension !== undefined));
  if (everyScaleRead) {
    const used = new Set(questions.map((q) => q.dimension));
    dimensionIds?.forEach((id, i) => {
      if (id !== undefined && !used.has(id)) {
        problems.push({ path: ['dimensions', i], message: `no scale question belongs to "${id}"` });
      }
    });
  }

  if (dimensionIds !== undefined) {
    rawIndexes.forEach((compositeIndex, i) => {
      (list(field(compositeIndex, 'dimensions')) ?? []).forEach((value, j) => {
        const id = readId(value);
        if (id !== undefined && !declared.has(id)) {
          problems.push({ path: ['indexes', i, 'dimensions', j], message: `no dimension "${id}" is declared` });
        }
      });
    });
  }
  return problems;
}

function checkCondition(questions: QuestionOutline[], i: number, position: Map<string, number>): Problem[] {
  const when = questions[i]?.when;
  if (when?.question === undefined) return [];
  const at: Path = ['questions', i, 'when', 'question'];
  const target = position.get(when.question);
  if (target === undefined) return [{ path: at, message: `no question "${when.question}"` }];
  if (target >= i) {
    return [{ path: at, message: `"${when.question}" is not asked before this question; a condition can only look back` }];
  }
  const values = questions[target]!.values;
  if (values === null) {
    return [{ path: at, message: `"${when.question}" is a text question; a condition needs a choice, multi or scale question` }];
  }
  if (values === undefined) return [];
  return when.in.flatMap((value, j) =>
    value === undefined || values.includes(value)
      ? []
      : [{ path: ['questions', i, 'when', 'in', j], message: `"${value}" is not an option of "${when.question}" (options: ${values.join(', ')})` }],
  );
}

function checkReport(report: unknown, questions: QuestionOutline[], position: Map<string, number>): Problem[] {
  return Object.entries(REPORT_TYPES).flatMap(([key, type]) => {
    const id = readId(field(report, key));
    if (id === undefined) return [];
    const at: Path = ['report', key];
    const index = position.get(id);
    if (index === undefined) return [{ path: at, message: `no question "${id}"` }];
    const actual = questions[index]!.type;
    return actual === undefined || actual === type
      ? []
      : [{ path: at, message: `"${id}" is a ${actual} question; this needs a ${type} question` }];
  });
}
