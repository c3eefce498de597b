import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputFile } from 'grammy';
import type { BotContext } from '../context.js';

/**
 * Writes a file into a fresh temporary folder, sends it to the chat as a
 * document with the caption `write` returns (HTML), and removes it. Written
 * to disk first, so a retried upload can read it again.
 */
export async function replyWithWrittenFile(
  ctx: BotContext,
  name: string,
  write: (path: string) => Promise<string>,
): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'manyi-file-'));
  try {
    const path = join(folder, name);
    const caption = await write(path);
    await ctx.replyWithDocument(new InputFile(path, name), { caption, parse_mode: 'HTML' });
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
