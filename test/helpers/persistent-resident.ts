import { decodeButton, type ButtonAction } from '../../src/bot/prompt/callback-data.js';
import { answerLabel } from '../../src/bot/prompt/question-view.js';
import { TEXTS } from '../../src/texts/resident.js';
import { applicableQuestions, findQuestion, optionsOf, type Answer } from '../../src/questionnaire/engine.js';
import type { Language } from '../../src/questionnaire/languages.js';
import type { Question, Questionnaire } from '../../src/questionnaire/schema.js';
import type { ChatMessage, FakeUser } from './fake-telegram.js';
import { hash32, Random } from './random.js';

/*
 * A resident who finishes the questionnaire the way a person would when
 * things go wrong: answers what the newest message asks; when nothing new
 * appeared after an action (the reply was lost, or the bot said something
 * went wrong), sends /start, which resumes at the first unanswered question.
 *
 * By default each action waits until the bot has handled it (the fake
 * server's handled probe). A resident with `patience` does not: it acts,
 * watches the chat, and after `pressAgainMs` of silence presses the same
 * button again, after `restartMs` sends /start, as a person with a phone
 * does; `replyLatenciesMs` records how long each action took to change
 * what the resident sees.
 *
 * What the resident chooses is fixed per (seed, user, question), so
 * answering a question again after a lost confirmation gives the same
 * answer, and "exactly what they chose" is well defined: `expectedAnswers()`.
 * The resident also remembers every answer it was told was recorded
 * ("✓ Recorded: …", or the next question appearing): `acknowledgements()`.
 */

export interface Acknowledgement {
  questionId: string;
  /** What the resident saw (the "✓ Recorded: …" line), or the answer it pressed when the next question appeared. */
  shown: string;
  how: 'recorded-message' | 'next-question';
}

type Prompt =
  | { kind: 'question'; question: Question; message: ChatMessage; buttons: ButtonOnScreen[] }
  | { kind: 'summary'; message: ChatMessage; buttons: ButtonOnScreen[] };

interface ButtonOnScreen {
  text: string;
  data: string;
  action: ButtonAction;
}

export interface PersistentResidentOptions {
  /** Deep-link tag of the first /start. */
  source?: string;
  /** A safety net against a bot that never gets anywhere. */
  maxSteps?: number;
  /**
   * Act without waiting for the bot; press again after `pressAgainMs` of
   * silence, send /start after `restartMs`; read each new prompt for a
   * time between `readMs` (ms) before acting on it.
   */
  patience?: { pressAgainMs: number; restartMs: number; readMs: readonly [number, number] };
}

/** Something the resident did that expects an answer on screen. */
interface Action {
  /** The newest bot message seen before acting, and its fingerprint when it was acted on. */
  notBefore: number;
  actedOn: string | undefined;
  /** Pressing again, if the action was a press. */
  repeat?: () => Promise<void>;
}

export class PersistentResident {
  readonly choices: ReadonlyMap<string, Answer>;
  /** Everything the resident did, for a failure message. */
  readonly log: string[] = [];
  /** How many times the resident had to send /start to get going again. */
  restarts = 0;
  /** How many times the resident pressed a button again after silence (patient residents). */
  repeats = 0;
  /** Action → first visible change in the chat, ms (patient residents). */
  readonly replyLatenciesMs: number[] = [];
  private readonly nextQuestionAcks: Acknowledgement[] = [];
  /** How long the resident reads each prompt (patient residents). */
  private readonly reading: Random;
  /** The press just made, to make again after silence. */
  private lastPress: (() => Promise<void>) | undefined;
  private newestMessageIdBeforeRestart = 0;
  /** When the last action was made, and the screen just before it. */
  private actedAt = 0;
  private screenBeforeAction = '';
  private readonly t;

  constructor(
    readonly user: FakeUser,
    readonly language: Language,
    readonly questionnaire: Questionnaire,
    seed: number,
    private readonly options: PersistentResidentOptions = {},
  ) {
    this.t = TEXTS[language];
    this.choices = chooseAnswers(questionnaire, seed, user.user.id);
    this.reading = new Random(hash32(`${seed}|${user.user.id}|reading`));
  }

  /** The answers the resident means to give, for the questions that apply given those answers. */
  expectedAnswers(): Map<string, Answer> {
    const answers = new Map<string, Answer>();
    for (const question of this.questionnaire.questions) {
      if (!applicableQuestions(this.questionnaire, answers).some((q) => q.id === question.id)) continue;
      answers.set(question.id, this.choices.get(question.id)!);
    }
    return answers;
  }

