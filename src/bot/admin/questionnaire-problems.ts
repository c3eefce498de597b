import type { BotContext } from '../context.js';
import { messageList } from '../../render/message-list.js';
import { QUESTIONNAIRE_TEXTS } from '../../texts/questionnaire.js';

/**
 * Enough messages for any file an author really writes; a file with more
 * problems than fit is better rewritten than read in a flood of messages.
 */
const MAX_PROBLEM_MESSAGES = 6;

/** Lists a questionnaire's problems under `header` (HTML), in as many messages as they need. */
export async function replyWithProblems(ctx: BotContext, header: string, problems: readonly string[]): Promise<void> {
  const t = QUESTIONNAIRE_TEXTS[ctx.language];
  const messages = messageList({
    header,
    items: problems,
    maxMessages: MAX_PROBLEM_MESSAGES,
    more: (count) => t.moreProblems({ count }),
  });
  for (const message of messages) await ctx.reply(message, { parse_mode: 'HTML' });
}
