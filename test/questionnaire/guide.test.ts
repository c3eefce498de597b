import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SATISFACTION_SCALE } from '../../src/questionnaire/scale.js';
import { parseQuestionnaire } from '../../src/questionnaire/validate.js';

/*
 * The authoring guide quotes the validator: these tests make sure every quote
 * is what the validator really says, so the guide cannot drift from the code.
 */

const GUIDE_URL = new URL('../../src/questionnaire/README.md', import.meta.url);
const guide = readFileSync(GUIDE_URL, 'utf8');

/** The guide's small complete example: its first yaml block. */
const example = /```yaml\n([\s\S]*?)```/.exec(guide)![1]!;

/** Rows of the "Common mistakes" table: the mistake, and the messages quoted for it. */
function mistakeRows(): { name: string; messages: string[] }[] {
  const section = guide.slice(guide.indexOf('## Common mistakes'));
  return section
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| Mistake') && !line.startsWith('| ---'))
    .map((line) => {
      const [name, said] = line.slice(2, -2).split(' | ');
      return { name: name!, messages: [...said!.matchAll(/`([^`]+)`/g)].map((match) => match[1]!) };
    });
}

const LOOKS_LIKE_A_MESSAGE = /^(\S+ \(line \d+\)|line \d+, column \d+|\(the whole file\)): /;

/** Each common mistake of the guide, as an edit of the guide's example. */
export const MISTAKES: Record<string, (example: string) => string> = {
  'A translation left out': (s) => s.replace(', en: Which describes you best? }', ' }'),
  'The same `id` twice': (s) => s.replace('- id: service_hours', '- id: service_overall'),
  '`when` names a question that does not exist': (s) => s.replace('question: service_overall, in', 'question: service_overal, in'),
  '`when` names a later question': (s) => s.replace('question: service_overall, in', 'question: conduct, in'),
  '`when` values without quotes, `in: [30, 0]`': (s) => s.replace("in: ['30', '0']", 'in: [30, 0]'),
  '`when` names a value the question does not offer': (s) => s.replace("in: ['30', '0']", "in: ['30', '50']"),
  'A scale question without its `dimension`': (s) => s.replace('    dimension: conduct\n', ''),
  'A misspelt dimension': (s) => s.replace('    dimension: service\n    text: { zh-Hant: 您對辦事', '    dimension: servise\n    text: { zh-Hant: 您對辦事'),
  'An index over a dimension that is not declared': (s) => s.replace('dimensions: [service, conduct]', 'dimensions: [service, conduct_of_staff]'),
  'A `choice` question with one option': (s) => s.replace('      - value: unfriendly\n        label: { zh-Hant: 態度差, zh-Hans: 态度差, en: Unfriendly }\n', ''),
  'A type that does not exist': (s) => s.replace('type: multi', 'type: checkboxes'),
  'A misspelt key': (s) => s.replace('    optional: true\n    max_length', '    optinal: true\n    max_length'),
  'A `text` question without `max_length`': (s) => s.replace('    max_length: 500\n', ''),
  'A `report` question of the wrong type': (s) => s.replace('improvement_question: improvements', 'improvement_question: respondent'),
  'An option value with capitals or spaces': (s) => s.replace('value: party_member', 'value: Party member'),
  'An `id` with capitals, and what names it': (s) => s.replace('- id: respondent\n', '- id: Respondent\n'),
  'A comma inside `{ … }`': (s) => s.replace('en: Slow to act }', 'en: Slow, or never acts }'),
  'A label longer than a button shows': (s) => s.replace('en: Openness }', 'en: Openness and transparency of every decision the committee takes }'),
  '`options` on a scale question': (s) => s.replace('    dimension: conduct\n', '    dimension: conduct\n    options: [yes, no]\n'),
  'More than 12 options': (s) =>
    s.replace(
      '      - value: other\n',
      Array.from({ length: 10 }, (_, i) => `      - { value: extra_${i}, label: { zh-Hant: 其他${i}, zh-Hans: 其他${i}, en: Other ${i} } }\n`).join('') + '      - value: other\n',
    ),
  'A file that is not a questionnaire': () => '- title\n- questions\n',
  'A key given twice': (s) => s.replace('    type: text\n', '    type: text\n    type: text\n'),
  'A tab for indentation': (s) => s.replace('  - id: conduct\n    type: scale', '  - id: conduct\n\ttype: scale'),
};

describe('the authoring guide', () => {
  it('has an example that is a valid questionnaire', () => {
    const result = parseQuestionnaire(example);
    expect(result.ok ? [] : result.problems).toEqual([]);
  });

  it('lists exactly the mistakes this test knows how to make', () => {
    expect(mistakeRows().map((row) => row.name)).toEqual(Object.keys(MISTAKES));
  });

  it.each(mistakeRows())('quotes what the validator says about: $name', ({ name, messages }) => {
    const edited = MISTAKES[name]!(example);
    expect(edited).not.toBe(example);
    const result = parseQuestionnaire(edited);
    if (result.ok) throw new Error(`the example with "${name}" is valid`);
    // A YAML mistake brings follow-up lines; the guide quotes the first.
    const isYaml = messages[0]!.startsWith('line ');
    expect(isYaml ? result.problems.slice(0, messages.length) : result.problems).toEqual(messages);
  });

  it('quotes no message anywhere else that the table does not hold', () => {
    const quoted = [...guide.matchAll(/`([^`\n]+)`/g)].map((match) => match[1]!).filter((span) => LOOKS_LIKE_A_MESSAGE.test(span));
    const inTable = new Set(mistakeRows().flatMap((row) => row.messages));
    expect(quoted.length).toBeGreaterThan(inTable.size);
    expect(quoted.filter((message) => !inTable.has(message))).toEqual([]);
  });

  it('shows the satisfaction scale as the bot offers it', () => {
    for (const option of SATISFACTION_SCALE) {
      const { label } = option;
      expect(guide).toContain(`| \`${option.value}\` | ${label['zh-Hant']} | ${label['zh-Hans']} | ${label.en} | ${option.score ?? '—'} |`);
    }
  });

  it('is linked from the top README and links the default questionnaire', () => {
    expect(readFileSync(new URL('../../README.md', import.meta.url), 'utf8')).toContain('(src/questionnaire/README.md)');
    expect(guide).toContain('(default-questionnaire.yaml)');
    expect(existsSync(new URL('default-questionnaire.yaml', GUIDE_URL))).toBe(true);
  });
});
