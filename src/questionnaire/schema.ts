import { z } from 'zod';
import { LANGUAGES } from './languages.js';

/*
 * The questionnaire file format. Structure is checked here; the rules that
 * span several places (ids unique, `when` pointing backwards, dimensions that
 * exist) are checked in `cross-check.ts`, so every problem is reported with its
 * path in one pass.
 */

const ID_PATTERN = /^[a-z][a-z0-9_]{0,31}$/;
const ID_HINT = 'an id of lowercase letters, digits and _, starting with a letter, at most 32 characters';

/** Option labels end up on Telegram buttons, which show little more than this. */
export const MAX_LABEL_LENGTH = 60;
export const MAX_QUESTION_TEXT_LENGTH = 1000;
/** Telegram's hard limit for a message is 4096; a typed answer must fit a summary. */
export const MAX_TEXT_ANSWER_LENGTH = 2000;
export const MAX_QUESTIONS = 60;
export const MAX_OPTIONS = 12;
export const QUESTION_TYPES = ['scale', 'choice', 'multi', 'text'] as const;

const quoted = (keys: readonly string[]) => keys.map((key) => `"${key}"`).join(', ');

/** A map that refuses unknown keys, naming the keys it allows so that a typo is easy to spot. */
function strict<T extends z.core.$ZodLooseShape>(shape: T, what = `a map with ${Object.keys(shape).join(', ')}`) {
  const allowed = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown key ${quoted(issue.keys)} (allowed: ${allowed})`
        : issue.input === undefined
          ? 'required'
          : `must be ${what}`,
  });
}

const requiredText = (what: string, max: number) =>
  z
    .string({ error: (issue) => (issue.input === undefined ? 'required' : `must be ${what}`) })
    .trim()
    .min(1, 'must not be empty')
    .max(max, `at most ${max} characters`);

const localized = (max: number) =>
  z.strictObject(
    Object.fromEntries(LANGUAGES.map((language) => [language, requiredText('text', max)])) as {
      [L in (typeof LANGUAGES)[number]]: ReturnType<typeof requiredText>;
    },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? `unknown language ${quoted(issue.keys)} (expected ${LANGUAGES.join(', ')})`
          : issue.input === undefined
            ? 'required'
            : `must give the text in each language (${LANGUAGES.join(', ')})`,
    },
  );

export const idSchema = z
  .string({ error: (issue) => (issue.input === undefined ? 'required' : `must be ${ID_HINT}`) })
  .regex(ID_PATTERN, `must be ${ID_HINT}`);

/** Option values are what exports and `when` conditions carry; scale values are numbers. */
const OPTION_VALUE_PATTERN = /^[a-z0-9][a-z0-9_]{0,31}$/;
export const optionValueSchema = z
  .string({
    error: (issue) =>
      issue.input === undefined
        ? 'required'
        : typeof issue.input === 'number'
          ? `must be text: write '${String(issue.input)}' in quotes`
          : 'must be an option value',
  })
  .regex(OPTION_VALUE_PATTERN, 'must be lowercase letters, digits and _, at most 32 characters');

const option = strict({
  value: optionValueSchema,
  label: localized(MAX_LABEL_LENGTH),
});

const options = z
  .array(option, { error: (issue) => (issue.input === undefined ? 'required' : 'must be a list of options') })
  .min(2, 'at least 2 options')
  .max(MAX_OPTIONS, `at most ${MAX_OPTIONS} options`);

const condition = strict({
  question: idSchema,
  in: z
    .array(optionValueSchema, { error: (issue) => (issue.input === undefined ? 'required' : 'must be a list of option values') })
    .min(1, 'at least 1 value'),
});

const common = {
  id: idSchema,
  text: localized(MAX_QUESTION_TEXT_LENGTH),
  note: localized(MAX_QUESTION_TEXT_LENGTH).optional(),
  optional: z.boolean({ error: 'must be true or false' }).default(false),
  when: condition.optional(),
};

const scaleQuestion = strict({
  ...common,
  type: z.literal('scale'),
  dimension: idSchema,
});

const choiceQuestion = strict({ ...common, type: z.literal('choice'), options });
const multiQuestion = strict({ ...common, type: z.literal('multi'), options });
const textQuestion = strict({
  ...common,
  type: z.literal('text'),
  max_length: z
    .number({ error: (issue) => (issue.input === undefined ? 'required' : 'must be a whole number') })
    .int('must be a whole number')
    .min(1, 'at least 1')
    .max(MAX_TEXT_ANSWER_LENGTH, `at most ${MAX_TEXT_ANSWER_LENGTH}`),
});

const TYPE_HINT = `one of ${QUESTION_TYPES.join(', ')}`;
const question = z.discriminatedUnion('type', [scaleQuestion, choiceQuestion, multiQuestion, textQuestion], {
  error: (issue) => {
    const input = issue.input;
    if (typeof input !== 'object' || input === null || Array.isArray(input)) return 'must be a question: a map with id, type, text and more';
    if (issue.code !== 'invalid_union') return undefined;
    const type = (input as { type?: unknown }).type;
    return type === undefined ? `required: ${TYPE_HINT}` : `must be ${TYPE_HINT}`;
  },
});

const dimension = strict({ id: idSchema, name: localized(MAX_LABEL_LENGTH) });

const compositeIndex = strict({
  id: idSchema,
  name: localized(MAX_LABEL_LENGTH),
  dimensions: z
    .array(idSchema, { error: (issue) => (issue.input === undefined ? 'required' : 'must be a list of dimension ids') })
    .min(1, 'at least 1 dimension'),
});

/** Which questions the reports read for the respondent mix, the "needs improving" items and suggestions. */
const report = strict({
  respondent_question: idSchema.optional(),
  improvement_question: idSchema.optional(),
  suggestion_question: idSchema.optional(),
});

export const questionnaireSchema = strict(
  {
    title: localized(200),
    description: localized(1000),
    dimensions: z.array(dimension, { error: 'must be a list of dimensions' }).default([]),
    indexes: z.array(compositeIndex, { error: 'must be a list of indexes' }).default([]),
    report: report.default({}),
    questions: z
      .array(question, { error: (issue) => (issue.input === undefined ? 'required' : 'must be a list of questions') })
      .min(1, 'at least 1 question')
      .max(MAX_QUESTIONS, `at most ${MAX_QUESTIONS} questions`),
  },
  'a questionnaire: a map with title, description, dimensions, indexes, report and questions',
);

export type Questionnaire = z.infer<typeof questionnaireSchema>;
export type Question = Questionnaire['questions'][number];
export type QuestionType = Question['type'];
export type ChoiceQuestion = z.infer<typeof choiceQuestion>;
export type MultiQuestion = z.infer<typeof multiQuestion>;
export type ScaleQuestion = z.infer<typeof scaleQuestion>;
export type TextQuestion = z.infer<typeof textQuestion>;
export type Condition = z.infer<typeof condition>;
