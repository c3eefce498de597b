import { once, type EventEmitter } from 'node:events';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type ExcelJS from 'exceljs';
import type { Db } from '../db/client.js';
import type { SourceCount } from '../db/responses.js';
import type { Round } from '../db/rounds.js';
import { buildBarChartSvg } from '../render/pictures/bar-chart.js';
import { renderPicture, type Picture } from '../render/pictures/draw.js';
import type { Distribution, RoundFigures } from '../figures/figures.js';
import type { Funnel } from '../figures/funnel.js';
import { compareEstimates, type ChangeVerdict, type RateEstimate } from '../figures/intervals.js';
import { CODEBOOK_COLUMNS, codebookRows } from './codebook.js';
import type { TrendPoint } from '../figures/trends.js';
import { optionsOf } from '../questionnaire/engine.js';
import type { Language } from '../questionnaire/languages.js';
import { formatInZone } from '../render/format.js';
import { REPORT_TEXTS } from '../texts/report.js';
import { groupName } from '../reports/insight-sections.js';
import type { RoundReport } from '../reports/round-report.js';
import { trendPicture } from '../reports/trend-chart.js';
import { exportRows, LEADING_COLUMNS } from './csv.js';
import { WORKBOOK_TEXTS, type WorkbookTexts } from '../texts/workbook.js';
import { placePictures } from './xlsx-pictures.js';
import { lazyModule } from '../lazy-module.js';
import { REACH_TEXTS } from '../texts/reach.js';
import { THEME_TEXTS } from '../texts/themes.js';
import { countThemesInTurns } from '../figures/themes.js';
import { themeTexts } from '../figures/theme-texts.js';
import { textQuestionIds } from '../reports/themes.js';
import { joinList } from '../texts/list.js';

const exceljs = lazyModule<typeof ExcelJS>('exceljs');

/*
 * The Excel report of a round: a summary (with the charts as pictures), the
 * distribution of every question, where residents gave up, the codebook, and
 * every response as in the CSV export.
 * Written by exceljs's streaming writer, a page of responses at a time with
 * a turn for the event loop between pages, so a round of 100,000 responses
 * neither fills memory nor keeps residents waiting. Residents' answers are
 * always string cells: a cell holds a formula only when given one as such,
 * which this module never does.
 */

export interface WorkbookInput {
  report: RoundReport;
  trend: { rounds: readonly Pick<Round, 'id' | 'title'>[]; points: readonly TrendPoint[] };
  sources: readonly SourceCount[];
  language: Language;
  timeZone: string;
  /** The pseudonym secret, from which each row's identifier is derived (export/csv.ts). */
  exportSecret: string;
  /** QUALITY_FILTER, for the themes (default on). */
  leaveOutFlagged?: boolean;
}

/** Rows written between two turns of the event loop. */
const PAGE = 500;
/** Width at which the charts sit beside the summary tables, in pixels. */
const PICTURE_WIDTH = 540;
type Cell = string | number | null;

/*
 * Figures go in as numbers rounded for reading: indexes to 0.1, rates as
 * percentages to 0.1 (the headers say "%"). No cell styles: exceljs's styles
 * cost more than half the time of writing 100,000 rows.
 */
const index = (value: number | null): number | null => (value === null ? null : Math.round(value * 10) / 10);
const percent = (value: number | null): number | null => (value === null ? null : Math.round(value * 1000) / 10);

export function reportFileName(round: Round, now: Date): string {
  return `manyi-round-${round.id}-${now.toISOString().slice(0, 10)}.xlsx`;
}

