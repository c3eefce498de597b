import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeDatabase, type Db } from '../../src/db/client.js';
import { findRound } from '../../src/db/rounds.js';
import { CODEBOOK_COLUMNS, codebookRows } from '../../src/export/codebook.js';
import { writeRoundCsv } from '../../src/export/csv.js';
import { freshFiguresDb, surveyQuestionnaire } from '../helpers/figures-db.js';
import { defaultQuestionnaire } from '../helpers/questionnaires.js';

let db: Db;
afterEach(() => closeDatabase(db));

const column = (name: (typeof CODEBOOK_COLUMNS)[number]) => CODEBOOK_COLUMNS.indexOf(name);

describe('the codebook', () => {
  it('has one row per column of the export, in the same order', async () => {
    const fresh = freshFiguresDb();
    db = fresh.db;
    const roundId = fresh.writer.open(surveyQuestionnaire());
    fresh.writer.respond(roundId, { role: 'member', work_a: '80', image: '60', improve: ['fairness'] });
    const path = join(mkdtempSync(join(tmpdir(), 'manyi-codebook-')), 'export.csv');
    await writeRoundCsv(db, findRound(db, roundId)!, path, 'a secret for the export identifier');
    const [header] = parse(readFileSync(path, 'utf8'), { bom: true, to: 1 }) as string[][];
    expect(codebookRows(surveyQuestionnaire()).map((row) => row[0])).toEqual(header);
  });

  it('decodes a scale answer: its question in each language, dimension, indexes and every value with its label', () => {
    const rows = codebookRows(surveyQuestionnaire());
    const workA = rows.find((row) => row[0] === 'work_a')!;
    expect(workA).toHaveLength(CODEBOOK_COLUMNS.length);
    expect(workA[column('text_zh-Hant')]).toBe('甲？');
    expect(workA[column('text_en')]).toBe('A?');
    expect(workA[column('dimension')]).toBe('work');
    expect(workA[column('indexes')]).toBe('headline');
    expect(workA[column('optional')]).toBe('no');
    expect(workA[column('values_zh-Hant')]).toBe('100=很滿意; 80=滿意; 60=基本滿意; 30=不太滿意; 0=不滿意; unknown=不了解');
    expect(workA[column('values_en')]).toContain('30=Not very satisfied');
    const talent = rows.find((row) => row[0] === 'talent')!;
    expect(talent[column('indexes')]).toBe('');
    expect(talent[column('optional')]).toBe('yes');
  });

  it('says how a multi answer is joined, what a choice means, the text limit and the conditions', () => {
    const rows = codebookRows(defaultQuestionnaire());
    const byId = new Map(rows.map((row) => [row[0], row]));
    const conditional = defaultQuestionnaire().questions.find((q) => q.when)!;
    expect(byId.get(conditional.id)![column('when')]).toBe(`${conditional.when!.question} in ${conditional.when!.in.join(';')}`);
    const multi = defaultQuestionnaire().questions.find((q) => q.type === 'multi')!;
    expect(byId.get(multi.id)![column('type')]).toContain('joined by ;');
    const text = defaultQuestionnaire().questions.find((q) => q.type === 'text')!;
    expect(byId.get(text.id)![column('type')]).toMatch(/^text \(up to \d+ characters\)$/);
    expect(byId.get('response_key')![column('text_en')]).toContain('cannot be traced');
  });
});
