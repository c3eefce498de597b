/*
 * Telegram's HTML, which every message the bot sends is written in: values
 * people wrote are escaped before they go in.
 */

/** Escapes what people wrote before it goes into an HTML message. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
