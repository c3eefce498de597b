import { describe, expect, it } from 'vitest';
import { neutralizeFormula } from '../../src/export/csv.js';

describe('cells a spreadsheet could take for a formula', () => {
  it.each([
    ['=HYPERLINK("http://example.com","點此")', `'=HYPERLINK("http://example.com","點此")`],
    ['+1+2', "'+1+2"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\t=1', "'\t=1"],
    ['\r=1', "'\r=1"],
  ])('%j gets a leading apostrophe', (cell, expected) => {
    expect(neutralizeFormula(cell)).toBe(expected);
  });

  it.each(['希望多公開幹部選拔的情況。', 'a = b', '100', '', ' =1', "'quoted"])('%j is left as it is', (cell) => {
    expect(neutralizeFormula(cell)).toBe(cell);
  });
});
