import type { Update } from 'grammy/types';

/*
 * Flood control for messages that fit no question (a sticker where a button
 * is expected, text typed at a choice, an edit). A few get their specific
 * hint; past that, within a short window, the chat gets one "please slow
 * down" and then silence for junk until it has been quiet for a while.
 * Answers, presses and commands are never silenced or dropped: only the
 * replies to junk are, and the junk still queued for that chat is dropped
 * from the inbox (`onFlood`), so the backlog is gone at once.
 *
 * An inbox-level rule rather than @grammyjs/ratelimiter: the plugin drops
 * every kind of update past a rate, answers included, and it cannot see the
 * backlog already queued; only the bot knows which messages fit no question.
 */

export type JunkVerdict = 'hint' | 'slow-down' | 'quiet';

export interface FloodGuard {
  /** Tells what to do with a junk message from `chatId` at `now`. */
  junk(chatId: number, now: Date): JunkVerdict;
}

export interface FloodRules {
  /** Junk messages answered with a hint within `windowMs`; the next one is a flood. */
  hints: number;
  windowMs: number;
  /** A flooding chat is quiet again after this long without junk. */
  calmAfterMs: number;
}

export const DEFAULT_FLOOD_RULES: FloodRules = { hints: 5, windowMs: 10_000, calmAfterMs: 15_000 };

/** Chats remembered at most; older, calm ones are forgotten first. */
const MAX_CHATS = 10_000;

interface ChatJunk {
  /** When the recent junk came, oldest first. */
  times: number[];
  flooding: boolean;
  last: number;
}

export function createFloodGuard(
  onFlood: (chatId: number) => void = () => undefined,
  rules: FloodRules = DEFAULT_FLOOD_RULES,
): FloodGuard {
  const chats = new Map<number, ChatJunk>();

  const forgetCalm = (now: number) => {
    for (const [chatId, entry] of chats) {
      if (chats.size <= MAX_CHATS / 2) break;
      if (now - entry.last >= Math.max(rules.windowMs, rules.calmAfterMs)) chats.delete(chatId);
    }
  };

  return {
    junk(chatId, at) {
      const now = at.getTime();
      let entry = chats.get(chatId);
      if (entry && entry.flooding && now - entry.last >= rules.calmAfterMs) entry = undefined;
      if (!entry) {
        if (chats.size >= MAX_CHATS) forgetCalm(now);
        entry = { times: [], flooding: false, last: now };
      }
      // Re-inserted so the Map's order is least recently seen first.
      chats.delete(chatId);
      chats.set(chatId, entry);
      entry.last = now;
      if (entry.flooding) return 'quiet';
      entry.times = entry.times.filter((time) => now - time < rules.windowMs);
      entry.times.push(now);
      if (entry.times.length <= rules.hints) return 'hint';
      entry.flooding = true;
      onFlood(chatId);
      return 'slow-down';
    },
  };
}

/**
 * Updates that are junk whatever question is being asked: stickers, photos,
 * voice and other messages without text, and edits. Text is kept: it may
 * answer a text question that comes up first.
 */
export function isJunkWhateverTheQuestion(update: Update): boolean {
  if (update.edited_message) return true;
  const message = update.message;
  return message !== undefined && message.text === undefined && message.chat.type === 'private';
}
