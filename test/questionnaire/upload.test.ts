import { describe, expect, it } from 'vitest';
import { decodeUpload, isYamlFileName, summarize } from '../../src/questionnaire/upload.js';
import { defaultQuestionnaire, smallQuestionnaire } from '../helpers/questionnaires.js';

describe('an uploaded file', () => {
  it('is taken as YAML by the ending of its name alone', () => {
    for (const name of ['survey.yaml', 'Survey.YML', '問卷 2027.yaml', '../../etc/passwd.yaml']) expect(isYamlFileName(name)).toBe(true);
    for (const name of [undefined, '', 'survey.yaml.txt', 'survey.json', 'yaml', 'survey.yaml ']) expect(isYamlFileName(name)).toBe(false);
  });

  it('is text when it is UTF-8 without NUL bytes, and keeps a byte-order mark', () => {
    const withMark = Buffer.from('\uFEFFtitle: 問卷\r\n', 'utf8');
    const text = decodeUpload(withMark);
    expect(text).toBe('\uFEFFtitle: 問卷\r\n');
    expect(Buffer.from(text!, 'utf8').equals(withMark)).toBe(true);
    expect(decodeUpload(Buffer.from([0x74, 0x3a, 0xff, 0xfe]))).toBeNull();
    expect(decodeUpload(Buffer.from('title: x\u0000', 'utf8'))).toBeNull();
    expect(decodeUpload(new Uint8Array())).toBe('');
  });
});

describe('the summary of a questionnaire', () => {
  it('counts questions per type and names dimensions and composite indexes', () => {
    const summary = summarize(smallQuestionnaire());
    expect(summary).toMatchObject({
      questions: 5,
      byType: { scale: 1, choice: 2, multi: 1, text: 1 },
      dimensions: [{ en: 'Overall' }],
      indexes: [{ name: { en: 'Headline' }, dimensions: [{ en: 'Overall' }] }],
      languages: ['zh-Hant', 'zh-Hans', 'en'],
    });
  });

  it('reads the two headline indexes of the default questionnaire', () => {
    const summary = summarize(defaultQuestionnaire());
    expect(summary.indexes.map((index) => [index.name['zh-Hant'], index.dimensions.map((d) => d['zh-Hant'])])).toEqual([
      ['組織工作滿意度', ['組織工作總體評價', '組織部門幹部形象']],
      ['選人用人公信度', ['幹部選拔任用', '整治用人上不正之風']],
    ]);
    expect(Object.values(summary.byType).reduce((a, b) => a + b)).toBe(summary.questions);
  });
});
