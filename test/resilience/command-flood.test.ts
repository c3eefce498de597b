import { afterEach, describe, expect, it } from 'vitest';
import { MAX_QUEUED_PER_CHAT } from '../../src/transport/receive/inbox.js';
import { percentile, runCommandFloodScenario, type CommandFloodRun } from '../helpers/scenarios.js';

/*
 * One chat sends 300 commands in a burst (/start, /help, /language,
 * /notify on in turn, as a stuck client does) while six residents answer,
 * against the real process, rate limits on (as shipped), by long polling
 * and by webhook. Its repeated commands are queued once and beyond
 * MAX_QUEUED_PER_CHAT its oldest are dropped, so it gets a handful of
 * replies rather than 300 at Telegram's pace of one a second, its own next
 * answer does not wait behind them, and nobody else waits for it.
 */

let run: CommandFloodRun | undefined;

afterEach(async () => {
  await run?.close();
  run = undefined;
});

describe('one chat sends 300 commands in a burst', () => {
  for (const webhook of [false, true]) {
    it(`${webhook ? 'by webhook' : 'by long polling'}: at most 30 replies, its next answer comes at once, the others are not held up`, async () => {
      run = await runCommandFloodScenario({ residents: 6, burst: 300, questions: 6, webhook });
      const { latencies } = run;
      console.log(
        `command-flood.test (${webhook ? 'webhook' : 'polling'}): others' press → next question p50 ${Math.round(percentile(latencies, 50))} ms, ` +
          `p95 ${Math.round(percentile(latencies, 95))} ms; flooder got ${run.repliesToFlooder} replies, its answer took ${Math.round(run.flooderAnswerMs)} ms`,
      );
      expect(MAX_QUEUED_PER_CHAT).toBeLessThanOrEqual(30);
      expect(run.repliesToFlooder).toBeLessThanOrEqual(30);
      expect(latencies).toHaveLength(36);
      expect(percentile(latencies, 95)).toBeLessThanOrEqual(2_000);
      // Nobody waited as long as a person does before pressing again.
      expect(Math.max(...latencies)).toBeLessThan(10_000);
      expect(run.flooderAnswerMs).toBeLessThanOrEqual(10_000);
    }, 120_000);
  }
});
