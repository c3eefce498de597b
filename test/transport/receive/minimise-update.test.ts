import type { Update } from 'grammy/types';
import { describe, expect, it } from 'vitest';
import { minimiseUpdate } from '../../../src/transport/receive/minimise-update.js';

describe('an update as the inbox stores it', () => {
  it('keeps ids, the text and what a reply points at, and drops names, usernames, contacts, places and forwards', () => {
    const update = {
      update_id: 9,
      message: {
        message_id: 3,
        date: 1,
        text: '/start east_gate',
        entities: [{ type: 'bot_command', offset: 0, length: 6 }],
        chat: { id: 77, type: 'private', first_name: 'Meihua', last_name: 'Lin', username: 'meihua_lin' },
        from: { id: 77, is_bot: false, first_name: 'Meihua', last_name: 'Lin', username: 'meihua_lin', language_code: 'en' },
        contact: { phone_number: '+886900000000', first_name: 'Meihua', user_id: 77 },
        location: { latitude: 25.03, longitude: 121.56 },
        forward_origin: { type: 'user', date: 1, sender_user: { id: 5, is_bot: false, first_name: 'Other' } },
        reply_to_message: {
          message_id: 2,
          date: 1,
          chat: { id: 77, type: 'private', first_name: 'Meihua' },
          from: { id: 1000, is_bot: true, first_name: 'manyi', username: 'manyi_bot' },
          text: 'what the bot said, quoting Meihua Lin',
        },
      },
    } as unknown as Update;
    const stored = JSON.stringify(minimiseUpdate(update));
    for (const gone of ['Meihua', 'Lin', 'meihua_lin', '+886', '25.03', 'Other', 'quoting']) expect(stored).not.toContain(gone);
    expect(minimiseUpdate(update)).toEqual({
      update_id: 9,
      message: {
        message_id: 3,
        date: 1,
        text: '/start east_gate',
        entities: [{ type: 'bot_command', offset: 0, length: 6 }],
        chat: { id: 77, type: 'private', first_name: '' },
        from: { id: 77, is_bot: false, first_name: '', language_code: 'en' },
        reply_to_message: { message_id: 2, date: 1, chat: { id: 77, type: 'private', first_name: '' }, from: { id: 1000, is_bot: true, first_name: '' } },
      },
    });
  });
});

describe('a reply to one’s own message', () => {
  it('keeps the text replied to only when the sender wrote it (an admin’s /feedback)', () => {
    const reply = (fromId: number) =>
      minimiseUpdate({
        update_id: 10,
        message: {
          message_id: 3,
          date: 2,
          text: '/feedback',
          chat: { id: 77, type: 'private', first_name: 'A' },
          from: { id: 77, is_bot: false, first_name: 'A' },
          reply_to_message: { message_id: 2, date: 1, chat: { id: 77, type: 'private', first_name: 'A' }, from: { id: fromId, is_bot: false, first_name: 'B' }, text: 'We did this.' },
        },
      } as unknown as Update).message?.reply_to_message?.text;
    expect(reply(77)).toBe('We did this.');
    expect(reply(78)).toBeUndefined();
  });
});
