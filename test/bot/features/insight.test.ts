import { parse } from 'csv-parse/sync';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { setCommandMenus } from '../../../src/bot/command-menus.js';
import { responses } from '../../../src/db/schema.js';
import { ADMIN_GROUP_ID, createTestBot, type TestBot } from '../../helpers/bot-harness.js';
import type { FakeUser } from '../../helpers/fake-telegram.js';
import { defaultQuestionnaireYaml, SMALL_YAML } from '../../helpers/questionnaires.js';
import { answerUntilSummary } from '../../helpers/survey-driver.js';
import { formulaCells, readWorkbook, rowLabelled, rowsOf } from '../../helpers/xlsx.js';

const NOW = new Date('2026-11-24T08:00:00Z');
/** The small questionnaire with room for a long suggestion. */
const ROOMY_YAML = SMALL_YAML.replace('max_length: 20', 'max_length: 200');
const INJECTION = '=HYPERLINK("http://example.com","點此")';

/** A resident of the small questionnaire: a role, a satisfaction, one channel, and maybe a comment. */
async function complete(t: TestBot, id: number, role: string, satisfaction: string, comment?: string): Promise<FakeUser> {
  const resident = t.resident(id, 'en');
  await resident.send('/start');
  await resident.press(role);
  await resident.press(satisfaction);
  if (satisfaction === 'Dissatisfied' || satisfaction === 'Not very satisfied') await resident.press('Too slow');
  await resident.press('Online');
  await resident.press('Done ✔');
  if (comment === undefined) await resident.press('Skip ▶');
  else await resident.send(comment);
  await resident.press('✅ Submit');
  return resident;
}

/**
 * Five members satisfied (80), five of the public fairly satisfied (60):
 * overall 70. Ten, a multiple of five: an open round's figures count them all.
 */
async function roundOfTen(t: TestBot): Promise<void> {
  await t.openRound('Village');
  for (let id = 3001; id <= 3005; id++) await complete(t, id, 'Member', 'Satisfied');
  for (let id = 3011; id <= 3015; id++) await complete(t, id, 'Public', 'Fairly satisfied');
}

describe('/groups', () => {
  it('shows each group beside the overall index with margin and n, no arrow below 30 a side, and folds the small ones', async () => {
    const t = createTestBot({ now: () => NOW });
    await roundOfTen(t);
    await t.admin.send('/groups');
    const overall = 70;
    expect(t.admin.lastText()).toBe(
      [
        'Indexes by respondent group, round 1 “Village”',
        'Groups of fewer than 5 are folded into “other groups”; figures from fewer than 5 answers are not shown.',
        'Response quality: No response was flagged.',
        '',
        'Overall (10)',
        // Five of 80 and five of 60: SD = √(10·100 / 9) = 10.54, margin t(9) · SD / √10 = 2.262 · 3.333 = 7.5.
        `Headline　${overall.toFixed(1)} ±7.5 (n = 10)`,
        `Overall ${overall.toFixed(1)} ±7.5 (n = 10)`,
        '',
        // 10 points from the overall figure, but five people are too few to call it a difference.
        'Member (5)',
        'Headline　80.0 ±0.0 (n = 5)',
        'Overall 80.0 ±0.0 (n = 5)',
        '',
        'Public (5)',
        'Headline　60.0 ±0.0 (n = 5)',
        'Overall 60.0 ±0.0 (n = 5)',
      ].join('\n'),
    );
  });

  it('answers a bad or unknown round id, and a questionnaire without groups, in one line', async () => {
    const t = createTestBot({ now: () => NOW, questionnaire: SMALL_YAML.replace('  respondent_question: role\n', '') });
    await t.admin.send('/groups');
    expect(t.admin.lastText()).toBe('There are no rounds yet. Open the first with /open_round title.');
    await t.openRound('No groups');
    for (const [argument, reply] of [
      ['abc', 'Usage: /groups, or /groups followed by a round id, e.g. /groups 3'],
      ['9', 'There is no round 9. /rounds lists them all.'],
      ['', 'This round’s questionnaire names no choice question of respondent groups (report.respondent_question), so there are no groups.'],
    ]) {
      await t.admin.send(`/groups ${argument}`);
      expect(t.admin.lastText()).toBe(reply);
    }
  });
});

