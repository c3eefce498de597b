/** Deep-link tags as Telegram allows a start parameter: 1–64 of A–Z, a–z, 0–9, _ and -. */
const SOURCE_TAG = /^[A-Za-z0-9_-]{1,64}$/;

export const isSourceTag = (tag: string): boolean => SOURCE_TAG.test(tag);

/** The tag of a poster made without one. */
export const DEFAULT_POSTER_TAG = 'poster';

/** The link that opens the bot with `tag` as the start parameter (kept as the response's source). */
export function deepLink(botUsername: string, tag: string): string {
  return `https://t.me/${botUsername}?start=${tag}`;
}
