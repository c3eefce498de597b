import { HttpError, type Api } from 'grammy';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { announceRound } from '../../../src/bot/outbound/announce-round.js';
import { findOpenRound } from '../../../src/db/rounds.js';
import { contacts } from '../../../src/db/schema.js';
import { findContact } from '../../../src/db/contacts.js';
import { createTestBot } from '../../helpers/bot-harness.js';

const announcements = (t: ReturnType<typeof createTestBot>, chatId: number) =>
  t.telegram.messages(chatId).filter((m) => m.from === 'bot' && m.text.startsWith('📣'));

describe('announcing a round', () => {
  it('tells everyone who came while no round was open, in their language, once', async () => {
    const t = createTestBot();
    const [hant, hans, english, blocked] = [
      t.resident(4001, 'zh-hant'),
      t.resident(4002, 'zh-hans'),
      t.resident(4003, 'en'),
      t.resident(4004, 'en'),
    ];
    for (const r of [hant, hans, english, blocked]) await r.send('/start');
    expect(english.lastText()).toMatch(/We will let you know when the next one opens\.$/);
    t.telegram.block(blocked.chatId);

    await t.openRound('Winter');
    await t.settled();
    expect(announcements(t, hant.chatId).map((m) => m.text)).toEqual([
      '📣 新一輪問卷調查開始了：小問卷\n共 5 題，約 2 分鐘，回答匿名。傳送 /start 參加。',
    ]);
    expect(announcements(t, hans.chatId)[0]?.text).toMatch(/^📣 新一轮问卷调查开始了：小问卷/);
    expect(announcements(t, english.chatId)[0]?.text).toBe(
      '📣 A new survey is open: Small survey\n5 questions, about 2 minutes, anonymous. Send /start to take part.',
    );
    expect(announcements(t, blocked.chatId)).toEqual([]);
    // The blocked chat is off the list; it comes back when it writes again.
    expect(t.db.select({ id: contacts.chatId, out: contacts.optedOut }).from(contacts).all()).toContainEqual({ id: 4004, out: true });

    // Running it again (a restart) tells nobody twice.
    const deps = { api: t.bot.api, db: t.db, config: t.config, logger: pino({ level: 'silent' }) };
    expect(await announceRound(deps, findOpenRound(t.db)!)).toEqual({ sent: 0, unreachable: 0 });
    expect(announcements(t, hant.chatId)).toHaveLength(1);
  });

  it('leaves out residents who already came to the round', async () => {
    const t = createTestBot();
    const early = t.resident(4101, 'en');
    await early.send('/start');
    await t.openRound('Spring');
    await t.settled();
    const late = t.resident(4102, 'en');
    await late.send('/start');
    await t.admin.send('/close_round');
    await t.openRound('Summer');
    await t.settled();
    expect(announcements(t, early.chatId)).toHaveLength(2);
    expect(announcements(t, late.chatId)).toHaveLength(1);
  });
  it('a send the network drops is taken back: the next start tells that contact, and nobody twice', async () => {
    const t = createTestBot();
    await t.openRound('Autumn');
    await t.settled();
    // Residents who talked to the bot before, as the contacts table holds them.
    const ids = [4201, 4202, 4203];
    for (const id of ids) {
      t.telegram.user(id, { language_code: 'en' });
      t.telegram.addChat(id);
      t.db.insert(contacts).values({ chatId: id, lastLanguage: 'en', firstSeenAt: new Date(), lastSeenAt: new Date() }).run();
    }
    // The second send fails on the way: the announcement pauses there.
    const api = Object.create(t.bot.api) as Api;
    let sends = 0;
    api.sendMessage = (async (...args: Parameters<Api['sendMessage']>) => {
      if (++sends === 2) throw new HttpError("Network request for 'sendMessage' failed!", new Error('reset'));
      return t.bot.api.sendMessage(...args);
    }) as Api['sendMessage'];
    const deps = { api, db: t.db, config: t.config, logger: pino({ level: 'silent' }) };
    const round = findOpenRound(t.db)!;
    expect(await announceRound(deps, round)).toEqual({ sent: 1, unreachable: 0 });
    expect(findContact(t.db, 4202)?.announcedRoundId).toBeNull();

    // The next start.
    expect(await announceRound(deps, round)).toEqual({ sent: 2, unreachable: 0 });
    expect(ids.map((id) => announcements(t, id).length)).toEqual([1, 1, 1]);
  });
});