describe('/trend', () => {
  it('sends a line chart of the headline indexes, or says there is not enough yet', async () => {
    const t = createTestBot({ now: () => NOW });
    await t.openRound('Village');
    await t.admin.send('/trend');
    expect(t.admin.lastText()).toBe('Not enough responses for a trend yet: a week needs at least 5.');
    for (let id = 3001; id <= 3005; id++) await complete(t, id, 'Member', 'Satisfied');
    await t.admin.send('/trend');
    const photo = t.admin.lastBotMessage()!;
    expect(photo.kind).toBe('photo');
    expect(photo.caption).toBe('Headline indexes week by week: #1 Village\nResponse quality: No response was flagged.');
    expect(photo.photo!.data!.subarray(1, 4).toString('latin1')).toBe('PNG');
    await t.admin.send('/trend 2');
    expect(t.admin.lastText()).toBe('Usage: /trend (nothing after it)');
  });
});

describe('/report', () => {
  it('sends an .xlsx with a summary agreeing with /status (margins and n too), both charts, the distributions, the funnel, the codebook and every response', async () => {
    const t = createTestBot({ now: () => NOW });
    await roundOfTen(t);
    await t.admin.send('/status');
    const status = t.admin.lastText() ?? '';
    const headline = /Headline　(\d+\.\d)/.exec(status)?.[1];
    expect(headline).toBe('70.0');

    await t.admin.send('/report');
    const message = t.admin.lastBotMessage()!;
    expect(message.document?.filename).toBe('manyi-round-1-2026-11-24.xlsx');
    expect(message.caption).toBe('Report of round 1 “Village”: 10 responses');
    const workbook = await readWorkbook(message.document!.data!);
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['Summary', 'Distributions', 'Funnel', 'Codebook', 'Responses', 'Themes']);
    const [summary, distributions, funnel, codebook, answers] = workbook.worksheets as [any, any, any, any, any];
    expect(rowLabelled(summary, 'Report of round 1 “Village”')).toBeDefined();
    expect(rowLabelled(summary, 'Completed')?.[1]).toBe(10);
    expect(rowLabelled(summary, 'Headline')?.[1]).toBe(Number(headline));
    // Five of 80 and five of 60: margin t(9) · SD / √10 = 7.5 (as /status says).
    expect(rowLabelled(summary, 'Headline')).toEqual(['Headline', 70, 7.5, 10]);
    expect(status).toContain('Headline　70.0 ±7.5 (n = 10)');
    // Every answer is satisfied or better: a rate of 100% whose Wilson interval from 10 is 72.2–100%.
    expect(rowLabelled(summary, 'Overall')?.slice(0, 7)).toEqual(['Overall', 70, 7.5, 10, 100, 72.2, 100]);
    expect(rowLabelled(funnel, 'satisfaction')?.slice(2, 5)).toEqual([10, 10, 0]);
    await t.admin.send('/export');
    const exported = parse(Buffer.from(t.admin.lastBotMessage()!.document!.data!).toString('utf8'), { bom: true, to: 1 }) as string[][];
    expect(rowsOf(codebook).map((row) => row[0])).toEqual(['column', ...exported[0]!]);
    expect(rowLabelled(summary, 'Member')?.slice(0, 3)).toEqual(['Member', 5, 80]);
    expect(summary.getImages()).toHaveLength(2);
    expect(rowsOf(distributions)).toContainEqual(['role', 'Who are you?', 'Member', 5, 50]);
    expect(rowsOf(distributions)).toContainEqual(['satisfaction', 'Are you satisfied?', 'Satisfied', 5, 50]);
    expect(rowsOf(answers)).toHaveLength(11);
    expect(rowsOf(answers)[0]?.slice(0, 7)).toEqual(['Response key', 'Status', 'Started (UTC)', 'Completed (UTC)', 'Language', 'Source', 'Quality flags']);
  });

  it('writes the headers in the admin chat’s language and answers a bad round id in one line', async () => {
    const t = createTestBot({ now: () => NOW });
    await t.admin.send('/report');
    expect(t.admin.lastText()).toBe('There are no rounds yet. Open the first with /open_round title.');
    await t.openRound('一');
    await t.admin.send('/report x');
    expect(t.admin.lastText()).toBe('Usage: /report, or /report followed by a round id, e.g. /report 3');
    await t.admin.send('/language');
    await t.admin.press('繁體中文');
    await t.admin.send('/report 1');
    const workbook = await readWorkbook(t.admin.lastBotMessage()!.document!.data!);
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['摘要', '各題分佈', '停下的題目', '編碼本', '全部回答', '主題']);
    expect(rowsOf(workbook.worksheets[4]!)[0]?.[0]).toBe('回答編號');
  });
});

