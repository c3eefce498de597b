import { describe, expect, it } from 'vitest';
import { startBotProcess, temporaryDatabasePath } from '../helpers/bot-process.js';
import { startFakeBotApi } from '../helpers/fake-bot-api-server.js';
import { FakeTelegram, type ApiCall } from '../helpers/fake-telegram.js';

const ADMIN = 5001;

/**
 * The most calls that reached the fake server within any window of `windowMs`.
 * Arrival times jitter when the machine is busy (a stalled event loop lets a
 * few calls land together), so the overall window is four seconds wide:
 * without the limits, hundreds of calls would land in one.
 */
function peakIn(calls: readonly ApiCall[], windowMs: number): number {
  const times = calls.map((call) => call.at).sort((a, b) => a - b);
  let peak = 0;
  for (let start = 0, end = 0; end < times.length; end++) {
    while (times[end]! - times[start]! >= windowMs) start++;
    peak = Math.max(peak, end - start + 1);
  }
  return peak;
}

describe('outgoing rate limits', () => {
  it('keeps a burst under 30 calls a second overall, and a private chat to a short burst', async () => {
    const telegram = new FakeTelegram();
    const server = await startFakeBotApi(telegram);
    telegram.user(ADMIN, { language_code: 'en' });
    const bot = await startBotProcess({
      BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: server.apiRoot,
      DATABASE_PATH: temporaryDatabasePath(),
      ADMIN_CHAT_IDS: String(ADMIN),
      TELEGRAM_RATE_LIMITS: 'on',
    }, { server });
    try {
      await telegram.user(ADMIN).send('/open_round Burst');
      const since = telegram.calls.length;
      // Sixty residents start at once, then each answers one question at once.
      const residents = Array.from({ length: 60 }, (_, i) => telegram.user(7000 + i, { language_code: 'en' }));
      await Promise.all(residents.map((r) => r.send('/start')));
      await Promise.all(residents.map((r) => r.press('Party cadre')));
      const calls = telegram.calls.slice(since).filter((c) => 'chat_id' in c.params);
      expect(calls.length).toBeGreaterThanOrEqual(60 * 3);
      // 30 a second evenly spaced: at most 120 in four seconds, give or take arrival jitter.
      expect(peakIn(calls, 4000)).toBeLessThanOrEqual(123);
      for (const resident of residents) {
        const own = calls.filter((c) => Number(c.params['chat_id']) === resident.chatId);
        // A burst of five, then one a second.
        expect(peakIn(own, 2000)).toBeLessThanOrEqual(8);
      }
      expect(residents.every((r) => /^✓ 1\/16 Party cadre\n\n2 \/ 16\n/.test(r.lastText() ?? ''))).toBe(true);
    } finally {
      await bot.stop();
      await server.close();
    }
  }, 60_000);
});
