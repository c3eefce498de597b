/*
 * The messages the bot recently put into their final form, per chat, so a
 * second press on one (a double tap) does not make the bot send an edit that
 * changes nothing. Kept in memory: after a restart the worst case is one
 * such edit, which Telegram refuses harmlessly.
 */

export interface SettledMessages {
  has(chatId: number, messageId: number): boolean;
  add(chatId: number, messageId: number): void;
}

const PER_CHAT = 8;
const MAX_CHATS = 10_000;

export function createSettledMessages(): SettledMessages {
  const chats = new Map<number, number[]>();
  return {
    has: (chatId, messageId) => chats.get(chatId)?.includes(messageId) ?? false,
    add(chatId, messageId) {
      const ids = chats.get(chatId) ?? [];
      chats.delete(chatId);
      if (!ids.includes(messageId)) ids.push(messageId);
      if (ids.length > PER_CHAT) ids.shift();
      chats.set(chatId, ids);
      // Least recently touched chats go first (a Map keeps insertion order).
      if (chats.size > MAX_CHATS) chats.delete(chats.keys().next().value as number);
    },
  };
}
