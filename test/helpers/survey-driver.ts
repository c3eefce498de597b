import { TEXTS } from '../../src/texts/resident.js';
import type { Language } from '../../src/questionnaire/languages.js';
import type { FakeUser } from './fake-telegram.js';

/**
 * Answers whatever question the bot is showing the way a resident would:
 * `pick` chooses among the option buttons (default: the first), multi
 * questions get one option and Done, text questions a typed line (`type`).
 * Stops at the summary and returns how many questions it answered.
 */
export async function answerUntilSummary(
  user: FakeUser,
  language: Language,
  pick: (options: string[], step: number) => string = (options) => options[0]!,
  type: (step: number) => string = (step) => `${language} suggestion ${step}`,
): Promise<number> {
  const t = TEXTS[language];
  const navigation = new Set([t.back, t.skip, t.done, t.submit]);
  for (let step = 0; step < 100; step++) {
    const buttons = answerButtons(user);
    if (buttons.includes(t.submit)) return step;
    const options = buttons.filter((b) => !navigation.has(b) && !b.startsWith('✅ ') && !b.startsWith('✓ '));
    if (options.length === 0) {
      await user.send(type(step));
    } else if (buttons.includes(t.done)) {
      await user.press(pick(options, step));
      await user.press(t.done);
    } else {
      await user.press(pick(options, step));
    }
  }
  throw new Error('the questionnaire never reached its summary');
}

/**
 * The buttons of the newest message that takes answers: messages the bot
 * sends first (an announcement, a reminder) may arrive below the question.
 */
function answerButtons(user: FakeUser): string[] {
  const outboundButton = (data: string) => /^1[NC]:/.test(data);
  const message = user
    .botMessages()
    .filter((m) => m.replyMarkup?.inline_keyboard.flat().some((b) => 'callback_data' in b && !outboundButton(b.callback_data)))
    .at(-1);
  return message ? user.buttons(message.message_id) : [];
}
