import { isLanguage, type Language } from '../../questionnaire/languages.js';

/*
 * Button data: `<version><action>:<response id>:<question id>[:<option index>]`,
 * e.g. `1a:42:cadre_image:3`. Compact enough for Telegram's 64 bytes with the
 * longest ids the questionnaire allows; the version lets old buttons be told
 * apart if the format ever changes. Everything is checked again on press.
 */

const VERSION = '1';

export type ButtonAction =
  | { type: 'choose'; responseId: number; questionId: string; optionIndex: number }
  | { type: 'toggle'; responseId: number; questionId: string; optionIndex: number }
  | { type: 'done'; responseId: number; questionId: string }
  | { type: 'skip'; responseId: number; questionId: string }
  | { type: 'back'; responseId: number; questionId: string | null }
  | { type: 'submit'; responseId: number }
  | { type: 'language'; language: Language }
  /** On a reminder: show the question the resident stopped at, if `roundId` is still open. */
  | { type: 'continue'; roundId: number }
  /** On messages the bot sends first: "don't notify me" (false). */
  | { type: 'notify'; on: boolean };

/** What survey questions and the summary carry: the actions that name a response (or a preview). */
export type SurveyButton = Extract<ButtonAction, { responseId: number }>;

const CODES = {
  choose: 'a',
  toggle: 't',
  done: 'd',
  skip: 's',
  back: 'b',
  submit: 'S',
  language: 'L',
  continue: 'C',
  notify: 'N',
} as const satisfies Record<ButtonAction['type'], string>;

export function encodeButton(action: ButtonAction): string {
  const head = `${VERSION}${CODES[action.type]}`;
  switch (action.type) {
    case 'language':
      return `${head}:${action.language}`;
    case 'continue':
      return `${head}:${action.roundId}`;
    case 'notify':
      return `${head}:${action.on ? 1 : 0}`;
    case 'submit':
      return `${head}:${action.responseId}`;
    case 'choose':
    case 'toggle':
      return `${head}:${action.responseId}:${action.questionId}:${action.optionIndex}`;
    case 'done':
    case 'skip':
    case 'back':
      return `${head}:${action.responseId}:${action.questionId ?? ''}`;
  }
}

/** Whether the data is of this bot's own resident buttons (a question, the summary, language, reminders, notifications). */
export function isResidentData(data: string | undefined): boolean {
  return data !== undefined && data.startsWith(VERSION);
}

const PRESS = /^1([atdsb]):(\d{1,12}):([a-z][a-z0-9_]{0,31})?(?::(\d{1,2}))?$/;

/** The action behind button data, or null for anything this bot did not make. */
export function decodeButton(data: string): ButtonAction | null {
  if (data.startsWith('1L:')) {
    const language = data.slice(3);
    return isLanguage(language) ? { type: 'language', language } : null;
  }
  const submit = /^1S:(\d{1,12})$/.exec(data);
  if (submit) return { type: 'submit', responseId: Number(submit[1]) };
  const resume = /^1C:(\d{1,12})$/.exec(data);
  if (resume) return { type: 'continue', roundId: Number(resume[1]) };
  const notify = /^1N:([01])$/.exec(data);
  if (notify) return { type: 'notify', on: notify[1] === '1' };

  const match = PRESS.exec(data);
  if (!match) return null;
  const [, code, id, questionId, index] = match;
  const responseId = Number(id);
  const hasIndex = index !== undefined;
  switch (code) {
    case 'a':
    case 't':
      if (!questionId || !hasIndex) return null;
      return { type: code === 'a' ? 'choose' : 'toggle', responseId, questionId, optionIndex: Number(index) };
    case 'd':
    case 's':
      if (!questionId || hasIndex) return null;
      return { type: code === 'd' ? 'done' : 'skip', responseId, questionId };
    case 'b':
      if (hasIndex) return null;
      return { type: 'back', responseId, questionId: questionId ?? null };
    default:
      return null;
  }
}

/*
 * A preview's buttons carry the same data behind a `P`. The survey refuses
 * them as data it did not make, so a press in a preview can never reach a
 * response, and a preview takes only its own.
 */
const PREVIEW = 'P';

export function encodePreviewButton(action: SurveyButton): string {
  return PREVIEW + encodeButton(action);
}

export function isPreviewData(data: string): boolean {
  return data.startsWith(PREVIEW);
}

/** The action behind a preview's button data (its `responseId` is the preview's id), or null. */
export function decodePreviewButton(data: string): SurveyButton | null {
  if (!isPreviewData(data)) return null;
  const action = decodeButton(data.slice(PREVIEW.length));
  return action !== null && 'responseId' in action ? action : null;
}
