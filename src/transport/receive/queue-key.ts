import type { Update } from 'grammy/types';

/**
 * The queue an update belongs to: its chat, else its sender, else a shared
 * one. Updates of one queue are handled one at a time, in order.
 */
export function queueKey(update: Update): string {
  for (const value of Object.values(update)) {
    if (typeof value !== 'object' || value === null) continue;
    const item = value as { chat?: { id: number }; message?: { chat?: { id: number } }; from?: { id: number } };
    const chat = item.chat?.id ?? item.message?.chat?.id;
    if (chat !== undefined) return `chat:${chat}`;
    if (item.from) return `user:${item.from.id}`;
  }
  return 'other';
}

/** The chat id behind a queue key, when it names a chat. */
export function chatOfQueue(key: string): number | null {
  return key.startsWith('chat:') ? Number(key.slice(5)) : null;
}