/** Writes the report to `path`; returns how many responses the responses sheet holds. */
export async function writeRoundWorkbook(db: Db, input: WorkbookInput, path: string): Promise<number> {
  const t = WORKBOOK_TEXTS[input.language];
  const workbook = new (exceljs().stream.xlsx.WorkbookWriter)({ filename: path, useStyles: false, useSharedStrings: false });
  workbook.creator = 'manyi';

  const summary = workbook.addWorksheet(t.summarySheet);
  summary.columns = [{ width: 34 }, ...Array.from({ length: 10 }, () => ({ width: 12 }))];
  writeSummary(summary, input, t);
  const pictures = await charts(input, t);
  let top = 0;
  placePictures(
    workbook,
    summary,
    pictures.map((picture) => {
      const imageId = workbook.addImage({ buffer: picture.png as unknown as ExcelJS.Buffer, extension: 'png' });
      const height = Math.round((picture.height * PICTURE_WIDTH) / picture.width);
      // Column M, beside the tables (eleven columns wide); about 20 px to a row, so the next picture starts under this one.
      const placement = { imageId, col: 12, row: top, width: PICTURE_WIDTH, height };
      top += Math.ceil(height / 20) + 1;
      return placement;
    }),
  );
  summary.commit();
  await nextTurn();

  const distributions = workbook.addWorksheet(t.distributionsSheet);
  distributions.columns = [{ width: 18 }, { width: 48 }, { width: 28 }, { width: 10 }, { width: 10 }];
  writeDistributions(distributions, input, t);
  distributions.commit();
  await nextTurn();

  if (input.report.funnel) {
    const funnel = workbook.addWorksheet(t.funnelSheet);
    funnel.columns = [{ width: 18 }, { width: 48 }, { width: 10 }, { width: 10 }, { width: 12 }, { width: 16 }];
    writeFunnel(funnel, input.report.funnel, input, t);
    funnel.commit();
  }

  const codebook = workbook.addWorksheet(t.codebookSheet);
  // Cells as the CSV codebook has them: from an uploaded questionnaire, never a formula.
  for (const row of [[...CODEBOOK_COLUMNS], ...codebookRows(input.report.round.questionnaire)]) addRow(codebook, row);
  codebook.commit();
  await nextTurn();

  const responses = workbook.addWorksheet(t.responsesSheet);
  const count = await writeResponses(db, responses, input, t);
  responses.commit();
  await nextTurn();

  const themes = workbook.addWorksheet(THEME_TEXTS[input.language].sheet);
  await writeThemes(db, themes, input);
  themes.commit();
  await workbook.commit();
  return count;
}

function addRow(sheet: ExcelJS.Worksheet, cells: readonly Cell[]): void {
  sheet.addRow(cells.map((c) => (c === null ? '' : c))).commit();
}

function writeSummary(sheet: ExcelJS.Worksheet, input: WorkbookInput, t: WorkbookTexts): void {
  const { round, figures, previous, groups } = input.report;
  const { language, timeZone } = input;
  const questionnaire = round.questionnaire;
  const at = (instant: Date) => formatInZone(instant, timeZone);
  const dimensionName = (id: string) => questionnaire.dimensions.find((d) => d.id === id)?.name[language] ?? id;
  const indexName = (id: string) => questionnaire.indexes.find((i) => i.id === id)?.name[language] ?? id;
  /** A figure, or the words that say it is withheld. */
  const figure = (value: number | null, withheld: boolean): Cell => (withheld ? t.withheld : value);

  addRow(sheet, [t.title({ id: round.id, title: round.title })]);
  addRow(sheet, [t.opened, at(round.openedAt)]);
  addRow(sheet, [t.closed, round.closedAt ? at(round.closedAt) : t.stillOpen]);
  addRow(sheet, [t.started, figures.counts.started]);
  addRow(sheet, [t.completed, figures.counts.completed]);
  addRow(sheet, [t.completionRate, percent(figures.counts.completionRate)]);
  addRow(sheet, [t.counted, figures.counts.completed - figures.quality.leftOut]);
  addRow(sheet, []);

  addRow(sheet, [t.quality, t.count]);
  addRow(sheet, [t.tooFast, figures.quality.tooFast]);
  addRow(sheet, [t.straightLine, figures.quality.straightLine]);
  addRow(sheet, [t.leftOut, figures.quality.leftOut]);
  addRow(sheet, []);

  const before = previous?.figures;
  const comparison = before ? [t.previousRound, t.change, t.realChange] : [];
  addRow(sheet, [t.headline, t.value, t.margin, t.n, ...comparison]);
  for (const composite of figures.indexes) {
    const old = before?.indexes.find((i) => i.id === composite.id);
    const { value, withheld, estimate } = composite;
    const known = !withheld && estimate !== null;
    const change = known && old?.estimate && !old.withheld ? compareEstimates(old.estimate, estimate) : null;
    addRow(sheet, [
      indexName(composite.id),
      figure(index(value), withheld),
      known ? index(estimate.margin) : null,
      known ? estimate.n : null,
      ...(before
        ? [index(old?.withheld ? null : (old?.value ?? null)), change ? index(change.difference) : null, change ? verdictMark(change.verdict) : null]
        : []),
    ]);
  }
  addRow(sheet, []);

  const rateCells = (interval: RateEstimate | null, withheld: boolean): Cell[] =>
    withheld ? [t.withheld, null, null] : [percent(interval?.value ?? null), percent(interval?.low ?? null), percent(interval?.high ?? null)];
  addRow(sheet, [t.dimension, t.satisfactionIndex, t.margin, t.n, t.satisfactionRate, t.low, t.high, t.awarenessRate, t.low, t.high, t.respondents]);
  for (const d of figures.dimensions) {
    const estimate = d.withheld ? null : d.indexEstimate;
    addRow(sheet, [
      dimensionName(d.id),
      figure(index(d.index), d.withheld),
      estimate ? index(estimate.margin) : null,
      estimate ? estimate.n : null,
      ...rateCells(d.satisfactionInterval, d.withheld),
      ...rateCells(d.awarenessInterval, d.withheld),
      d.respondents,
    ]);
  }
  addRow(sheet, []);

  if (groups) {
    const texts = REPORT_TEXTS[language];
    addRow(sheet, [t.group, t.respondents, ...questionnaire.indexes.map((i) => i.name[language]), ...questionnaire.dimensions.map((d) => d.name[language])]);
    const line = (name: string, respondents: number, g: Pick<RoundFigures, 'indexes' | 'dimensions'>) =>
      addRow(sheet, [
        name,
        respondents,
        ...g.indexes.map((i) => figure(index(i.value), i.withheld)),
        ...g.dimensions.map((d) => figure(index(d.index), d.withheld)),
      ]);
    line(t.overall, figures.counts.completed - figures.quality.leftOut, figures);
    for (const group of groups.groups) {
      line(groupName(questionnaire, groups.questionId, group.value, language, texts), group.respondents, group);
    }
    addRow(sheet, []);
  }

  if (input.sources.length > 0) {
    addRow(sheet, [t.source, t.started, t.completed]);
    for (const s of input.sources) addRow(sheet, [s.source, s.started, s.completed]);
  }

  const coverage = input.report.coverage;
  if (coverage && coverage.total.share !== null) {
    const reach = REACH_TEXTS[language];
    const c = reach.coverageColumns;
    addRow(sheet, []);
    addRow(sheet, [c.unit, c.started, c.completed, c.target, c.percent]);
    for (const u of coverage.units) addRow(sheet, [u.unit, u.started, u.completed, u.target, percent(u.share)]);
    addRow(sheet, [reach.direct, coverage.direct.started, coverage.direct.completed, null, null]);
    addRow(sheet, [t.overall, null, coverage.total.completed, coverage.total.target, percent(coverage.total.share)]);
  }
}

