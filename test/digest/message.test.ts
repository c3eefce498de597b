import { describe, expect, it } from 'vitest';
import type { DigestData } from '../../src/digest/content.js';
import { renderDigestMessage } from '../../src/digest/message.js';
import type { DimensionFigures, Distribution, RoundFigures } from '../../src/figures/figures.js';
import { tQuantile95 } from '../../src/figures/intervals.js';
import { parseQuestionnaire } from '../../src/questionnaire/validate.js';
import { parseTelegramHtml } from '../helpers/telegram-html.js';
import { all, defaultQuestionnaire } from '../helpers/questionnaires.js';

const questionnaire = defaultQuestionnaire();
const FROM = new Date('2026-11-16T01:00:00Z');
const TO = new Date('2026-11-23T01:00:00Z');

/** Every figure here stands on `n` respondents with a standard error of 0.5: a margin of ±1.0 at n = 40. */
let n = 40;
const estimate = (value: number | null) => (value === null ? null : { value, margin: tQuantile95(n - 1) * 0.5, n, variance: 0.25 });

function dimension(id: string, index: number | null, rate: number | null = 0.9): DimensionFigures {
  return { id, index, satisfactionRate: rate, awarenessRate: 0.95, withheld: false, questionIds: [], respondents: n, indexEstimate: estimate(index), satisfactionInterval: null, awarenessInterval: null };
}

const distribution = (questionId: string, options: [string, number][], withheldCount = 0): Distribution => ({
  questionId,
  type: 'choice',
  respondents: 40,
  withheld: false,
  options: options.map(([value, count]) => ({ value, count, share: count / 40 })),
  withheldCount,
});

/** Figures as the figures module would give them, with the dimension indexes given. */
function figures(indexes: Record<string, number | null>, overrides: Partial<RoundFigures> = {}): RoundFigures {
  const dimensions = questionnaire.dimensions.map((d) => dimension(d.id, indexes[d.id] ?? null));
  const indexOf = (id: string) => dimensions.find((d) => d.id === id)?.index ?? null;
  return {
    roundIds: [3],
    window: { from: FROM, to: TO },
    counts: { started: 50, completed: 42, completionRate: 0.84, totalCompleted: 380, held: 0 },
    quality: { flagged: 0, tooFast: 0, straightLine: 0, leftOut: 0 },
    questions: [],
    dimensions,
    indexes: questionnaire.indexes.map((index) => {
      const values = index.dimensions.map(indexOf);
      const value = values.some((v) => v === null) ? null : (values as number[]).reduce((a, b) => a + b) / values.length;
      return { id: index.id, dimensions: index.dimensions, value, withheld: false, estimate: estimate(value) };
    }),
    awareness: { rate: 0.92, withheld: false },
    distributions: [],
    scaleDistributions: [],
    lowest: [
      { id: 'talent_work', dimension: 'talent_work', index: 59.2, satisfactionRate: 0.5, awarenessRate: 0.9, withheld: false, answered: 40, known: 36, indexEstimate: estimate(59.2), satisfactionInterval: null, awarenessInterval: null },
    ],
    respondentMix: distribution('respondent_type', [['public', 24], ['party_member', 11]], 5),
    improvements: { ...distribution('improvement_areas', [['selection_fairness', 14], ['less_formalism', 9]]), type: 'multi' },
    ...overrides,
  };
}

const THIS_WEEK = { overall_general: 78.4, overall_work: 82, cadre_image: 65, cadre_selection: 70, malpractice_prevention: 71, grassroots_orgs: 88.9, talent_work: 59.2, serving_residents: 74.6, openness: 100 };
const LAST_WEEK = { ...THIS_WEEK, overall_work: 80, cadre_image: 66, cadre_selection: null };

function data(overrides: Partial<DigestData> = {}): DigestData {
  return {
    from: FROM,
    to: TO,
    rounds: [{ id: 3, title: '2026 年第四季' }],
    questionnaire,
    figures: figures(THIS_WEEK),
    previous: figures(LAST_WEEK),
    suggestions: ['多公開任前公示的結果'],
    gaps: [],
    trend: [],
    sources: [],
    ...overrides,
  };
}

