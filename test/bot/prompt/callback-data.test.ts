import { describe, expect, it } from 'vitest';
import {
  decodeButton,
  decodePreviewButton,
  encodeButton,
  encodePreviewButton,
  type ButtonAction,
  type SurveyButton,
} from '../../../src/bot/prompt/callback-data.js';

const longestId = 'q'.repeat(32);
const biggestResponse = 999_999_999_999;

describe('button data', () => {
  const actions: ButtonAction[] = [
    { type: 'choose', responseId: biggestResponse, questionId: longestId, optionIndex: 11 },
    { type: 'toggle', responseId: 7, questionId: 'channels', optionIndex: 0 },
    { type: 'done', responseId: 7, questionId: 'channels' },
    { type: 'skip', responseId: 7, questionId: 'comment' },
    { type: 'back', responseId: 7, questionId: 'comment' },
    { type: 'back', responseId: 7, questionId: null },
    { type: 'submit', responseId: biggestResponse },
    { type: 'language', language: 'zh-Hans' },
    { type: 'continue', roundId: biggestResponse },
    { type: 'notify', on: false },
    { type: 'notify', on: true },
  ];

  it.each(actions)('round-trips $type', (action) => {
    expect(decodeButton(encodeButton(action))).toEqual(action);
  });

  it("fits Telegram's 64 bytes with the longest ids a questionnaire allows", () => {
    for (const action of actions) expect(Buffer.byteLength(encodeButton(action))).toBeLessThanOrEqual(64);
  });

  it.each([
    '',
    'hello',
    '2a:1:role:0',
    '1a:1:role',
    '1a:x:role:0',
    '1a:1:Role:0',
    '1a:1:role:123',
    '1d:1:role:1',
    '1s:1:',
    '1L:fr',
    '1S:1:role',
    `1a:1:${'q'.repeat(33)}:0`,
    '1C:',
    '1C:x',
    '1C:1:2',
    '1N:2',
    '1N:off',
  ])('refuses data it did not make: %j', (data) => {
    expect(decodeButton(data)).toBeNull();
  });
});

describe("a preview's button data", () => {
  const actions: SurveyButton[] = [
    { type: 'choose', responseId: biggestResponse, questionId: longestId, optionIndex: 11 },
    { type: 'toggle', responseId: 3, questionId: 'channels', optionIndex: 2 },
    { type: 'done', responseId: 3, questionId: 'channels' },
    { type: 'skip', responseId: 3, questionId: 'comment' },
    { type: 'back', responseId: 3, questionId: null },
    { type: 'submit', responseId: biggestResponse },
  ];

  it.each(actions)('round-trips $type, and fits 64 bytes', (action) => {
    const data = encodePreviewButton(action);
    expect(decodePreviewButton(data)).toEqual(action);
    expect(Buffer.byteLength(data)).toBeLessThanOrEqual(64);
  });

  it.each(actions)('is never taken for a survey button, nor a survey button for it: $type', (action) => {
    expect(decodeButton(encodePreviewButton(action))).toBeNull();
    expect(decodePreviewButton(encodeButton(action))).toBeNull();
  });

  it.each(['P', 'Pgarbage', 'P1L:en', 'PP1a:1:role:0', 'p1a:1:role:0', 'P2a:1:role:0'])('refuses data it did not make: %j', (data) => {
    expect(decodePreviewButton(data)).toBeNull();
  });
});
