import { describe, expect, it } from 'vitest';
import {
  applicableQuestions,
  checkText,
  firstUnanswered,
  nextQuestion,
  previousQuestion,
  progressOf,
  scoreOf,
  withAnswer,
  type Answer,
} from '../../src/questionnaire/engine.js';
import { smallQuestionnaire } from '../helpers/questionnaires.js';

const q = smallQuestionnaire();
const ids = (questions: { id: string }[]) => questions.map((question) => question.id);
const answers = (entries: Record<string, Answer>) => new Map(Object.entries(entries));
const option = (value: string): Answer => ({ kind: 'option', value });

describe('which questions apply', () => {
  it('hides a conditional question until its condition holds', () => {
    expect(ids(applicableQuestions(q, answers({})))).toEqual(['role', 'satisfaction', 'channels', 'comment']);
    expect(ids(applicableQuestions(q, answers({ satisfaction: option('80') })))).not.toContain('reason');
    expect(ids(applicableQuestions(q, answers({ satisfaction: option('30') })))).toContain('reason');
  });

  it('counts a question whose condition is not yet decided as possible, for the progress total', () => {
    expect(progressOf(q, answers({}), 'role')).toEqual({ position: 1, total: 5 });
    expect(progressOf(q, answers({ satisfaction: option('80') }), 'channels')).toEqual({ position: 3, total: 4 });
    expect(progressOf(q, answers({ satisfaction: option('0') }), 'channels')).toEqual({ position: 4, total: 5 });
  });

  it('treats a skipped question as not meeting any condition on it', () => {
    const skipped = answers({ satisfaction: { kind: 'skipped' } });
    expect(ids(applicableQuestions(q, skipped))).not.toContain('reason');
  });
});

describe('moving through the questionnaire', () => {
  it('goes to the next unanswered question, then to the summary (null)', () => {
    expect(firstUnanswered(q, answers({}))?.id).toBe('role');
    const a = answers({ role: option('member'), satisfaction: option('0') });
    expect(nextQuestion(q, a, 'satisfaction')?.id).toBe('reason');
    const all = answers({
      role: option('member'),
      satisfaction: option('80'),
      channels: { kind: 'options', values: ['board'] },
      comment: { kind: 'skipped' },
    });
    expect(nextQuestion(q, all, 'comment')).toBeNull();
    expect(firstUnanswered(q, all)).toBeNull();
  });

  it('after changing an earlier answer, goes on to the first question still unanswered', () => {
    const a = answers({ role: option('public'), satisfaction: option('80') });
    expect(nextQuestion(q, a, 'role')?.id).toBe('channels');
  });

  it('goes back to the previous applicable question, and from the summary to the last one', () => {
    const a = answers({ role: option('member'), satisfaction: option('80') });
    expect(previousQuestion(q, a, 'channels')?.id).toBe('satisfaction');
    expect(previousQuestion(q, a, 'role')).toBeNull();
    expect(previousQuestion(q, a, null)?.id).toBe('comment');
  });
});

describe('changing an answer', () => {
  it('drops answers to questions that no longer apply', () => {
    const before = answers({ satisfaction: option('0'), reason: option('slow') });
    const { answers: after, dropped } = withAnswer(q, before, 'satisfaction', option('100'));
    expect(dropped).toEqual(['reason']);
    expect(after.has('reason')).toBe(false);
    expect(after.get('satisfaction')).toEqual(option('100'));
  });

  it('keeps answers whose condition still holds', () => {
    const before = answers({ satisfaction: option('0'), reason: option('slow') });
    expect(withAnswer(q, before, 'satisfaction', option('30')).dropped).toEqual([]);
  });
});

describe('answer checks', () => {
  it('scores the scale with 100/80/60/30/0, and "don\'t know" with nothing', () => {
    const scale = q.questions[1]!;
    expect(['100', '80', '60', '30', '0', 'unknown'].map((v) => scoreOf(scale, v))).toEqual([100, 80, 60, 30, 0, null]);
    expect(scoreOf(q.questions[0]!, 'member')).toBeNull();
  });

  it('measures typed text in characters, not UTF-16 units', () => {
    expect(checkText(3, '  滿意😀 ')).toEqual({ ok: true, text: '滿意😀' });
    expect(checkText(3, 'abcd')).toEqual({ ok: false, reason: 'too_long', length: 4, max: 3 });
    expect(checkText(3, '   ')).toEqual({ ok: false, reason: 'empty' });
  });
});
