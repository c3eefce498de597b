import { shorten } from './format.js';
import { MESSAGE_LIMIT } from './fit.js';
import { escapeHtml } from './html.js';

/** An item longer than this is cut: a list line, not an essay. */
const MAX_ITEM_CHARS = 600;

export interface MessageListOptions {
  /** HTML that opens the first message. */
  header: string;
  /** Plain text items, escaped here. */
  items: readonly string[];
  /** At most this many messages; the last says how many items did not fit. */
  maxMessages: number;
  /** HTML line for the items left out. */
  more: (count: number) => string;
  limit?: number;
}

/**
 * A list spread over as few HTML messages as Telegram's length limit allows,
 * an item never split between two. Lengths are counted on the HTML, which is
 * never shorter than the text Telegram counts.
 */
export function messageList(options: MessageListOptions): string[] {
  const { header, items, maxMessages, more, limit = MESSAGE_LIMIT } = options;
  const lines = items.map((item) => `• ${escapeHtml(shorten(item, MAX_ITEM_CHARS))}`);
  // Room for the "… and N more" line, kept free in the last message.
  const reserve = more(items.length).length + 1;
  const messages: string[] = [];
  let current = header;
  for (const [index, line] of lines.entries()) {
    const isLastMessage = messages.length === maxMessages - 1;
    const room = limit - (isLastMessage && index < lines.length - 1 ? reserve : 0);
    const joined = current === '' ? line : `${current}\n${line}`;
    if (joined.length <= room) {
      current = joined;
      continue;
    }
    if (isLastMessage) {
      messages.push(`${current}\n${more(lines.length - index)}`);
      return messages;
    }
    messages.push(current);
    current = line;
  }
  messages.push(current);
  return messages;
}
