import { percentile, runReportScenario } from '../helpers/scenarios.js';

/*
 * Residents' press → next question while an admin's /report of a large round
 * is built, against the same residents just before it (manyi as shipped, rate
 * limits on; test/helpers/scenarios.ts runs it).
 */

export interface ReportResidentsResult {
  responses: number;
  residents: number;
  withoutMs: { p50: number; p95: number; presses: number };
  duringMs: { p50: number; p95: number; presses: number };
  /** during / without, p95 */
  p95Ratio: number | null;
  reportMs: number;
}

const summary = (values: readonly number[]) => ({
  p50: Math.round(percentile(values, 50)),
  p95: Math.round(percentile(values, 95)),
  presses: values.length,
});

export async function measureResidentsDuringReport(responses: number, residents = 8): Promise<ReportResidentsResult> {
  const run = await runReportScenario({ responses, residents, thinkMs: 1_500 });
  try {
    const withoutMs = summary(run.without);
    const duringMs = summary(run.during);
    return {
      responses,
      residents,
      withoutMs,
      duringMs,
      p95Ratio: withoutMs.p95 > 0 ? Math.round((duringMs.p95 / withoutMs.p95) * 100) / 100 : null,
      reportMs: Math.round(run.reportMs),
    };
  } finally {
    await run.close();
  }
}
