import { describe, expect, it } from 'vitest';
import { messageList } from '../../src/render/message-list.js';
import { parseTelegramHtml } from '../helpers/telegram-html.js';

const more = (count: number) => `… and ${count} more.`;

describe('a list spread over messages', () => {
  it('fits a short list in one message under its header', () => {
    expect(messageList({ header: '<b>Problems:</b>', items: ['a < b', 'c & d'], maxMessages: 3, more })).toEqual([
      '<b>Problems:</b>\n• a &lt; b\n• c &amp; d',
    ]);
  });

  it('never splits an item, keeps every message within the limit, and parses as HTML', () => {
    const items = Array.from({ length: 300 }, (_, i) => `questions[${i}].text <${'x'.repeat(i % 50)}> & more`);
    const messages = messageList({ header: '<b>Header</b>', items, maxMessages: 20, more });
    expect(messages.length).toBeGreaterThan(1);
    for (const message of messages) {
      expect(message.length).toBeLessThanOrEqual(4096);
      expect(parseTelegramHtml(message).ok).toBe(true);
    }
    const lines = messages.join('\n').split('\n').slice(1);
    expect(lines).toEqual(items.map((item) => `• ${item.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}`));
  });

  it('stops after the last allowed message and says how many items were left out', () => {
    const items = Array.from({ length: 100 }, (_, i) => `problem ${i} ${'y'.repeat(200)}`);
    const messages = messageList({ header: 'H', items, maxMessages: 2, more, limit: 1000 });
    expect(messages).toHaveLength(2);
    for (const message of messages) expect(message.length).toBeLessThanOrEqual(1000);
    const shown = messages.join('\n').split('\n').filter((line) => line.startsWith('• ')).length;
    expect(messages[1]).toMatch(new RegExp(`\\n… and ${100 - shown} more\\.$`));
  });

  it('shortens an item that could not fit a message on its own', () => {
    const [message] = messageList({ header: 'H', items: ['<'.repeat(5000)], maxMessages: 1, more });
    expect(message!.length).toBeLessThanOrEqual(4096);
    expect(message).toMatch(/^H\n• (&lt;)+…$/);
  });
});
