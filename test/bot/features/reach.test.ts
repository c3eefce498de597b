import { describe, expect, it } from 'vitest';
import { parsePosterArguments } from '../../../src/bot/features/reach.js';
import type { FakeUser } from '../../helpers/fake-telegram.js';
import { createTestBot, type TestBot } from '../../helpers/bot-harness.js';
import { decodeQrPng } from '../../helpers/qr-decode.js';

async function complete(t: TestBot, id: number, start: string, satisfied = 'Satisfied'): Promise<FakeUser> {
  const resident = t.resident(id, 'en');
  await resident.send(start);
  for (const label of ['Member', satisfied, 'Online', 'Done ✔']) await resident.press(label);
  await resident.send('fine');
  await resident.press('✅ Submit');
  return resident;
}

describe('/poster', () => {
  it('reads the tag and the headline from the arguments', () => {
    expect(parsePosterArguments('')).toEqual({ tag: 'poster', headline: '' });
    expect(parsePosterArguments('  east_gate   Have   your\nsay ')).toEqual({ tag: 'east_gate', headline: 'Have your say' });
  });

  it('sends an A4 PNG document whose QR code opens the bot with the tag, also before a round opens', async () => {
    const t = createTestBot();
    await t.admin.send('/poster');
    const document = t.admin.lastBotMessage()!;
    expect(document.kind).toBe('document');
    expect(document.document?.filename).toBe('manyi-poster-poster.png');
    expect(document.caption).toBe('Your poster: print it on A4 at actual size. The QR code opens https://t.me/manyi_test_bot?start=poster');
    expect(decodeQrPng(document.document!.data!, 2)).toBe('https://t.me/manyi_test_bot?start=poster');
  }, 30_000);

  it.each(['東門', 'a'.repeat(65), 'east.gate', 'x/y'])('explains in one line what a tag may be, not %j', async (tag) => {
    const t = createTestBot();
    await t.admin.send(`/poster ${tag} headline`);
    expect(t.admin.lastText()).toBe('A tag is 1–64 letters A–Z or a–z, digits, _ or -, for example: /poster east_gate Have your say');
  });

  it('is refused outside admin chats without a word about what it does', async () => {
    const t = createTestBot();
    const resident = t.resident(3700, 'en');
    await resident.send('/poster east');
    expect(resident.lastText()).toBe('This command is not available here.');
  });
});

describe('/sources', () => {
  it('counts residents per tag and "direct", with an index only where five completed', async () => {
    const t = createTestBot();
    await t.openRound();
    for (let i = 0; i < 5; i++) await complete(t, 3710 + i, '/start east_gate', i === 0 ? 'Very satisfied' : 'Satisfied');
    await complete(t, 3720, '/start north-lane');
    const partial = t.resident(3721, 'en');
    await partial.send('/start north-lane');
    await complete(t, 3722, '/start');
    // A tag Telegram would not pass on is no tag.
    await complete(t, 3723, '/start <b>');

    await t.admin.send('/sources');
    // 100, 80, 80, 80, 80: mean 84, SD √80, margin t(4) · √(80 / 5) = 2.776 · 4 = 11.1.
    expect(t.admin.lastText()).toBe(
      [
        'Round 1 “Test round”: respondents per source',
        'east_gate: 5 completed / 5 started, index 84.0 ±11.1 (n = 5)',
        'direct: 2 completed / 2 started',
        'north-lane: 1 completed / 2 started',
        '',
        'A source is the tag of a poster or link (t.me/…?start=tag). The satisfaction index is shown for sources with at least 5 completed responses.',
      ].join('\n'),
    );
    await t.admin.send('/status');
    expect(t.admin.lastText()).toMatch(
      /\n\nWhere respondents came from\neast_gate: 5 completed \/ 5 started\ndirect: 2 completed \/ 2 started\nnorth-lane: 1 completed \/ 2 started$/,
    );
  });

  it('takes a round id, and explains a wrong one in one line', async () => {
    const t = createTestBot();
    await t.admin.send('/sources');
    expect(t.admin.lastText()).toBe('There are no rounds yet. Open the first with /open_round title.');
    await t.openRound();
    await t.admin.send('/sources 1');
    expect(t.admin.lastText()).toBe('Round 1 “Test round”: respondents per source\nNobody has started this round yet.');
    await t.admin.send('/sources 9');
    expect(t.admin.lastText()).toBe('There is no round 9. /rounds lists them all.');
    await t.admin.send('/sources first');
    expect(t.admin.lastText()).toBe('Usage: /sources, or /sources followed by a round id, e.g. /sources 3');
  });
});
