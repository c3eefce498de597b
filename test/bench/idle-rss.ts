import { join } from 'node:path';
import { startFakeBotApi } from '../helpers/fake-bot-api-server.js';
import { FakeTelegram } from '../helpers/fake-telegram.js';
import { scratchDir, spawnBot } from './processes.js';

/*
 * Idle memory after start: manyi as `npm start` runs it (compiled, dist/main.js)
 * and as `npm run dev` runs it (the tsx loader on src/main.ts), the same
 * minute, each polling a fake Bot API server with nothing to do, RSS read
 * from /proc 10 s after it started polling and again once idle (30 s). Start-up
 * grows V8's young generation to its full 32 MB, and V8's memory reducer gives
 * it back some 10 to 20 s later, when it sees the process idle: the 10 s
 * figure catches it before or after, the 30 s figure is what an idle bot holds.
 */

export interface IdleRssResult {
  /** Once idle (`settleSeconds` after polling started). */
  compiledMb: number;
  tsxMb: number;
  settleSeconds: number;
  /** 10 s after polling started. */
  compiledAt10sMb: number;
  tsxAt10sMb: number;
}

const EARLY_SECONDS = 10;

async function idleRssMb(entry: string, settleSeconds: number): Promise<{ early: number; settled: number }> {
  const telegram = new FakeTelegram();
  const server = await startFakeBotApi(telegram);
  const dir = scratchDir('manyi-bench-idle-');
  const bot = spawnBot(entry, {
    env: { BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: server.apiRoot, LOG_LEVEL: 'info', DATABASE_PATH: join(dir, 'data', 'manyi.sqlite') },
  });
  try {
    await bot.waitForOutput('polling for updates', 60_000);
    const rssMb = () => {
      const memory = bot.memory();
      if (!memory) throw new Error(`${entry} exited while idle:\n${bot.output()}`);
      return Math.round(memory.rssKb / 1024);
    };
    await new Promise((resolve) => setTimeout(resolve, EARLY_SECONDS * 1000));
    const early = rssMb();
    await new Promise((resolve) => setTimeout(resolve, (settleSeconds - EARLY_SECONDS) * 1000));
    return { early, settled: rssMb() };
  } finally {
    await bot.stop(3_000);
    await server.close();
  }
}

export async function measureIdleRss(settleSeconds = 30): Promise<IdleRssResult> {
  const compiled = await idleRssMb('dist/main.js', settleSeconds);
  const tsx = await idleRssMb('src/main.ts', settleSeconds);
  return { compiledMb: compiled.settled, tsxMb: tsx.settled, settleSeconds, compiledAt10sMb: compiled.early, tsxAt10sMb: tsx.early };
}
