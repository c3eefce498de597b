import { describe, expect, it } from 'vitest';
import { countThemes, countThemesInTurns, quoteAround, termsOf } from '../../src/figures/themes.js';

describe('splitting what residents wrote into terms', () => {
  it('splits Chinese into words, in either script, leaving out filler and single characters', () => {
    expect(termsOf('希望加強幹部作風建設，增加公開透明度！')).toEqual(['加強', '幹部', '作風', '建設', '增加', '公開', '透明度']);
    expect(termsOf('希望加强干部作风建设，增加公开透明度')).toEqual(['加强', '干部', '作风', '建设', '增加', '公开', '透明度']);
  });

  it('splits English into words, lowercased, without stop words or short words', () => {
    expect(termsOf('Please publish the RESULTS online; more openness!')).toEqual(['publish', 'results', 'online', 'openness']);
  });

  it('reads mixed text and punctuation, and counts a term once per text', () => {
    expect(termsOf('公開 results! 公開、公開…「服務」12380')).toEqual(['公開', 'results', '服務']);
    expect(termsOf('！？。，…')).toEqual([]);
    expect(termsOf('')).toEqual([]);
  });

  it('folds full-width letters into ordinary ones', () => {
    expect(termsOf('ＯＰＥＮＮＥＳＳ')).toEqual(['openness']);
  });
});

describe('counting themes', () => {
  const texts = [
    ...Array.from({ length: 6 }, (_, i) => `希望公開選人用人的結果 ${i}`),
    ...Array.from({ length: 5 }, () => '服務群眾要落到實處，公開辦事流程'),
    ...Array.from({ length: 4 }, () => '多搞調研'),
    '',
    '   ',
  ];

  it('counts responses that mention a term, most first, and leaves out terms of fewer than five', () => {
    const { texts: read, themes } = countThemes(texts);
    expect(read).toBe(15);
    const byTerm = new Map(themes.map((t) => [t.term, t.responses]));
    expect(themes[0]).toMatchObject({ term: '公開', responses: 11 });
    expect(byTerm.get('服務')).toBe(5);
    expect(byTerm.get('群眾')).toBe(5);
    expect(byTerm.has('調研')).toBe(false); // four responses only
    expect(themes.every((t) => t.responses >= 5)).toBe(true);
  });

  it('keeps two short quotes per term', () => {
    const theme = countThemes(texts).themes.find((t) => t.term === '公開')!;
    expect(theme.quotes).toEqual(['希望公開選人用人的結果 0', '希望公開選人用人的結果 1']);
  });

  it('caps the number of themes', () => {
    expect(countThemes(texts, 2).themes).toHaveLength(2);
  });
});

describe('a quote', () => {
  it('is the text itself when short, and the part around the term when long', () => {
    expect(quoteAround('公開透明', '公開')).toBe('公開透明');
    const long = `${'甲'.repeat(60)}公開${'乙'.repeat(60)}`;
    const quote = quoteAround(long, '公開');
    expect(quote).toContain('公開');
    expect(quote.startsWith('…') && quote.endsWith('…')).toBe(true);
    expect([...quote].length).toBeLessThanOrEqual(42);
  });
});

describe('counting themes in turns', () => {
  it('gives what countThemes gives, and each text’s terms as it goes', async () => {
    const texts = Array.from({ length: 1_203 }, (_, i) => (i % 3 === 0 ? '公開 results' : `服務群眾 ${i}`));
    const seen: string[][] = [];
    const counted = await countThemesInTurns(texts, { onTerms: (_, terms) => void seen.push(terms) });
    expect(counted).toEqual(countThemes(texts));
    expect(seen).toHaveLength(1_203);
    expect(seen[0]).toEqual(['公開', 'results']);
  });
});
