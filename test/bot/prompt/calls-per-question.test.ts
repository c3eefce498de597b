import { describe, expect, it } from 'vitest';
import { answers, responses } from '../../../src/db/schema.js';
import { TEXTS } from '../../../src/texts/resident.js';
import { createTestBot } from '../../helpers/bot-harness.js';
import { defaultQuestionnaire, defaultQuestionnaireYaml } from '../../helpers/questionnaires.js';
import type { FakeUser } from '../../helpers/fake-telegram.js';

/*
 * What a step costs the resident's chat. Telegram paces one chat at about a
 * message a second, so every call beyond the one that shows the next
 * question is a wait for the resident.
 */

const t = TEXTS.en;
const navigation = new Set([t.back, t.skip, t.done, t.submit]);

const liveKeyboards = (user: FakeUser) => user.botMessages().filter((m) => (m.replyMarkup?.inline_keyboard.length ?? 0) > 0);

/** Answers whatever is asked as a person would: the first option; a multi question's first option, then Done; a line of text. */
async function answerEverything(resident: FakeUser): Promise<{ questions: number; toggles: number }> {
  let questions = 0;
  let toggles = 0;
  for (let step = 0; step < 100; step++) {
    expect(liveKeyboards(resident)).toHaveLength(1);
    const buttons = resident.buttons();
    if (buttons.includes(t.submit)) {
      await resident.press(t.submit);
      return { questions, toggles };
    }
    const option = buttons.find((b) => !navigation.has(b) && !b.startsWith('✅ ') && !b.startsWith('✓ '));
    if (option && buttons.includes(t.done)) {
      await resident.press(option);
      toggles++;
      await resident.press(t.done);
    } else if (option) {
      await resident.press(option);
    } else {
      await resident.send('Fine as it is');
    }
    questions++;
  }
  throw new Error('never reached the summary');
}

describe('calls to a resident’s chat', () => {
  it('cost one per answer plus one per multi toggle on the default questionnaire (≤ 1.5 per question, all told)', async () => {
    const bot = createTestBot({ questionnaire: defaultQuestionnaireYaml() });
    await bot.openRound();
    const resident = bot.resident(2001, 'en');
    const from = bot.telegram.calls.length;
    await resident.send('/start');
    const { questions, toggles } = await answerEverything(resident);

    const toChat = bot.telegram.calls.slice(from).filter((c) => Number(c.params['chat_id']) === resident.chatId);
    const perQuestion = toChat.length / questions;
    console.log(
      `calls to the resident's chat: ${toChat.length} for ${questions} questions (${toggles} toggles) = ${perQuestion.toFixed(2)} per question`,
    );
    // The greeting and the first question, one edit per press (answer or toggle), an edit and a send per typed
    // answer, and the summary marked submitted with the thanks below it.
    const typed = defaultQuestionnaire().questions.filter((q) => q.type === 'text').length;
    expect(toChat).toHaveLength(2 + questions + toggles + typed + 2);
    expect(perQuestion).toBeLessThanOrEqual(1.5);
    expect(toChat.filter((c) => !c.result.ok)).toEqual([]);

    expect(resident.lastText()).toBe(t.thanks);
    expect(liveKeyboards(resident)).toEqual([]);
    expect(bot.db.select().from(responses).get()).toMatchObject({ status: 'completed' });
    expect(bot.db.select().from(answers).all()).toHaveLength(questions);
  });
});