describe('no formulas from residents', () => {
  it('a suggestion typed as a formula is text in both the CSV and the .xlsx', async () => {
    const t = createTestBot({ now: () => NOW, questionnaire: ROOMY_YAML });
    await t.openRound('Injection');
    await complete(t, 3001, 'Member', 'Satisfied', INJECTION);
    await complete(t, 3002, 'Public', 'Satisfied', '+1 -2 @3');

    await t.admin.send('/export');
    const csv = t.admin.lastBotMessage()!.document!.data!;
    const rows = parse(Buffer.from(csv).subarray(3).toString('utf8'), { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r['comment'])).toEqual([`'${INJECTION}`, `'+1 -2 @3`]);

    await t.admin.send('/report');
    const workbook = await readWorkbook(t.admin.lastBotMessage()!.document!.data!);
    expect(formulaCells(workbook)).toEqual([]);
    const comments = rowsOf(workbook.getWorksheet('Responses')!).slice(1).map((row) => row.at(-1));
    expect(comments).toEqual([INJECTION, '+1 -2 @3']);

    // The workbook names each response as the CSV does, by an identifier that is not the database's key.
    const sheetIds = rowsOf(workbook.getWorksheet('Responses')!).slice(1).map((row) => String(row[0]));
    expect(sheetIds).toEqual(rows.map((r) => r['response_key']));
    const cells = JSON.stringify(workbook.worksheets.map((sheet) => rowsOf(sheet)));
    for (const { key } of t.db.select({ key: responses.respondentKey }).from(responses).all()) expect(cells).not.toContain(key.slice(0, 16));
  });
});

describe('quality flags through the bot', () => {
  it('flags a straight line at submit, counts it in /status and leaves it out of the indexes', async () => {
    const t = createTestBot({ now: () => NOW, questionnaire: defaultQuestionnaireYaml() });
    await t.openRound('Straight');
    // Five, so that an open round's figures count them (they move in steps of five).
    for (let id = 3001; id <= 3005; id++) {
      const resident = t.resident(id, 'en');
      await resident.send('/start');
      // The first option of every question: 很滿意 (100) on all nine scale questions.
      await answerUntilSummary(resident, 'en');
      await resident.press('✅ Submit');
    }
    expect(t.db.select({ flags: responses.flags }).from(responses).all()).toEqual(Array(5).fill({ flags: 2 }));

    await t.admin.send('/status');
    expect(t.admin.lastText()).toContain(
      'Response quality 5 flagged (0 finished too fast, 5 the same option on every scale question); left out of the indexes.',
    );
  });
});

describe('the admin command menu', () => {
  it('lists /report, /groups and /trend in every admin chat, in Chinese and English', async () => {
    const t = createTestBot();
    await setCommandMenus(t.bot.api, { adminChatIds: [ADMIN_GROUP_ID], defaultLanguage: 'zh-Hant', logger: pino({ level: 'silent' }) });
    const menu = (languageCode: string) =>
      t.telegram.commands({ type: 'chat', chat_id: ADMIN_GROUP_ID }, languageCode).map((c) => `${c.command} ${c.description}`);
    expect(menu('zh')).toEqual(expect.arrayContaining(['report 下載 Excel 報告', 'groups 各受訪群體的指數', 'trend 主要指數趨勢圖']));
    expect(menu('en')).toEqual(expect.arrayContaining(['report Download the Excel report', 'groups Indexes per respondent group', 'trend Trend of the headline indexes']));
    expect(t.telegram.commands({ type: 'default' }, 'en').map((c) => c.command)).not.toContain('report');
  });
});