/**
 * Per text question, the themes (terms of five responses or more) and then
 * every answer with the themes it matched: read twice, a chunk at a time
 * with turns between, never all at once. Answers are string cells.
 */
async function writeThemes(db: Db, sheet: ExcelJS.Worksheet, input: WorkbookInput): Promise<void> {
  const t = THEME_TEXTS[input.language];
  const { round } = input.report;
  sheet.columns = [{ width: 24 }, { width: 60 }, { width: 40 }];
  const leaveOutFlagged = input.leaveOutFlagged ?? true;
  for (const questionId of textQuestionIds(round.questionnaire)) {
    const scope = { roundIds: [round.id], questionIds: [questionId], leaveOutFlagged };
    const { themes } = await countThemesInTurns(themeTexts(db, scope), { limit: Number.MAX_SAFE_INTEGER });
    const shown = new Set(themes.map((theme) => theme.term));
    addRow(sheet, [t.questionColumn, t.termColumn, t.responsesColumn]);
    for (const theme of themes) addRow(sheet, [questionId, theme.term, theme.responses]);
    addRow(sheet, []);
    addRow(sheet, [t.questionColumn, t.textColumn, t.termsColumn]);
    let written = 0;
    await countThemesInTurns(themeTexts(db, scope), {
      onTerms: async (text, terms) => {
        addRow(sheet, [questionId, text, joinList(terms.filter((term) => shown.has(term)), input.language)]);
        if (++written % PAGE === 0) await compressed(sheet);
      },
    });
    addRow(sheet, []);
  }
}

