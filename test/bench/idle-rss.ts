import { join } from 'node:path';
import { startFakeBotApi } from '../helpers/fake-bot-api-server.js';
import { FakeTelegram } from '../helpers/fake-telegram.js';
import { scratchDir, spawnBot } from './processes.js';

/*
 * Idle memory after start: manyi as `npm start` runs it (compiled, dist/main.js)
 * and as `npm run dev` runs it (the tsx loader on src/main.ts), the same
 * minute, each polling a fake Bot API server with nothing to do, RSS read
 * from /proc once start-up has settled.
 */

export interface IdleRssResult {
  compiledMb: number;
  tsxMb: number;
  settleSeconds: number;
}

async function idleRssMb(entry: string, settleSeconds: number): Promise<number> {
  const telegram = new FakeTelegram();
  const server = await startFakeBotApi(telegram);
  const dir = scratchDir('manyi-bench-idle-');
  const bot = spawnBot(entry, {
    env: { BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: server.apiRoot, LOG_LEVEL: 'info', DATABASE_PATH: join(dir, 'data', 'manyi.sqlite') },
  });
  try {
    await bot.waitForOutput('polling for updates', 60_000);
    await new Promise((resolve) => setTimeout(resolve, settleSeconds * 1000));
    const memory = bot.memory();
    if (!memory) throw new Error(`${entry} exited while idle:\n${bot.output()}`);
    return Math.round(memory.rssKb / 1024);
  } finally {
    await bot.stop(3_000);
    await server.close();
  }
}

export async function measureIdleRss(settleSeconds = 10): Promise<IdleRssResult> {
  const compiledMb = await idleRssMb('dist/main.js', settleSeconds);
  const tsxMb = await idleRssMb('src/main.ts', settleSeconds);
  return { compiledMb, tsxMb, settleSeconds };
}
