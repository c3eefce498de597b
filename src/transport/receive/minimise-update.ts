import type { Update } from 'grammy/types';

/*
 * Data minimisation at the door: an update is stored (and handled) with only
 * what handling needs. Telegram sends names, usernames, bios, phone numbers,
 * places and whole quoted or forwarded messages with every update; the bot
 * never uses them, and whatever is written to the database can outlive the
 * row that held it, so they are never written at all.
 */

/** Fields dropped wherever they appear: who a person is or where they are. */
const PERSONAL = new Set([
  'last_name',
  'username',
  'active_usernames',
  'bio',
  'phone_number',
  'contact',
  'location',
  'venue',
  'emoji_status_custom_emoji_id',
  'personal_chat',
  'birthdate',
  'business_intro',
  'business_location',
  'sender_business_bot',
  'author_signature',
  'via_bot',
]);

/** Messages of others carried along (a quote, a forward): the bot reads nothing of them. */
const CARRIED = new Set(['forward_origin', 'forward_from', 'forward_from_chat', 'forward_sender_name', 'forward_signature', 'external_reply', 'quote', 'story']);

/** Fields naming a person or a chat that the types require: kept, emptied. */
const EMPTIED = new Set(['first_name']);

function strip(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(strip);
  if (typeof value !== 'object' || value === null) return value;
  const kept: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (PERSONAL.has(key) || CARRIED.has(key)) continue;
    if (EMPTIED.has(key)) kept[key] = '';
    else if (key === 'reply_to_message') kept[key] = repliedTo(inner, (value as { from?: { id?: number } }).from?.id);
    else kept[key] = strip(inner);
  }
  return kept;
}

/**
 * Of a message replied to, only who sent it (an upload is for the bot when it
 * answers the bot's message), and its text only when the sender replies to
 * their own message (an admin's `/feedback` in reply to the text they wrote).
 */
function repliedTo(message: unknown, senderId: number | undefined): unknown {
  if (typeof message !== 'object' || message === null) return undefined;
  const { message_id, date, chat, from, text } = message as { message_id?: number; date?: number; chat?: unknown; from?: { id?: number }; text?: unknown };
  const own = senderId !== undefined && from?.id === senderId && typeof text === 'string';
  return { message_id, date, chat: strip(chat), ...(from === undefined ? {} : { from: strip(from) }), ...(own ? { text } : {}) };
}

/** The update with nothing in it that says who someone is beyond ids. */
export function minimiseUpdate(update: Update): Update {
  return strip(update) as Update;
}