  /** Drives the questionnaire to the end (thanked, or told the response is counted). */
  async finish(): Promise<void> {
    const maxSteps = this.options.maxSteps ?? 300;
    const source = this.options.source;
    // Only what the bot says after a /start counts as its answer to it.
    let notBefore = this.newestMessageId();
    await this.restart(source === undefined ? '/start' : `/start ${source}`);
    let actedOn: string | undefined;
    let pending: { questionId: string; shown: string } | undefined;
    for (let step = 0; step < maxSteps; step++) {
      if (this.options.patience) {
        const outcome = await this.awaitReply({ notBefore, actedOn, ...(this.lastPress ? { repeat: this.lastPress } : {}) });
        this.lastPress = undefined;
        if (outcome === 'restarted') {
          pending = undefined;
          actedOn = undefined;
          notBefore = this.newestMessageIdBeforeRestart;
          continue;
        }
        const [least, most] = this.options.patience.readMs;
        await new Promise((resolve) => setTimeout(resolve, this.reading.int(least, most)));
      }
      const last = this.user.botMessages().at(-1);
      if (last && this.isTheEnd(last)) return;
      const prompt = last && last.message_id > notBefore ? this.readPrompt(last) : undefined;
      const fingerprint = last && fingerprintOf(last);
      if (!prompt || fingerprint === actedOn) {
        // Nothing new to answer: the reply was lost or the bot failed. A person sends /start.
        pending = undefined;
        actedOn = undefined;
        notBefore = this.newestMessageId();
        await this.restart('/start');
        continue;
      }
      if (pending && (prompt.kind === 'summary' || prompt.question.id !== pending.questionId)) {
        this.nextQuestionAcks.push({ ...pending, how: 'next-question' });
      }
      actedOn = fingerprint;
      pending = await this.answer(prompt);
    }
    throw new Error(`user ${this.user.chatId} did not finish in ${maxSteps} steps:\n${this.log.slice(-30).join('\n')}`);
  }

