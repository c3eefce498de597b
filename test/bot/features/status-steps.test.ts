import { describe, expect, it } from 'vitest';
import { TEXTS } from '../../../src/texts/resident.js';
import { createTestBot } from '../../helpers/bot-harness.js';
import { defaultQuestionnaireYaml } from '../../helpers/questionnaires.js';
import { answerUntilSummary } from '../../helpers/survey-driver.js';

/*
 * No differencing: while a round is open, /status shows figures over the
 * completed responses up to the last multiple of five, so asking before and
 * after one resident submits cannot reveal that resident's answers.
 */

describe('/status while a round is open', () => {
  it('shows the same figures before and after one more completed response, and says over how many', async () => {
    // A minute passes between any two steps: nobody is flagged as too fast.
    let clock = Date.parse('2026-11-24T08:00:00Z');
    const t = createTestBot({ questionnaire: defaultQuestionnaireYaml(), now: () => new Date((clock += 60_000)) });
    await t.admin.send('/language');
    await t.admin.press('✓ English');
    await t.openRound('Steps');
    const complete = async (id: number, pick: (options: string[], step: number) => string) => {
      const resident = t.resident(id, 'en');
      await resident.send('/start');
      await answerUntilSummary(resident, 'en', pick);
      await resident.press(TEXTS.en.submit);
    };
    for (let id = 3001; id <= 3005; id++) await complete(id, (options, step) => options[(id + step) % Math.min(3, options.length)]!);

    await t.admin.send('/status');
    const before = t.admin.lastText()!;
    expect(before).toMatch(/\n5 started, 5 completed\n\nSatisfaction with organizational work　\d+\.\d/);

    // The sixth is as dissatisfied as can be: counted now, it would move every index.
    await complete(3006, (options) => options.at(-1)!);
    await t.admin.send('/status');
    const after = t.admin.lastText()!;
    expect(after).toContain('\n6 started, 6 completed\n');
    expect(after).toContain('Figures over the first 5 completed responses (n = 5); the latest 1 count once the round\'s completed total reaches the next multiple of 5');
    // Everything after the counts, but the counts per source (counts may be exact).
    const figures = (text: string) =>
      text
        .split('\n\n')
        .slice(1)
        .filter((section) => !section.startsWith('Where respondents came from'))
        .join('\n\n');
    expect(figures(after)).toBe(figures(before));

    // Four more make ten: the figures move, all ten counted.
    for (let id = 3007; id <= 3010; id++) await complete(id, (options) => options.at(-1)!);
    await t.admin.send('/status');
    const ten = t.admin.lastText()!;
    expect(ten).toContain('\n10 started, 10 completed\n\n');
    expect(ten).not.toContain('Figures over the first');
    expect(figures(ten)).not.toBe(figures(before));
  });
});
