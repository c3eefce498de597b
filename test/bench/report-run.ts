import { statSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { closeDatabase, openDatabase } from '../../src/db/client.js';
import { sourceCounts } from '../../src/db/responses.js';
import { findRound } from '../../src/db/rounds.js';
import { writeRoundWorkbook } from '../../src/export/xlsx.js';
import pino from 'pino';
import { createFiguresThread } from '../../src/off-thread/figures-thread.js';
import { gatherRoundReport } from '../../src/reports/round-report.js';
import { gatherTrend } from '../../src/reports/trend-chart.js';

/*
 * node --import tsx test/bench/report-run.ts <database> <round id> <out.xlsx> [worker]
 *
 * Builds the /report file of a round (gather the figures, groups and trend,
 * write the workbook) in a process of its own, so its peak memory is the
 * report's, and prints one JSON line: the time of each step, peak RSS, the
 * longest the event loop was held (what residents would wait) and the file's
 * size. With `worker`, as the bot does: in the figures worker thread, the
 * main thread only waiting (the steps are not timed apart then).
 */

const [path, roundArgument, out, mode] = process.argv.slice(2);
if (!path || !roundArgument || !out) throw new Error('usage: report-run.ts <database> <round id> <out.xlsx> [worker]');

const db = openDatabase(path);
const round = findRound(db, Number(roundArgument));
if (!round) throw new Error(`no round ${roundArgument}`);
const rssBeforeMb = process.memoryUsage().rss / 2 ** 20;
const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();
const started = performance.now();
let gatheredMs: number | null = null;
let responses: number;
if (mode === 'worker') {
  const figures = createFiguresThread({ db, logger: pino({ level: 'silent' }) });
  responses = await figures.run('reportWorkbook', {
    roundId: round.id,
    leaveOutFlagged: true,
    now: round.closedAt ?? new Date(),
    language: 'zh-Hant',
    timeZone: 'Asia/Shanghai',
    exportSecret: 'bench',
    path: out,
  });
  await figures.close();
} else {
  const report = await gatherRoundReport(db, round, true);
  const trend = await gatherTrend(db, round, round.closedAt ?? new Date(), true);
  gatheredMs = performance.now() - started;
  responses = await writeRoundWorkbook(
    db,
    { report, trend, sources: sourceCounts(db, round.id), language: 'zh-Hant', timeZone: 'Asia/Shanghai', exportSecret: 'bench' },
    out,
  );
}
const totalMs = performance.now() - started;
loop.disable();
closeDatabase(db);
console.log(
  JSON.stringify({
    responses,
    gatherMs: gatheredMs === null ? null : Math.round(gatheredMs),
    writeMs: gatheredMs === null ? null : Math.round(totalMs - gatheredMs),
    totalMs: Math.round(totalMs),
    rssBeforeMb: Math.round(rssBeforeMb),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    longestStallMs: Math.round(loop.max / 1e6),
    fileMb: Math.round((statSync(out).size / 2 ** 20) * 10) / 10,
  }),
);
