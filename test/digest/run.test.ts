import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { digestDeliveries } from '../../src/db/schema.js';
import { createDigestRunner, type DigestDeps } from '../../src/digest/run.js';
import { ADMIN_GROUP_ID, ADMIN_ID, createTestBot, type TestBot } from '../helpers/bot-harness.js';
import { answerUntilSummary } from '../helpers/survey-driver.js';
import { defaultQuestionnaireYaml } from '../helpers/questionnaires.js';

// Monday 2026-11-23 09:00 in Asia/Shanghai, the default schedule.
const MONDAY_RUN = new Date('2026-11-23T01:00:00Z');
const HOUR = 3_600_000;

function setUp(start: Date) {
  let now = start;
  const t = createTestBot({ questionnaire: defaultQuestionnaireYaml(), now: () => now });
  const deps = (): DigestDeps => ({ api: t.bot.api, db: t.db, config: t.config, logger: pino({ level: 'silent' }), clock: () => now });
  return { t, deps, setNow: (date: Date) => (now = date) };
}

/** Five residents complete the questionnaire, so figures are shown. */
async function fiveResponses(t: TestBot) {
  for (let id = 3001; id <= 3005; id++) {
    const resident = t.resident(id, 'en');
    await resident.send('/start');
    // Never "Don't know" (the sixth scale option), so every scale question has five scores.
    await answerUntilSummary(resident, 'en', (options, step) => options[(id + step) % Math.min(5, options.length)]!);
    await resident.press('✅ Submit');
  }
}

const photos = (t: TestBot, chatId: number) => t.telegram.messages(chatId).filter((m) => m.kind === 'photo');
const digests = (t: TestBot, chatId: number) =>
  t.telegram.messages(chatId).filter((m) => m.from === 'bot' && m.text.startsWith('📊'));

