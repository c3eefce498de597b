import { readFileSync } from 'node:fs';
import { Bot, InlineKeyboard, type Context } from 'grammy';
import type { InlineKeyboardButton, Update } from 'grammy/types';
import { queueKey } from '../../src/transport/receive/queue-key.js';
import type { FloorScript } from './floor-script.js';

/*
 * The benchmark's floor: a minimal grammY bot that walks a resident through a
 * fixed script with exactly manyi's conversation shape — each press is
 * answered (answerCallbackQuery) and the pressed message is edited in place
 * into the next question, a line with the answer on top; a typed answer's
 * prompt is edited into what was recorded and the next question is sent; a
 * multi question's toggles edit the question in place — and stores nothing: no database, no questionnaire
 * engine, no logger, no plugins. The one thing kept in memory is which
 * message is a chat's current question (manyi keeps it in SQLite), needed to
 * mark a typed answer as recorded. Its loop confirms and dispatches updates
 * as manyi's inbox does, but in memory (below), so a comparison isolates
 * manyi's own work per update: storing, handling, recording.
 *
 *   BOT_TOKEN, TELEGRAM_API_ROOT, FLOOR_SCRIPT (a JSON FloorScript)
 *   node --import tsx test/bench/floor-bot.ts
 */

const token = process.env['BOT_TOKEN'];
const apiRoot = process.env['TELEGRAM_API_ROOT'];
const scriptPath = process.env['FLOOR_SCRIPT'];
if (!token || !scriptPath) {
  console.error('floor bot: BOT_TOKEN and FLOOR_SCRIPT are required');
  process.exit(1);
}
const script = JSON.parse(readFileSync(scriptPath, 'utf8')) as FloorScript;
const { questions, labels } = script;
const textStep = questions.findIndex((q) => q.type === 'text');

const bot = new Bot(token, apiRoot ? { client: { apiRoot } } : {});
/** chat id → message id of the question being asked. */
const prompts = new Map<number, number>();

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const CHECKED = '✅ ';

function questionKeyboard(step: number): InlineKeyboard {
  const q = questions[step]!;
  const keyboard = new InlineKeyboard();
  const code = q.type === 'multi' ? 't' : 'c';
  for (const row of q.rows) {
    for (const i of row) keyboard.text(q.options[i]!, `${code}:${step}:${i}`);
    keyboard.row();
  }
  if (q.type === 'multi') keyboard.text(labels.done, `d:${step}`).row();
  if (step > 0) keyboard.text(labels.back, `b:${step}`);
  if (q.optional) keyboard.text(labels.skip, `k:${step}`);
  return keyboard;
}

function stepView(step: number): { html: string; keyboard: InlineKeyboard } {
  const atSummary = step >= questions.length;
  const html = atSummary ? script.summaryHtml : questions[step]!.html;
  const keyboard = atSummary
    ? new InlineKeyboard().text(labels.back, `b:${step}`).text(labels.submit, 'S')
    : questionKeyboard(step);
  return { html, keyboard };
}

async function sendStep(ctx: Context, step: number): Promise<void> {
  const { html, keyboard } = stepView(step);
  const sent = await ctx.reply(html, { parse_mode: 'HTML', reply_markup: keyboard });
  prompts.set(ctx.chat!.id, sent.message_id);
}

/** The pressed message becomes the next step, `answer` (if any) on a line above it, as manyi does. */
async function advance(ctx: Context, messageId: number, step: number, answer?: string): Promise<void> {
  const { html, keyboard } = stepView(step);
  const above = answer === undefined ? '' : `✓ ${step}/${questions.length} ${escapeHtml(answer)}\n\n`;
  await edit(ctx, messageId, above + html, keyboard);
  prompts.set(ctx.chat!.id, messageId);
}

async function edit(ctx: Context, messageId: number, html: string, keyboard?: InlineKeyboard): Promise<void> {
  await ctx.api.editMessageText(ctx.chat!.id, messageId, html, {
    parse_mode: 'HTML',
    ...(keyboard ? { reply_markup: keyboard } : {}),
  });
}

const recorded = (step: number, answer: string) =>
  questions[step]!.recordedHtml.replace('{answer}', escapeHtml(answer));

