import { readFileSync } from 'node:fs';
import { isNode, LineCounter, parseDocument } from 'yaml';
import { questionnaireSchema, type Questionnaire } from './schema.js';
import { SATISFACTION_SCALE } from './scale.js';

export type ValidationResult =
  | { ok: true; questionnaire: Questionnaire }
  | { ok: false; problems: string[] };

type Path = readonly PropertyKey[];
interface Problem {
  path: Path;
  message: string;
}

/** `['questions', 4, 'options']` → `questions[4].options` */
export function formatPath(path: Path): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(the whole file)' : out;
}

/** Option values a question offers, or null when it has none to condition on. */
function optionValues(question: Questionnaire['questions'][number]): string[] | null {
  switch (question.type) {
    case 'scale':
      return SATISFACTION_SCALE.map((option) => option.value);
    case 'choice':
    case 'multi':
      return question.options.map((option) => option.value);
    case 'text':
      return null;
  }
}

function duplicates<T>(items: readonly T[], key: (item: T) => string, at: (index: number) => Path, what: string) {
  const seen = new Map<string, number>();
  const problems: Problem[] = [];
  items.forEach((item, index) => {
    const value = key(item);
    const first = seen.get(value);
    if (first === undefined) seen.set(value, index);
    else problems.push({ path: at(index), message: `duplicate ${what} "${value}" (first at index ${first})` });
  });
  return problems;
}

/** The rules that span several places of the file, once its structure is right. */
function crossCheck(q: Questionnaire): Problem[] {
  const problems: Problem[] = [];
  problems.push(...duplicates(q.questions, (x) => x.id, (i) => ['questions', i, 'id'], 'question id'));
  problems.push(...duplicates(q.dimensions, (x) => x.id, (i) => ['dimensions', i, 'id'], 'dimension id'));
  problems.push(...duplicates(q.indexes, (x) => x.id, (i) => ['indexes', i, 'id'], 'index id'));

  const dimensionIds = new Set(q.dimensions.map((d) => d.id));
  const usedDimensions = new Set<string>();
  const position = new Map<string, number>();
  q.questions.forEach((question, i) => {
    if (!position.has(question.id)) position.set(question.id, i);
  });

  q.questions.forEach((question, i) => {
    if (question.type === 'choice' || question.type === 'multi') {
      problems.push(
        ...duplicates(
          question.options,
          (o) => o.value,
          (j) => ['questions', i, 'options', j, 'value'],
          'option value',
        ),
      );
    }
    if (question.type === 'scale') {
      usedDimensions.add(question.dimension);
      if (!dimensionIds.has(question.dimension)) {
        problems.push({
          path: ['questions', i, 'dimension'],
          message: `no dimension "${question.dimension}" is declared under dimensions`,
        });
      }
    }
    if (question.when) problems.push(...checkCondition(q, i, position));
  });

  problems.push(...checkReport(q, position));

  q.dimensions.forEach((dimension, i) => {
    if (!usedDimensions.has(dimension.id)) {
      problems.push({ path: ['dimensions', i], message: `no scale question belongs to "${dimension.id}"` });
    }
  });
  q.indexes.forEach((compositeIndex, i) => {
    compositeIndex.dimensions.forEach((id, j) => {
      if (!dimensionIds.has(id)) {
        problems.push({ path: ['indexes', i, 'dimensions', j], message: `no dimension "${id}" is declared` });
      }
    });
  });
  return problems;
}

const REPORT_TYPES = {
  respondent_question: 'choice',
  improvement_question: 'multi',
  suggestion_question: 'text',
} as const;

function checkReport(q: Questionnaire, position: Map<string, number>): Problem[] {
  return Object.entries(REPORT_TYPES).flatMap(([key, type]) => {
    const id = q.report[key as keyof typeof REPORT_TYPES];
    if (id === undefined) return [];
    const at: Path = ['report', key];
    const index = position.get(id);
    if (index === undefined) return [{ path: at, message: `no question "${id}"` }];
    const actual = q.questions[index]!.type;
    return actual === type ? [] : [{ path: at, message: `"${id}" is a ${actual} question; this needs a ${type} question` }];
  });
}

function checkCondition(q: Questionnaire, i: number, position: Map<string, number>): Problem[] {
  const when = q.questions[i]?.when;
  if (!when) return [];
  const at: Path = ['questions', i, 'when', 'question'];
  const target = position.get(when.question);
  if (target === undefined) return [{ path: at, message: `no question "${when.question}"` }];
  if (target >= i) {
    return [{ path: at, message: `"${when.question}" is not asked before this question; a condition can only look back` }];
  }
  const values = optionValues(q.questions[target]!);
  if (values === null) {
    return [{ path: at, message: `"${when.question}" is a text question; a condition needs a choice, multi or scale question` }];
  }
  return when.in.flatMap((value, j) =>
    values.includes(value)
      ? []
      : [{ path: ['questions', i, 'when', 'in', j], message: `"${value}" is not an option of "${when.question}" (options: ${values.join(', ')})` }],
  );
}

/**
 * Parses and validates questionnaire YAML. Every problem is listed with its
 * path (and line, where the file has one), never just the first.
 */
export function parseQuestionnaire(source: string): ValidationResult {
  const lineCounter = new LineCounter();
  const document = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (document.errors.length > 0) {
    return {
      ok: false,
      problems: document.errors.map((error) => {
        const place = lineCounter.linePos(error.pos[0]);
        return `line ${place.line}, column ${place.col}: not valid YAML: ${error.message.split('\n')[0]}`;
      }),
    };
  }
  const lineOf = (path: Path): string => {
    for (let n = path.length; n > 0; n--) {
      const node = document.getIn(path.slice(0, n) as unknown[], true);
      if (isNode(node) && node.range) return ` (line ${lineCounter.linePos(node.range[0]).line})`;
    }
    return '';
  };
  const describe = (problem: Problem) => `${formatPath(problem.path)}${lineOf(problem.path)}: ${problem.message}`;

  const parsed = questionnaireSchema.safeParse(document.toJS());
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((issue) => describe({ path: issue.path, message: issue.message })),
    };
  }
  const problems = crossCheck(parsed.data);
  if (problems.length > 0) return { ok: false, problems: problems.map(describe) };
  return { ok: true, questionnaire: parsed.data };
}

/** Reads and validates a questionnaire file; an unreadable file is one problem among the rest. */
export function loadQuestionnaireFile(path: string): ValidationResult {
  let source: string;
  try {
    source = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { ok: false, problems: [`${path}: cannot be read (${code ?? String(error)})`] };
  }
  return parseQuestionnaire(source);
}