  /**
   * Watches the chat after an action until it shows something to act on (a
   * new prompt, the end); presses again after `pressAgainMs` of silence,
   * sends /start after `restartMs`.
   */
  private async awaitReply(action: Action): Promise<'ready' | 'restarted'> {
    const { pressAgainMs, restartMs } = this.options.patience!;
    const before = this.screenBeforeAction;
    const started = this.actedAt;
    let changed = false;
    let pressedAgain = false;
    for (;;) {
      const elapsed = performance.now() - started;
      if (!changed && this.screen() !== before) {
        changed = true;
        this.replyLatenciesMs.push(elapsed);
      }
      const last = this.user.botMessages().at(-1);
      if (last && last.message_id > action.notBefore) {
        if (this.isTheEnd(last)) return 'ready';
        if (this.readPrompt(last) && fingerprintOf(last) !== action.actedOn) return 'ready';
      }
      if (elapsed >= restartMs) {
        if (!changed) this.replyLatenciesMs.push(elapsed);
        this.newestMessageIdBeforeRestart = this.newestMessageId();
        await this.restart('/start');
        return 'restarted';
      }
      if (elapsed >= pressAgainMs && !changed && !pressedAgain && action.repeat) {
        pressedAgain = true;
        this.repeats++;
        this.log.push('press again after silence');
        await action.repeat();
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** What the resident sees of the chat: every bot message and how often it was edited. */
  private screen(): string {
    return this.user
      .botMessages()
      .map((m) => `${m.message_id}.${m.editCount}`)
      .join(',');
  }

  /** Every answer the resident was told was recorded. */
  acknowledgements(): Acknowledgement[] {
    const fromMessages: Acknowledgement[] = [];
    for (const message of this.user.botMessages()) {
      const recorded = this.readRecorded(message);
      if (recorded) fromMessages.push({ ...recorded, how: 'recorded-message' });
    }
    return [...fromMessages, ...this.nextQuestionAcks];
  }

  /** What the bot shows for `answer` to `question` once recorded (the last line of the edited question). */
  shownAs(question: Question, answer: Answer): string {
    if (answer.kind === 'skipped') return this.t.skipped;
    const label = answerLabel(question, answer, this.language);
    const chars = [...label];
    return this.t.recorded({ answer: chars.length <= 1500 ? label : `${chars.slice(0, 1499).join('')}…` });
  }

  // ---- internals

  /** Notes the moment of an action, for the reply latency. */
  private acting(): void {
    this.actedAt = performance.now();
    this.screenBeforeAction = this.screen();
  }

  private async restart(command: string): Promise<void> {
    this.acting();
    if (command === '/start') this.restarts++;
    this.log.push(command);
    await this.user.send(command);
  }

  private newestMessageId(): number {
    return this.user.botMessages().at(-1)?.message_id ?? 0;
  }

  private isTheEnd(message: ChatMessage): boolean {
    if (message.text === this.t.thanks) return true;
    const [before, after] = this.t.alreadyCounted({ title: '\u0000' }).split('\u0000') as [string, string];
    return message.text.startsWith(before) && message.text.endsWith(after) && !message.replyMarkup;
  }

  private readPrompt(message: ChatMessage): Prompt | undefined {
    const buttons: ButtonOnScreen[] = [];
    for (const button of message.replyMarkup?.inline_keyboard.flat() ?? []) {
      if (!('callback_data' in button) || button.callback_data === undefined) continue;
      const action = decodeButton(button.callback_data);
      if (action) buttons.push({ text: button.text, data: button.callback_data, action });
    }
    if (buttons.some((b) => b.action.type === 'submit')) return { kind: 'summary', message, buttons };
    const questionIds = new Set(
      buttons.map((b) => ('questionId' in b.action ? b.action.questionId : null)).filter((id) => id !== null),
    );
    if (questionIds.size !== 1) return undefined;
    const question = findQuestion(this.questionnaire, [...questionIds][0]!);
    return question ? { kind: 'question', question, message, buttons } : undefined;
  }

  private async press(prompt: Prompt, button: ButtonOnScreen): Promise<void> {
    const press = async () => {
      this.log.push(`press [${button.text}] (${button.data}) on #${prompt.message.message_id}`);
      await this.user.pressData(button.data, prompt.message.message_id);
    };
    this.lastPress = press;
    this.acting();
    await press();
  }

  /** Acts on the prompt; returns the answer given, when one was (for the next-question acknowledgement). */
  private async answer(prompt: Prompt): Promise<{ questionId: string; shown: string } | undefined> {
    if (prompt.kind === 'summary') {
      await this.press(prompt, prompt.buttons.find((b) => b.action.type === 'submit')!);
      return undefined;
    }
    const { question } = prompt;
    const choice = this.choices.get(question.id)!;
    const given = { questionId: question.id, shown: this.shownAs(question, choice) };
    const find = (predicate: (action: ButtonAction) => boolean) => {
      const button = prompt.buttons.find((b) => predicate(b.action));
      if (!button) throw new Error(`no such button on ${prompt.message.text}`);
      return button;
    };
    if (choice.kind === 'skipped') {
      await this.press(prompt, find((a) => a.type === 'skip'));
      return given;
    }
    if (choice.kind === 'text') {
      this.acting();
      this.log.push(`send text (${[...choice.text].length} chars) for ${question.id}`);
      await this.user.send(choice.text);
      return given;
    }
    const values = choice.kind === 'option' ? [choice.value] : choice.values;
    const indexes = values.map((value) => optionsOf(question).findIndex((o) => o.value === value));
    if (question.type !== 'multi') {
      await this.press(prompt, find((a) => a.type === 'choose' && a.optionIndex === indexes[0]));
      return given;
    }
    // A multi question: toggle one option that is not as wanted, or press Done when all are.
    for (const button of prompt.buttons) {
      if (button.action.type !== 'toggle') continue;
      const wanted = indexes.includes(button.action.optionIndex);
      const selected = button.text.startsWith('✅ ');
      if (wanted !== selected) {
        await this.press(prompt, button);
        return undefined;
      }
    }
    await this.press(prompt, find((a) => a.type === 'done'));
    return given;
  }

  private readRecorded(message: ChatMessage): { questionId: string; shown: string } | undefined {
    if (message.replyMarkup) return undefined;
    const paragraphs = message.text.split('\n\n');
    if (paragraphs.length !== 2) return undefined;
    const [head, last] = paragraphs as [string, string];
    const recordedPrefix = this.t.recorded({ answer: '' });
    if (!last.startsWith(recordedPrefix) && last !== this.t.skipped) return undefined;
    const lines = head.split('\n');
    if (lines.length !== 2 || !/^\d+ \/ \d+/.test(lines[0]!)) return undefined;
    const question = this.questionnaire.questions.find((q) => q.text[this.language] === lines[1]);
    return question ? { questionId: question.id, shown: last } : undefined;
  }
}

function fingerprintOf(message: ChatMessage): string {
  return `${message.message_id}|${message.editCount}|${message.text}|${JSON.stringify(message.replyMarkup)}`;
}

/** The resident's answer to every question (whether or not it will apply), fixed by (seed, user, question). */
export function chooseAnswers(questionnaire: Questionnaire, seed: number, userId: number): Map<string, Answer> {
  const choices = new Map<string, Answer>();
  for (const question of questionnaire.questions) {
    const random = new Random(hash32(`${seed}|${userId}|${question.id}`));
    if (question.optional && random.chance(0.25)) {
      choices.set(question.id, { kind: 'skipped' });
      continue;
    }
    const options = optionsOf(question);
    switch (question.type) {
      case 'scale':
      case 'choice':
        choices.set(question.id, { kind: 'option', value: random.pick(options).value });
        break;
      case 'multi': {
        const values = options.filter(() => random.chance(0.4)).map((o) => o.value);
        if (values.length === 0) values.push(random.pick(options).value);
        choices.set(question.id, { kind: 'options', values });
        break;
      }
      case 'text': {
        const base = `居民 ${userId} 的建議 <b>&amp;</b> "引號" — suggestion`;
        const long = random.chance(0.2);
        const text = long ? [...base.repeat(100)].slice(0, question.max_length).join('').trim() : base;
        choices.set(question.id, { kind: 'text', text });
        break;
      }
    }
  }
  return choices;
}