bot.command('start', async (ctx) => {
  await ctx.reply(script.greetingHtml, { parse_mode: 'HTML' });
  await sendStep(ctx, 0);
});

bot.on('callback_query:data', async (ctx) => {
  const [kind, stepText, optionText] = ctx.callbackQuery.data.split(':');
  const step = Number(stepText ?? 0);
  const message = ctx.callbackQuery.message;
  const q = questions[step];
  if (!message || (kind !== 'S' && kind !== 'b' && !q)) {
    await ctx.answerCallbackQuery('?');
    return;
  }
  switch (kind) {
    case 'c': {
      await ctx.answerCallbackQuery();
      await advance(ctx, message.message_id, step + 1, q!.options[Number(optionText)] ?? '');
      return;
    }
    case 't': {
      // The selection lives in the keyboard itself: flip the pressed option.
      await ctx.answerCallbackQuery();
      const rows = (message.reply_markup?.inline_keyboard ?? []).map((row) =>
        row.map((button): InlineKeyboardButton => {
          if (!('callback_data' in button) || button.callback_data !== ctx.callbackQuery.data) return button;
          const text = button.text.startsWith(CHECKED) ? button.text.slice(CHECKED.length) : CHECKED + button.text;
          return { text, callback_data: button.callback_data };
        }),
      );
      await edit(ctx, message.message_id, q!.html, new InlineKeyboard(rows));
      return;
    }
    case 'd': {
      const chosen = (message.reply_markup?.inline_keyboard ?? [])
        .flat()
        .filter((b) => b.text.startsWith(CHECKED))
        .map((b) => b.text.slice(CHECKED.length));
      if (chosen.length === 0) {
        await ctx.answerCallbackQuery(script.chooseAtLeastOne);
        return;
      }
      await ctx.answerCallbackQuery();
      await advance(ctx, message.message_id, step + 1, chosen.join('、'));
      return;
    }
    case 'k': {
      await ctx.answerCallbackQuery();
      await advance(ctx, message.message_id, step + 1, script.skipped);
      return;
    }
    case 'b': {
      await ctx.answerCallbackQuery();
      await advance(ctx, message.message_id, Math.max(0, step - 1));
      return;
    }
    case 'S': {
      await ctx.answerCallbackQuery();
      await edit(ctx, message.message_id, `${script.summaryHtml}\n\n<b>${script.submitted}</b>`);
      prompts.delete(ctx.chat!.id);
      await ctx.reply(script.thanks);
      return;
    }
    default:
      await ctx.answerCallbackQuery('?');
  }
});

bot.on('message:text', async (ctx) => {
  const prompt = prompts.get(ctx.chat.id);
  if (prompt !== undefined) await edit(ctx, prompt, recorded(textStep, ctx.message.text));
  await sendStep(ctx, textStep + 1);
});


/*
 * The floor's update loop: what a bot does that keeps nothing durable. Each
 * batch is confirmed by the next getUpdates at once and handled in memory,
 * one promise chain per chat (so a chat's updates stay in order), chats at
 * once — manyi's inbox without the inbox.
 */
const chains = new Map<string, Promise<void>>();
function dispatch(update: Update): void {
  const key = queueKey(update);
  const next = (chains.get(key) ?? Promise.resolve())
    .then(() => bot.handleUpdate(update))
    .catch((error: unknown) => console.error('floor bot: update failed:', (error as Error).message))
    .finally(() => {
      if (chains.get(key) === next) chains.delete(key);
    });
  chains.set(key, next);
}

await bot.init();
const abort = new AbortController();
const stop = () => abort.abort();
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
console.log('floor bot polling for updates');
let offset = 0;
while (!abort.signal.aborted) {
  let updates: Update[];
  try {
    updates = await bot.api.getUpdates(
      { offset, limit: 100, timeout: 30, allowed_updates: ['message', 'callback_query'] },
      abort.signal as Parameters<typeof bot.api.getUpdates>[1],
    );
  } catch (error) {
    if (abort.signal.aborted) break;
    console.error('floor bot: getUpdates failed:', (error as Error).message);
    await new Promise((resolve) => setTimeout(resolve, 500));
    continue;
  }
  for (const update of updates) dispatch(update);
  if (updates.length > 0) offset = updates.at(-1)!.update_id + 1;
}
await Promise.all(chains.values());