/** The two charts as PNGs: dimensions this round against the previous one, and the weekly trend. */
async function charts(input: WorkbookInput, t: WorkbookTexts): Promise<(Picture & { png: Buffer })[]> {
  const { figures, previous, round } = input.report;
  const { language } = input;
  const texts = REPORT_TEXTS[language];
  const pictures: Picture[] = [];
  if (figures.dimensions.some((d) => d.index !== null)) {
    pictures.push(
      await buildBarChartSvg({
        title: t.chartTitle,
        categories: figures.dimensions.map((d) => round.questionnaire.dimensions.find((x) => x.id === d.id)?.name[language] ?? d.id),
        series: [
          { name: t.thisRound, values: figures.dimensions.map((d) => d.index), withheld: figures.dimensions.map((d) => d.withheld) },
          ...(previous
            ? [
                {
                  name: t.previousRoundChart,
                  values: figures.dimensions.map((d) => previous.figures.dimensions.find((p) => p.id === d.id)?.index ?? null),
                  withheld: figures.dimensions.map((d) => previous.figures.dimensions.find((p) => p.id === d.id)?.withheld ?? false),
                },
              ]
            : []),
        ],
        axisLabel: texts.chartAxis,
        lang: language,
        noDataLabel: texts.noData,
        withheldLabel: texts.chartWithheld,
      }),
    );
  }
  const trend = await trendPicture(input.trend.points, input.trend.rounds, round.questionnaire, language);
  if (trend) pictures.push(trend);
  return Promise.all(pictures.map(async (picture) => ({ ...picture, png: await renderPicture(picture) })));
}

function writeDistributions(sheet: ExcelJS.Worksheet, input: WorkbookInput, t: WorkbookTexts): void {
  const { figures, round } = input.report;
  const { language } = input;
  addRow(sheet, [t.question, '', t.option, t.count, t.share]);
  const all = [...figures.scaleDistributions, ...figures.distributions];
  for (const question of round.questionnaire.questions) {
    const d: Distribution | undefined = all.find((x) => x.questionId === question.id);
    if (!d) continue;
    const text = question.text[language];
    const label = (value: string) => optionsOf(question).find((o) => o.value === value)?.label[language] ?? value;
    if (d.withheld) addRow(sheet, [question.id, text, t.withheld, null, null]);
    for (const o of d.options) addRow(sheet, [question.id, text, label(o.value), o.count, percent(o.share)]);
    if (d.withheldCount > 0) addRow(sheet, [question.id, text, t.foldedOptions, d.type === 'multi' ? null : d.withheldCount, null]);
  }
}

/** Where residents gave up: per question reached, answered, stopped here, median seconds. */
function writeFunnel(sheet: ExcelJS.Worksheet, funnel: Funnel, input: WorkbookInput, t: WorkbookTexts): void {
  const { questionnaire } = input.report.round;
  addRow(sheet, [t.started, funnel.started]);
  addRow(sheet, [t.completed, funnel.completed]);
  addRow(sheet, [t.funnelAtSummary, funnel.stoppedAtSummary]);
  addRow(sheet, []);
  addRow(sheet, [t.question, '', t.reached, t.answered, t.stoppedHere, t.medianSeconds]);
  for (const step of funnel.steps) {
    const text = questionnaire.questions.find((q) => q.id === step.questionId)?.text[input.language] ?? step.questionId;
    const seconds = step.medianMs === null ? null : Math.round(step.medianMs / 100) / 10;
    addRow(sheet, [step.questionId, text, step.reached, step.answered, step.stopped, seconds]);
  }
}

const verdictMark = (verdict: ChangeVerdict): string | null =>
  verdict === 'up' ? '▲' : verdict === 'down' ? '▼' : verdict === 'within-noise' ? '≈' : null;

/** Every response as the CSV has it, each answer a string cell; pages apart, with turns between. */
async function writeResponses(db: Db, sheet: ExcelJS.Worksheet, input: WorkbookInput, t: WorkbookTexts): Promise<number> {
  const { round } = input.report;
  const questionHeaders = round.questionnaire.questions.map((q) => `${q.id} ${q.text[input.language]}`.slice(0, 80));
  sheet.columns = [...LEADING_COLUMNS.map(() => ({ width: 20 })), ...questionHeaders.map(() => ({ width: 24 }))];
  addRow(sheet, [...LEADING_COLUMNS.map((c) => t.columns[c]), ...questionHeaders]);
  let count = 0;
  for (const cells of exportRows(db, round, input.exportSecret)) {
    sheet.addRow(cells).commit();
    if (++count % PAGE === 0) await compressed(sheet);
  }
  return count;
}

/**
 * Gives the event loop a turn and, when the zip is behind with this sheet,
 * waits for it: exceljs writes rows on without back-pressure, so on a large
 * round the uncompressed sheet would otherwise pile up in memory. (Its sheet
 * stream hands data to the zip through `pipes`, an exceljs internal.)
 */
async function compressed(sheet: ExcelJS.Worksheet): Promise<void> {
  await nextTurn();
  const pipe = (sheet as unknown as { stream?: { pipes?: (EventEmitter & { _writableState?: { needDrain?: boolean } })[] } }).stream?.pipes?.[0];
  if (pipe?._writableState?.needDrain) await once(pipe, 'drain');
}
