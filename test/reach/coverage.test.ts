import { describe, expect, it } from 'vitest';
import { computeCoverage } from '../../src/figures/coverage.js';
import { coverageDigestSection, coverageLines } from '../../src/reach/coverage.js';
import { REACH_TEXTS } from '../../src/texts/reach.js';

describe('a coverage list longer than it may be shown', () => {
  // Twelve units, every one far below its target of 100.
  const counts = Array.from({ length: 12 }, (_, i) => ({ source: `unit_${i + 1}`, started: 10, completed: i }));
  const coverage = computeCoverage(counts, new Map(counts.map((c) => [c.source, 100])));

  it('counts the units it leaves out as units, in every language', () => {
    const en = coverageLines(coverage, REACH_TEXTS.en, { max: 10, tagLength: 32 });
    expect(en.filter((line) => line.startsWith('<code>unit_'))).toHaveLength(10);
    expect(en).toContain('… and 2 more units');
    expect(coverageLines(coverage, REACH_TEXTS['zh-Hant'], { max: 10, tagLength: 32 })).toContain('…另有 2 個單位');
    expect(coverageLines(coverage, REACH_TEXTS['zh-Hans'], { max: 10, tagLength: 32 })).toContain('…另有 2 个单位');
    expect(coverageLines(coverage, REACH_TEXTS.en, { max: 11, tagLength: 32 })).toContain('… and 1 more unit');
    expect(en.join('\n')).not.toContain('source');
  });

  it('says the same in the digest, after the lagging units it names', () => {
    const section = coverageDigestSection(coverage, REACH_TEXTS.en, { max: 3, tagLength: 32, language: 'en' });
    expect(section).toContain(
      'Below half of their target: <code>unit_1</code> 0/100 (0%), <code>unit_2</code> 1/100 (1%), <code>unit_3</code> 2/100 (2%), … and 9 more units',
    );
  });
});
