import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_QUESTIONNAIRE_PATH } from '../../src/config.js';
import { LANGUAGES } from '../../src/questionnaire/languages.js';
import { loadQuestionnaireFile, parseQuestionnaire } from '../../src/questionnaire/validate.js';
import { SMALL_YAML } from '../helpers/questionnaires.js';

/** Validates SMALL_YAML with one edit applied; returns the problems. */
function problemsAfter(edit: (source: string) => string): string[] {
  const result = parseQuestionnaire(edit(SMALL_YAML));
  return result.ok ? [] : result.problems;
}

describe('the questionnaire file validator', () => {
  it('accepts the small test questionnaire', () => {
    expect(parseQuestionnaire(SMALL_YAML).ok).toBe(true);
  });

  it('reports a duplicate question id at the second one', () => {
    const problems = problemsAfter((s) => s.replace('- id: reason', '- id: role'));
    expect(problems).toEqual([expect.stringMatching(/^questions\[2\]\.id \(line \d+\): duplicate question id "role"/)]);
  });

  it('reports a condition on a later question', () => {
    const problems = problemsAfter((s) => s.replace("when: { question: satisfaction, in: ['30', '0'] }", "when: { question: comment, in: ['x'] }"));
    expect(problems).toEqual([expect.stringMatching(/^questions\[2\]\.when\.question .*"comment" is not asked before this question/)]);
  });

  it('reports a condition on an unknown question', () => {
    const problems = problemsAfter((s) => s.replace('question: satisfaction, in', 'question: nowhere, in'));
    expect(problems).toEqual([expect.stringMatching(/^questions\[2\]\.when\.question .*no question "nowhere"/)]);
  });

  it('reports a condition value the question does not offer', () => {
    const problems = problemsAfter((s) => s.replace("in: ['30', '0']", "in: ['30', '50']"));
    expect(problems).toEqual([expect.stringMatching(/^questions\[2\]\.when\.in\[1\] .*"50" is not an option of "satisfaction"/)]);
  });

  it('reports a repeated option value', () => {
    const problems = problemsAfter((s) => s.replace('value: online', 'value: board'));
    expect(problems).toEqual([expect.stringMatching(/^questions\[3\]\.options\[1\]\.value .*duplicate option value "board"/)]);
  });

  it('reports a missing translation by its language', () => {
    const problems = problemsAfter((s) => s.replace('en: Who are you? }', '}'));
    expect(problems).toEqual([expect.stringMatching(/^questions\[0\]\.text\.en .*required/)]);
  });

  it('reports a scale question with no dimension, and one with an undeclared dimension', () => {
    expect(problemsAfter((s) => s.replace('    dimension: overall\n', ''))).toEqual([
      expect.stringMatching(/^questions\[1\]\.dimension .*required/),
    ]);
    expect(problemsAfter((s) => s.replace('    dimension: overall\n', '    dimension: elsewhere\n'))).toEqual([
      expect.stringMatching(/^questions\[1\]\.dimension .*no dimension "elsewhere"/),
      expect.stringMatching(/^dimensions\[0\] .*no scale question belongs to "overall"/),
    ]);
  });

  it('reports too few options, an unknown type and an unknown key, all at once', () => {
    const problems = problemsAfter((s) =>
      s
        .replace("      - { value: public, label: { zh-Hant: 群眾, zh-Hans: 群众, en: Public } }\n", '')
        .replace('type: multi', 'type: ranking')
        .replace('    max_length: 20', '    max_length: 20\n    colour: red'),
    );
    expect(problems).toEqual([
      expect.stringMatching(/^questions\[0\]\.options .*at least 2 options/),
      expect.stringMatching(/^questions\[3\]\.type .*one of scale, choice, multi, text/),
      expect.stringMatching(/^questions\[4\] .*colour/),
    ]);
  });

  it('reports an index over an undeclared dimension', () => {
    const problems = problemsAfter((s) => s.replace('dimensions: [overall]', 'dimensions: [overall, missing]'));
    expect(problems).toEqual([expect.stringMatching(/^indexes\[0\]\.dimensions\[1\] .*no dimension "missing"/)]);
  });

  it('reports a report block that names a missing question or one of the wrong type', () => {
    const problems = problemsAfter((s) =>
      s.replace('respondent_question: role', 'respondent_question: nobody').replace('improvement_question: channels', 'improvement_question: role'),
    );
    expect(problems).toEqual([
      expect.stringMatching(/^report\.respondent_question .*no question "nobody"/),
      expect.stringMatching(/^report\.improvement_question .*"role" is a choice question; this needs a multi question/),
    ]);
  });

  it('reports YAML that does not parse with its line', () => {
    const result = parseQuestionnaire('title: [unclosed\nquestions: 1\n');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems[0]).toMatch(/^line \d+, column \d+: not valid YAML/);
  });

  it('reports a file that cannot be read', () => {
    const result = loadQuestionnaireFile('/nowhere/questionnaire.yaml');
    expect(result).toEqual({ ok: false, problems: [expect.stringContaining('cannot be read (ENOENT)')] });
  });

  it('reads a file from disk', () => {
    const dir = mkdtempSync(join(tmpdir(), 'manyi-q-'));
    writeFileSync(join(dir, 'q.yaml'), SMALL_YAML);
    expect(loadQuestionnaireFile(join(dir, 'q.yaml')).ok).toBe(true);
  });
});

describe('the default questionnaire', () => {
  const result = loadQuestionnaireFile(DEFAULT_QUESTIONNAIRE_PATH);

  it('is valid', () => {
    expect(result.ok ? [] : result.problems).toEqual([]);
  });

  it('covers the four standing indicators and the two headline indexes', () => {
    if (!result.ok) throw new Error('invalid');
    const { questionnaire } = result;
    expect(questionnaire.indexes.map((i) => [i.id, i.dimensions])).toEqual([
      ['org_work_satisfaction', ['overall_work', 'cadre_image']],
      ['selection_credibility', ['cadre_selection', 'malpractice_prevention']],
    ]);
    expect(questionnaire.indexes.map((i) => i.name['zh-Hant'])).toEqual(['組織工作滿意度', '選人用人公信度']);
    const types = new Set(questionnaire.questions.map((q) => q.type));
    expect([...types].sort()).toEqual(['choice', 'multi', 'scale', 'text']);
    expect(questionnaire.questions.at(-1)).toMatchObject({ id: 'suggestion', type: 'text', optional: true, max_length: 1000 });
  });

  it('has every text in every language', () => {
    if (!result.ok) throw new Error('invalid');
    for (const question of result.questionnaire.questions) {
      for (const language of LANGUAGES) expect(question.text[language].length).toBeGreaterThan(0);
    }
  });
});
