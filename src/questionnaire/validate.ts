import { readFileSync } from 'node:fs';
import { isNode, isScalar, LineCounter, parseDocument, visit, type Document, type YAMLError } from 'yaml';
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
 * Repeated keys in a map, each where it repeats. The yaml library's own check
 * compares each key with every key before it; a 256 KB upload of 20,000 keys
 * then blocks for seconds. A set per map makes it linear.
 */
function duplicateKeys(document: Document, lineCounter: LineCounter): string[] {
  const problems: string[] = [];
  visit(document, {
    Map(_, map) {
      const seen = new Set<unknown>();
      for (const { key } of map.items) {
        // Scalars compare by value, as the library does; other keys (rare: a map as a key) only by identity.
        const value = isScalar(key) ? key.value : key;
        if (!seen.has(value)) {
          seen.add(value);
          continue;
        }
        const place = lineCounter.linePos(isNode(key) && key.range ? key.range[0] : 0);
        problems.push(`line ${place.line}, column ${place.col}: not valid YAML: Map keys must be unique`);
      }
    },
  });
  return problems;
}

/**
 * Parses and validates questionnaire YAML. Every problem is listed with its
 * path (and line, where the file has one), never just the first: structure and
 * cross-question rules alike, top to bottom.
 */
export function parseQuestionnaire(source: string): ValidationResult {
  const lineCounter = new LineCounter();
  const document = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: false });
  if (document.errors.length > 0) return { ok: false, problems: yamlProblems(document.errors, lineCounter) };
  const repeated = duplicateKeys(document, lineCounter);
  if (repeated.length > 0) return { ok: false, problems: repeated };
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
