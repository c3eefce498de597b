/*
 * What the bot recently did to messages, per chat, in memory:
 * - the messages it put into their final form, so a second press on one (a
 *   double tap, queued behind the first) does not make it send an edit that
 *   changes nothing;
 * - the keyboard it last drew on a message, so a toggle queued behind
 *   another is compared with what the message shows now, not with what it
 *   showed when pressed (Telegram sends the message as it was at the press).
 * After a restart the worst case is one edit Telegram refuses harmlessly.
 */

export interface SettledMessages {
  has(chatId: number, messageId: number): boolean;
  add(chatId: number, messageId: number): void;
  /** The keyboard (JSON) the bot last drew on the message, if it remembers. */
  keyboardOf(chatId: number, messageId: number): string | undefined;
  rememberKeyboard(chatId: number, messageId: number, keyboard: string): void;
}

const PER_CHAT = 8;
/** Only chats active in the last moments matter (a press queued behind another); memory stays flat with many residents. */
const MAX_CHATS = 1_000;

interface ChatMemory {
  settled: number[];
  keyboard?: { messageId: number; json: string };
}

export function createSettledMessages(): SettledMessages {
  const chats = new Map<number, ChatMemory>();
  /** The chat's memory, moved to the end of the Map's order (least recently touched chats go first). */
  const touch = (chatId: number): ChatMemory => {
    const memory = chats.get(chatId) ?? { settled: [] };
    chats.delete(chatId);
    chats.set(chatId, memory);
    if (chats.size > MAX_CHATS) chats.delete(chats.keys().next().value as number);
    return memory;
  };
  return {
    has: (chatId, messageId) => chats.get(chatId)?.settled.includes(messageId) ?? false,
    add(chatId, messageId) {
      const memory = touch(chatId);
      if (!memory.settled.includes(messageId)) memory.settled.push(messageId);
      if (memory.settled.length > PER_CHAT) memory.settled.shift();
    },
    keyboardOf(chatId, messageId) {
      const keyboard = chats.get(chatId)?.keyboard;
      return keyboard?.messageId === messageId ? keyboard.json : undefined;
    },
    rememberKeyboard(chatId, messageId, json) {
      touch(chatId).keyboard = { messageId, json };
    },
  };
}