const render = (d: DigestData, language: 'zh-Hant' | 'zh-Hans' | 'en' = 'zh-Hant', lateFor: Date | null = null) =>
  renderDigestMessage(d, { language, timeZone: 'Asia/Shanghai', lateFor });

/** What Telegram would show, after checking it would accept the HTML at all. */
function shown(html: string): string {
  const parsed = parseTelegramHtml(html);
  if (!parsed.ok) throw new Error(parsed.description);
  expect(parsed.text.length).toBeLessThanOrEqual(4096);
  return parsed.text;
}

describe('the digest message', () => {
  it('reads top to bottom: period, round, counts, headline indexes with week-over-week changes', () => {
    const text = shown(render(data()));
    expect(text).toContain('📊 每週滿意度摘要\n2026-11-16 09:00 至 2026-11-23 09:00\n調查：#3 2026 年第四季');
    expect(text).toContain('本週新增：完成 42 份，開始作答 50 份；累計完成 380 份');
    // (82 + 65) / 2 = 73.5 against (80 + 66) / 2 = 73: up 0.5, inside the margin of the difference
    // (t · √(0.25 + 0.25) ≈ 1.4), so no arrow.
    expect(text).toContain('組織工作滿意度　73.5 ±1.0 (n = 40) ≈ +0.5，在誤差範圍內');
    // (70 + 71) / 2 = 70.5, nothing to compare: cadre_selection had no index last week.
    expect(text).toContain('選人用人公信度　70.5 ±1.0 (n = 40) 新');
  });

  it('gives each dimension a text bar, its index with margin and n, the change and the satisfaction rate', () => {
    const text = shown(render(data()));
    // 82 of 100 over ten cells is 8.2 cells: eight full and two eighths. +2.0 is beyond its margin of about 1.4.
    expect(text).toContain('組織工作總體評價\n████████▎  82.0 ±1.0 (n = 40) ▲2.0 · 90%');
    expect(text).toContain('組織部門幹部形象\n██████▌    65.0 ±1.0 (n = 40) ≈ -1.0，在誤差範圍內 · 90%');
    expect(text).toContain('公開透明\n██████████ 100.0 ±1.0 (n = 40) ≈ 0.0，在誤差範圍內 · 90%');
  });

  it('lists only the changes larger than their margin under what moved', () => {
    const text = shown(render(data(), 'en'));
    expect(text).toContain('Real changes (larger than their margin)\nOrganizational work overall 80.0 → 82.0 ▲2.0\n\n');
    const quiet = shown(render(data({ previous: figures(THIS_WEEK) }), 'en'));
    expect(quiet).toContain('Real changes (larger than their margin)\nNothing changed by more than its margin.');
    expect(quiet).not.toMatch(/[▲▼]/);
  });

  it('shows no arrow and no "≈" at all below 30 respondents on either side', () => {
    n = 29;
    try {
      const text = shown(render(data({ figures: figures({ ...THIS_WEEK, overall_work: 95 }) }), 'en'));
      expect(text).toContain('Organizational work overall\n█████████▌ 95.0 ±1.0 (n = 29) · 90%');
      expect(text).not.toMatch(/[▲▼≈]/);
    } finally {
      n = 40;
    }
  });

  it('marks every figure "new" when there was no previous week', () => {
    const text = shown(render(data({ previous: null }), 'en'));
    expect(text).toContain('Organizational work overall\n████████▎  82.0 ±1.0 (n = 40) new · 90%');
    expect(text).not.toMatch(/[▲▼]/);
  });

  it('lists the lowest question, the improvements, awareness, and the respondent mix with small groups folded', () => {
    const text = shown(render(data()));
    expect(text).toContain('得分最低的題目（優先改進）\n1. 您對本地的人才工作滿意嗎？');
    expect(text).toContain('— 59.2 ±1.0 (n = 40)');
    expect(text).toContain('最多人選的改進方面\n1. 選人用人的公正性 35% (14)\n2. 減少形式主義 23% (9)');
    expect(text).toContain('知曉率 92%\n');
    expect(text).toContain('受訪者構成\n群眾 60% (24) · 普通黨員 28% (11) · 其他（各組少於 5 人，合計 5 人）');
  });

  it('escapes suggestions and keeps them to one shortened line', () => {
    const html = render(data({ suggestions: ['<b>&</b> 請改進\n第二行', 'x'.repeat(500)] }));
    expect(html).toContain('「&lt;b&gt;&amp;&lt;/b&gt; 請改進 第二行」');
    const text = shown(html);
    expect(text).toContain('「<b>&</b> 請改進 第二行」');
    expect(text).toContain(`「${'x'.repeat(199)}…」`);
  });

  it('counts every completed response but says the figures are over the last multiple of five while the round is open', () => {
    const open = figures({}, { counts: { started: 50, completed: 35, completionRate: 0.8, totalCompleted: 380, held: 2 } });
    const text = shown(render(data({ figures: open }), 'en'));
    expect(text).toContain(
      'This week: 37 completed, 50 started; 380 completed in total\nFigures over the first 35 completed responses (n = 35); the latest 2 count once the round\'s completed total reaches the next multiple of 5',
    );
    expect(shown(render(data({ figures: open }), 'zh-Hant'))).toContain('以下數字依前 35 份完成的問卷（n = 35）');
  });

  it('says so in a week with no responses, and in a week with no round', () => {
    const quiet = figures({}, { counts: { started: 0, completed: 0, completionRate: null, totalCompleted: 380, held: 0 } });
    expect(shown(render(data({ figures: quiet }), 'en'))).toMatch(
      /This week: 0 completed, 0 started; 380 completed in total\n\nNo new responses this week\.$/,
    );
    expect(shown(render(data({ rounds: [], figures: null, questionnaire: null }), 'zh-Hans'))).toMatch(/本周没有进行中的调查。$/);
  });

  it('does not call a week quiet whose only completions are held back', () => {
    const held = figures({}, { counts: { started: 1, completed: 0, completionRate: 0, totalCompleted: 41, held: 1 } });
    const text = shown(render(data({ figures: held }), 'en'));
    expect(text).toMatch(/This week: 1 completed, 1 started; 41 completed in total\nFigures over the first 0 completed responses/);
    expect(text).not.toContain('No new responses this week');
  });

  it('still names the units that lag in a week with no completed response', () => {
    const quiet = figures({}, { counts: { started: 3, completed: 0, completionRate: 0, totalCompleted: 41, held: 0 } });
    const coverage = {
      units: [
        { unit: 'east_gate', started: 3, completed: 41, target: 300, share: 41 / 300, lagging: true },
        { unit: 'west<gate>', started: 0, completed: 180, target: 200, share: 0.9, lagging: false },
      ],
      direct: { started: 0, completed: 0 },
      total: { completed: 221, target: 500, share: 221 / 500 },
    };
    const text = shown(render(data({ figures: quiet, coverage }), 'en'));
    expect(text).toMatch(/No new responses this week\.\n\n/);
    expect(text).toContain('east_gate 41/300');
    expect(text).not.toContain('west<gate>');
    expect(text).toContain('221');
  });

  it('names the group furthest below each headline index, and how many responses were flagged and left out', () => {
    const gaps = [{ indexId: 'org_work_satisfaction', group: 'public', value: 68.25, overall: 73.5 }];
    const quality = { flagged: 5, tooFast: 3, straightLine: 2, leftOut: 5 };
    const text = shown(render(data({ gaps, figures: figures(THIS_WEEK, { quality }) })));
    expect(text).toContain('低於整體最多的群體\n組織工作滿意度：群眾 68.3（整體 73.5，低 5.3）');
    expect(text).toContain('回答品質\n5 份被標記（作答過快 3，各題同一選項 2），未計入指數。');
    const counted = shown(render(data({ figures: figures(THIS_WEEK, { quality: { ...quality, leftOut: 0 } }) }), 'en'));
    expect(counted).toContain('Response quality\n5 flagged (3 finished too fast, 2 the same option on every scale question); still counted in the indexes (QUALITY_FILTER=off).');
    expect(counted).not.toContain('Group furthest below');
    expect(shown(render(data(), 'zh-Hans'))).toContain('回答质量\n没有被标记的回答。');
  });

  it('says where this week’s respondents came from, most completed first, tags escaped, five at most', () => {
    const sources = [
      { source: 'east_gate', started: 20, completed: 17, index: 81, estimate: null },
      { source: null, started: 9, completed: 6, index: null, estimate: null },
      { source: '<b>x</b>', started: 2, completed: 1, index: null, estimate: null },
      ...['a', 'b', 'c', 'd'].map((tag) => ({ source: tag, started: 1, completed: 0, index: null, estimate: null })),
    ];
    const html = render(data({ sources }), 'en');
    expect(html).toContain('<code>&lt;b&gt;x&lt;/b&gt;</code>');
    expect(shown(html)).toContain(
      'Where respondents came from\neast_gate: 17 completed / 20 started\ndirect: 6 completed / 9 started\n<b>x</b>: 1 completed / 2 started\na: 0 completed / 1 started\nb: 0 completed / 1 started\n… and 2 more sources',
    );
    expect(shown(render(data(), 'en'))).not.toContain('Where respondents came from');
  });

  it('says when a run is sent late', () => {
    expect(shown(render(data(), 'en', TO))).toContain('(due 2026-11-23 09:00; sent late because the bot was down)');
  });

  it('fits within 4,096 characters with many dimensions, long names and long suggestions', () => {
    const long = (i: number) => `維度${i}${'很長的名稱'.repeat(11)}`.slice(0, 60);
    const dimensions = Array.from({ length: 40 }, (_, i) => ({ id: `d${i}`, name: all(long(i)) }));
    const yaml = [
      `title: ${JSON.stringify(all('t'))}`,
      `description: ${JSON.stringify(all('d'))}`,
      `dimensions: ${JSON.stringify(dimensions)}`,
      `indexes: ${JSON.stringify([{ id: 'i', name: all('指數'.repeat(30)), dimensions: ['d0', 'd1'] }])}`,
      `questions: ${JSON.stringify(dimensions.map((d, i) => ({ id: `q${i}`, type: 'scale', dimension: d.id, text: all(`問題${'很長'.repeat(200)}`) })))}`,
    ].join('\n');
    const parsed = parseQuestionnaire(yaml);
    if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
    const many = parsed.questionnaire;
    const big = (values: number) => ({
      ...figures({}),
      dimensions: many.dimensions.map((d) => dimension(d.id, values)),
      indexes: [{ id: 'i', dimensions: ['d0', 'd1'], value: values, withheld: false, estimate: null }],
      lowest: many.questions.slice(0, 3).map((q) => ({ id: q.id, dimension: 'd0', index: 10, satisfactionRate: 0, awarenessRate: 1, withheld: false, answered: 9, known: 9, indexEstimate: null, satisfactionInterval: null, awarenessInterval: null })),
    });
    const sources = Array.from({ length: 30 }, (_, i) => ({ source: `${i}`.padEnd(64, 'x'), started: 9, completed: 9, index: 70, estimate: null }));
    const html = render(data({ questionnaire: many, figures: big(70), previous: big(60), suggestions: ['長'.repeat(1000), '長'.repeat(1000), '長'.repeat(1000)], sources }));
    // Telegram counts the text after entity parsing, not the HTML.
    expect(shown(html).length).toBeLessThanOrEqual(4096);
    expect(shown(html)).toContain('▲10.0');
  });
});
