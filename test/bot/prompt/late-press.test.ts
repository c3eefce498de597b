import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../../src/app.js';
import { loadConfig } from '../../../src/config.js';
import { openDatabase } from '../../../src/db/client.js';
import { PRESS_ANSWER_WINDOW_MS } from '../../../src/bot/prompt/live-prompt.js';
import { createUpdateHandler } from '../../../src/transport/receive/handle-update.js';
import { TEST_PSEUDONYM_SECRET, questionnaireFile } from '../../helpers/bot-harness.js';
import { FakeTelegram } from '../../helpers/fake-telegram.js';
import { connectBotToFake } from '../../helpers/in-process-api.js';
import { SMALL_YAML } from '../../helpers/questionnaires.js';

/*
 * A press handled long after it came (the bot was down, or its reply kept
 * failing): Telegram no longer takes an answer to it, so none is sent — the
 * step itself is still taken and shown.
 */
describe('a press older than Telegram accepts', () => {
  it('is not answered, and the next question still comes', async () => {
    const telegram = new FakeTelegram();
    const config = loadConfig({ BOT_TOKEN: telegram.token, ADMIN_CHAT_IDS: '1001', QUESTIONNAIRE_PATH: questionnaireFile(SMALL_YAML) });
    const logger = pino({ level: 'silent' });
    const db = openDatabase(':memory:');
    const { bot } = createApp(config, { db, logger, pseudonymSecret: TEST_PSEUDONYM_SECRET, botInfo: telegram.botInfo });
    const handle = createUpdateHandler(bot, logger);
    // Updates reach the bot as the inbox hands them over: with when they were stored.
    let age = 0;
    connectBotToFake(bot, telegram, async (update) => {
      await handle(update, { number: 1, last: false, receivedAt: Date.now() - age });
    });
    const admin = telegram.user(1001, { language_code: 'en' });
    await admin.send('/open_round Late presses');
    const resident = telegram.user(77, { language_code: 'en' });
    await resident.send('/start');
    const first = resident.lastBotMessage()!;

    age = PRESS_ANSWER_WINDOW_MS + 5_000;
    await resident.press(resident.buttons()[0]!);
    expect(telegram.callsTo('answerCallbackQuery')).toHaveLength(0);
    // The pressed question became the next one, in place.
    expect(resident.lastBotMessage()!.message_id).toBe(first.message_id);
    expect(resident.lastText()).toMatch(/^✓ 1\/5 [^\n]*\n\n2 \/ 5\n/);

    age = 0;
    await resident.press(resident.buttons()[0]!);
    expect(telegram.callsTo('answerCallbackQuery')).toHaveLength(1);
  });
});
