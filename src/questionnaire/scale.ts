import type { Localized } from './languages.js';

export interface ScaleOption {
  value: string;
  /** Points towards the satisfaction index; null for "don't know", which counts only for awareness. */
  score: number | null;
  label: Localized;
}

/** The satisfaction scale of national surveys of organizational work, shared by every scale question. */
export const SATISFACTION_SCALE: readonly ScaleOption[] = [
  { value: '100', score: 100, label: { 'zh-Hant': '很滿意', 'zh-Hans': '很满意', en: 'Very satisfied' } },
  { value: '80', score: 80, label: { 'zh-Hant': '滿意', 'zh-Hans': '满意', en: 'Satisfied' } },
  { value: '60', score: 60, label: { 'zh-Hant': '基本滿意', 'zh-Hans': '基本满意', en: 'Fairly satisfied' } },
  { value: '30', score: 30, label: { 'zh-Hant': '不太滿意', 'zh-Hans': '不太满意', en: 'Not very satisfied' } },
  { value: '0', score: 0, label: { 'zh-Hant': '不滿意', 'zh-Hans': '不满意', en: 'Dissatisfied' } },
  { value: 'unknown', score: null, label: { 'zh-Hant': '不了解', 'zh-Hans': '不了解', en: "Don't know" } },
];