describe('scheduled digests', () => {
  it('sends a run once to each admin chat: picture and message', async () => {
    const { t, deps } = setUp(new Date(MONDAY_RUN.getTime() - 2 * HOUR));
    await t.openRound('Autumn');
    await fiveResponses(t);
    const runner = createDigestRunner(deps());
    expect(await runner.runScheduled(MONDAY_RUN)).toEqual({ sent: [ADMIN_ID, ADMIN_GROUP_ID], alreadySent: [], unreachable: [] });
    expect(await runner.runScheduled(MONDAY_RUN)).toEqual({ sent: [], alreadySent: [ADMIN_ID, ADMIN_GROUP_ID], unreachable: [] });
    for (const chat of [ADMIN_ID, ADMIN_GROUP_ID]) {
      expect(photos(t, chat)).toHaveLength(1);
      expect(digests(t, chat)).toHaveLength(1);
    }
    const text = digests(t, ADMIN_ID)[0]!.text;
    expect(text).toContain('2026-11-16 09:00 至 2026-11-23 09:00');
    expect(text).toContain('本週新增：完成 5 份，開始作答 5 份；累計完成 5 份');
    expect(text).toMatch(/組織工作滿意度　\d+\.\d ±\d+\.\d \(n = \d+\) 新/);
  });

  it('sends nothing twice after a restart, and nothing for a run already delivered', async () => {
    const { t, deps } = setUp(MONDAY_RUN);
    await t.openRound('Autumn');
    await createDigestRunner(deps()).runScheduled(MONDAY_RUN);
    // A new process: a new runner on the same database, catching up at start-up.
    expect(await createDigestRunner(deps()).catchUp()).toBeNull();
    expect(digests(t, ADMIN_ID)).toHaveLength(1);
  });

  it('records picture and text apart: a run cut between them sends only the text afterwards', async () => {
    const { t, deps, setNow } = setUp(new Date(MONDAY_RUN.getTime() - 2 * HOUR));
    await createDigestRunner(deps()).catchUp(); // the first start, before the run
    await t.openRound('Autumn');
    await fiveResponses(t);
    // The first admin chat's picture goes out, then its text is refused (as if the process died in between).
    t.telegram.failNext('sendMessage', { error_code: 400, description: 'Bad Request: simulated cut' });
    const first = await createDigestRunner(deps()).runScheduled(MONDAY_RUN);
    expect(first.unreachable).toEqual([ADMIN_ID]);
    expect(photos(t, ADMIN_ID)).toHaveLength(1);
    expect(digests(t, ADMIN_ID)).toHaveLength(0);
    // The next start catches the run up: only the text is missing, and only it goes out.
    setNow(new Date(MONDAY_RUN.getTime() + HOUR));
    const again = await createDigestRunner(deps()).catchUp();
    expect(again?.sent).toEqual([ADMIN_ID]);
    for (const chat of [ADMIN_ID, ADMIN_GROUP_ID]) {
      expect(photos(t, chat)).toHaveLength(1);
      expect(digests(t, chat)).toHaveLength(1);
    }
    const parts = t.db.select().from(digestDeliveries).all().map((d) => `${d.chatId}:${d.part}`).sort();
    expect(parts).toEqual([`${ADMIN_GROUP_ID}:chart`, `${ADMIN_GROUP_ID}:text`, `${ADMIN_ID}:chart`, `${ADMIN_ID}:text`].sort());
  });

  it('sends a run missed while the bot was down once, late, saying so', async () => {
    const { t, deps, setNow } = setUp(new Date(MONDAY_RUN.getTime() - 24 * HOUR));
    await t.openRound('Autumn');
    await createDigestRunner(deps()).catchUp(); // first start, Sunday: nothing due yet
    setNow(new Date(MONDAY_RUN.getTime() + 30 * HOUR)); // back on Tuesday afternoon
    const report = await createDigestRunner(deps()).catchUp();
    expect(report?.sent).toEqual([ADMIN_ID, ADMIN_GROUP_ID]);
    expect(digests(t, ADMIN_ID)[0]?.text).toContain('（原定 2026-11-23 09:00 發送，因服務中斷延後送出）');
    expect(await createDigestRunner(deps()).catchUp()).toBeNull();
    expect(t.db.select().from(digestDeliveries).all().map((d) => d.runKey)).toEqual([
      '2026-11-23T01:00:00.000Z',
      '2026-11-23T01:00:00.000Z',
    ]);
  });

  it('sends none for a run more than seven days old, nor for runs before the first start', async () => {
    const { t, deps, setNow } = setUp(new Date(MONDAY_RUN.getTime() + HOUR));
    await t.openRound('Autumn');
    // First start just after Monday's run: that run was never this bot's to send.
    expect(await createDigestRunner(deps()).catchUp()).toBeNull();
    // Down for nine days: Monday's run is more than seven days old, and the next one is not due yet.
    setNow(new Date(MONDAY_RUN.getTime() + 9 * 24 * HOUR));
    const report = await createDigestRunner(deps()).catchUp();
    expect(report?.sent).toEqual([ADMIN_ID, ADMIN_GROUP_ID]);
    expect(t.db.select().from(digestDeliveries).all().map((d) => d.runKey)).toEqual([
      '2026-11-30T01:00:00.000Z',
      '2026-11-30T01:00:00.000Z',
    ]);
  });

  it('skips an admin chat that cannot be reached and still serves the others', async () => {
    const { t, deps } = setUp(MONDAY_RUN);
    t.telegram.block(ADMIN_ID);
    const report = await createDigestRunner(deps()).runScheduled(MONDAY_RUN);
    expect(report).toEqual({ sent: [ADMIN_GROUP_ID], alreadySent: [], unreachable: [ADMIN_ID] });
    expect(digests(t, ADMIN_GROUP_ID)[0]?.text).toMatch(/本週沒有進行中的調查。$/);
    // The blocked chat is tried again on the next start-up, not marked as delivered.
    t.telegram.unblock(ADMIN_ID);
    expect((await createDigestRunner(deps()).catchUp())?.sent).toEqual([ADMIN_ID]);
  });

  it('sends /digest at once to the chat that asks, in its language', async () => {
    const { t, setNow } = setUp(MONDAY_RUN);
    await t.openRound('Autumn');
    await fiveResponses(t);
    setNow(new Date(MONDAY_RUN.getTime() + HOUR));
    await t.admin.send('/language');
    await t.admin.press('✓ English');
    await t.admin.send('/digest');
    expect(t.admin.lastText()).toMatch(/^📊 Weekly satisfaction digest\n2026-11-16 10:00 to 2026-11-23 10:00\nRound: #1 Autumn/);
    expect(photos(t, ADMIN_ID)).toHaveLength(1);
    expect(t.telegram.messages(ADMIN_GROUP_ID).filter((m) => m.from === 'bot')).toEqual([]);
  });
});
