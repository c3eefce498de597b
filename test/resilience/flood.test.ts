import { afterAll, describe, expect, it } from 'vitest';
import { percentile, runFloodScenario, type FloodRun } from '../helpers/scenarios.js';

/*
 * One resident floods the bot (80 texts and stickers in a burst) while six
 * others answer the default questionnaire, against the real process as
 * `npm start` runs it, outgoing rate limits on (as shipped). What the others
 * feel is measured: the time from their press to their next question. The
 * flooder gets a few hints, one "please slow down" and then silence; its
 * queued junk is dropped; its answers still count.
 */

let run: FloodRun | undefined;

afterAll(async () => {
  await run?.close();
});

describe('one resident floods the bot', () => {
  it('the others are not held up, the flooder is slowed down once, and its answers still count', async () => {
    run = await runFloodScenario({ residents: 6, burst: 80, questions: 6 });
    const { latencies } = run;
    console.log(
      `flood.test: others' press → next question: p50 ${Math.round(percentile(latencies, 50))} ms, ` +
        `p95 ${Math.round(percentile(latencies, 95))} ms, max ${Math.round(Math.max(...latencies))} ms over ${latencies.length} presses; ` +
        `flooder got ${JSON.stringify(run.toFlooder)}, ${run.dropped} junk dropped`,
    );
    expect(latencies).toHaveLength(36);
    expect(percentile(latencies, 95)).toBeLessThanOrEqual(2_000);
    // Nobody waited as long as a person does before pressing again.
    expect(Math.max(...latencies)).toBeLessThan(10_000);
    expect(run.toFlooder.slowDowns).toBe(1);
    expect(run.toFlooder.hints).toBeLessThanOrEqual(5);
    expect(run.toFlooder.messages).toBeLessThanOrEqual(6);
    expect(run.dropped).toBeGreaterThan(0);
    // Still in its flood window, the flooder's answer is taken and its next question comes.
    expect(run.flooderAnswered).toBe(true);
  }, 120_000);
});
