import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { closeDueRound } from '../../src/bot/outbound/round-closing.js';
import { contacts, responses } from '../../src/db/schema.js';
import { respondentKey } from '../../src/privacy/pseudonym.js';
import { createTestBot, type TestBot, TEST_PSEUDONYM_SECRET } from '../helpers/bot-harness.js';
import { createFiguresThread } from '../../src/off-thread/figures-thread.js';

/** Keys of the round's responses that an HMAC of some contact's chat id still matches. */
function linkable(t: TestBot, roundId: number): string[] {
  const secret = TEST_PSEUDONYM_SECRET;
  const keys = new Set(t.db.select({ chatId: contacts.chatId }).from(contacts).all().map((c) => respondentKey(secret, c.chatId)));
  return t.db
    .select({ key: responses.respondentKey, round: responses.roundId })
    .from(responses)
    .all()
    .filter((r) => r.round === roundId && keys.has(r.key))
    .map((r) => r.key);
}

async function residentsIn(t: TestBot, ids: number[]) {
  for (const id of ids) {
    const resident = t.resident(id, 'en');
    await resident.send('/start');
    await resident.press('Member');
  }
}

describe('closing a round unlinks its answers from the chats', () => {
  it('by command: every key random, no update id, no live prompt naming a response; the next round starts afresh', async () => {
    const t = createTestBot();
    await t.openRound();
    await residentsIn(t, [3801, 3802, 3803]);
    expect(linkable(t, 1)).toHaveLength(3);
    const before = t.db.select().from(responses).all();

    await t.admin.send('/close_round');
    expect(linkable(t, 1)).toEqual([]);
    const after = t.db.select().from(responses).all();
    expect(after.map((r) => r.respondentKey)).not.toContain(before[0]!.respondentKey);
    expect(after.every((r) => /^[0-9a-f]{64}$/.test(r.respondentKey) && r.lastUpdateId === 0)).toBe(true);
    expect(new Set(after.map((r) => r.respondentKey)).size).toBe(3);
    // Answers stay for the figures.
    expect(after.map((r) => r.status)).toEqual(before.map((r) => r.status));
    const shows = t.db.select({ shows: contacts.promptShows }).from(contacts).all().map((c) => c.shows);
    expect(shows.filter((s) => s !== null && /^\d/.test(s))).toEqual([]);
    // Contacts keep days, not instants: nothing to match a response's start time against.
    for (const contact of t.db.select().from(contacts).all()) expect(contact.lastSeenAt.getTime() % 86_400_000).toBe(0);

    // In the next round the same resident starts again.
    await t.openRound('Second');
    const resident = t.resident(3801, 'en');
    await resident.send('/start');
    expect(resident.lastText()).toMatch(/^1 \/ 5/);
    expect(linkable(t, 2)).toHaveLength(1);
  });

  it('at its deadline too', async () => {
    const t = createTestBot();
    const until = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    await t.admin.send(`/open_round Deadline --until ${until}`);
    await residentsIn(t, [3811, 3812]);
    const logger = pino({ level: 'silent' });
    const deps = { api: t.bot.api, db: t.db, config: t.config, logger, figures: createFiguresThread({ db: t.db, logger }) };
    expect(await closeDueRound(deps, new Date())).toBeNull();
    expect(linkable(t, 1)).toHaveLength(2);
    expect(await closeDueRound(deps, new Date(Date.now() + 4 * 86_400_000))).not.toBeNull();
    expect(linkable(t, 1)).toEqual([]);
  });

  it('also takes off a live prompt that an update in flight as the round closed recorded afterwards', async () => {
    const t = createTestBot();
    await t.openRound();
    await residentsIn(t, [3821]);
    const [response] = t.db.select({ id: responses.id }).from(responses).all();
    await t.admin.send('/close_round');
    t.db.$client.prepare("UPDATE contacts SET prompt_shows = ? WHERE chat_id = 3821").run(`${response!.id}:satisfaction:en`);
    const logger = pino({ level: 'silent' });
    const deps = { api: t.bot.api, db: t.db, config: t.config, logger, figures: createFiguresThread({ db: t.db, logger }) };
    await closeDueRound(deps, new Date());
    expect(t.db.$client.prepare('SELECT prompt_shows FROM contacts WHERE chat_id = 3821').pluck().get()).toBe('closed');
  });
});
