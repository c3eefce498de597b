import { readFileSync } from 'node:fs';
import { isNode, LineCounter, parseDocument, type YAMLError } from 'yaml';
import { crossCheck, type Path, type Problem } from './cross-check.js';
import { questionnaireSchema, type Questionnaire } from './schema.js';

export type ValidationResult =
  | { ok: true; questionnaire: Questionnaire }
  | { ok: false; problems: string[] };

/**
 * Alias expansions a file may use. Anchors and aliases save authors repeating
 * a label; thousands of them are an expansion bomb, not a questionnaire.
 */
export const MAX_ALIASES = 100;

/** `['questions', 4, 'options']` → `questions[4].options` */
export function formatPath(path: Path): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(the whole file)' : out;
}

const TOO_DEEP = /maximum call stack/i;

function readableYamlError(message: string, code?: string): string {
  if (code === 'MULTIPLE_DOCS') return 'a questionnaire is one document; remove the second ---';
  if (/excessive alias/i.test(message)) return `more than ${MAX_ALIASES} aliases (*name)`;
  if (TOO_DEEP.test(message)) return 'nested too deeply to read';
  return message.split('\n')[0]!;
}

/** YAML syntax errors with their places; a file nested past the stack gets one line, not hundreds. */
function yamlProblems(errors: readonly YAMLError[], lineCounter: LineCounter): string[] {
  const deep = errors.find((error) => TOO_DEEP.test(error.message));
  return (deep ? [deep] : errors).map((error) => {
    const place = lineCounter.linePos(error.pos[0]);
    return `line ${place.line}, column ${place.col}: not valid YAML: ${readableYamlError(error.message, error.code)}`;
  });
}

/**
 * Parses and validates questionnaire YAML. Every problem is listed with its
 * path (and line, where the file has one), never just the first: structure and
 * cross-question rules alike, top to bottom.
 */
export function parseQuestionnaire(source: string): ValidationResult {
  const lineCounter = new LineCounter();
  const document = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (document.errors.length > 0) return { ok: false, problems: yamlProblems(document.errors, lineCounter) };
  let raw: unknown;
  try {
    raw = document.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (error) {
    // An alias used before its anchor is set, an expansion bomb, or nesting deeper than the stack.
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, problems: [`not valid YAML: ${readableYamlError(message)}`] };
  }

  const parsed = questionnaireSchema.safeParse(raw);
  const structural = parsed.success ? [] : parsed.error.issues.map(({ path, message }) => ({ path, message }));
  const problems: Problem[] = [...structural, ...crossCheck(raw)];
  if (parsed.success && problems.length === 0) return { ok: true, questionnaire: parsed.data };

  const lineOf = (path: Path): number | undefined => {
    for (let n = path.length; n > 0; n--) {
      const node = document.getIn(path.slice(0, n) as unknown[], true);
      if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
    }
    return undefined;
  };
  const where = (path: Path) => {
    const line = lineOf(path);
    return line === undefined ? formatPath(path) : `${formatPath(path)} (line ${line})`;
  };
  const describe = ({ path, message, firstAt }: Problem) => {
    if (!firstAt) return `${where(path)}: ${message}`;
    const line = lineOf(firstAt);
    return `${where(path)}: ${message} (first at ${line === undefined ? formatPath(firstAt) : `line ${line}`})`;
  };
  // Top to bottom, as an author fixes them; the sort is stable, so a line keeps its order.
  const ordered = problems
    .map((problem) => ({ line: lineOf(problem.path) ?? 0, text: describe(problem) }))
    .sort((a, b) => a.line - b.line);
  return { ok: false, problems: ordered.map((problem) => problem.text) };
}

/** Questionnaire text and what validation found in it; the text is null when a file cannot be read. */
export type ValidatedSource =
  | { ok: true; questionnaire: Questionnaire; source: string }
  | { ok: false; problems: string[]; source: string | null };

/** Reads and validates a questionnaire file; an unreadable file is one problem among the rest. */
export function loadQuestionnaireFile(path: string): ValidatedSource {
  let source: string;
  try {
    source = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { ok: false, problems: [`${path}: cannot be read (${code ?? String(error)})`], source: null };
  }
  return { ...parseQuestionnaire(source), source };
}
