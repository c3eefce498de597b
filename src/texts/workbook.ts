import type { Language } from '../questionnaire/languages.js';

/** The fixed leading columns of an export (export/csv.ts lists them in order), each with a header here. */
export type LeadingColumn = 'response_key' | 'status' | 'started_at' | 'completed_at' | 'language' | 'source' | 'flags';

/** The words of the Excel report (/report), per language: sheet names, labels, column headers. */
export interface WorkbookTexts {
  summarySheet: string;
  distributionsSheet: string;
  responsesSheet: string;
  title(p: { id: number; title: string }): string;
  opened: string;
  closed: string;
  stillOpen: string;
  started: string;
  completed: string;
  completionRate: string;
  counted: string;
  quality: string;
  tooFast: string;
  straightLine: string;
  leftOut: string;
  headline: string;
  index: string;
  value: string;
  previousRound: string;
  change: string;
  dimensions: string;
  dimension: string;
  satisfactionIndex: string;
  satisfactionRate: string;
  awarenessRate: string;
  respondents: string;
  groups: string;
  group: string;
  overall: string;
  sources: string;
  source: string;
  withheld: string;
  question: string;
  option: string;
  count: string;
  share: string;
  foldedOptions: string;
  columns: Record<LeadingColumn, string>;
  thisRound: string;
  previousRoundChart: string;
  chartTitle: string;
  /** Half-width of the 95% interval. */
  margin: string;
  n: string;
  /** Low and high ends of a rate's 95% (Wilson) interval. */
  low: string;
  high: string;
  /** ▲ ▼ for a change beyond its margin, ≈ inside it, empty below 30 a side. */
  realChange: string;
  funnelSheet: string;
  reached: string;
  answered: string;
  stoppedHere: string;
  medianSeconds: string;
  funnelAtSummary: string;
  codebookSheet: string;
}

const zhHant: WorkbookTexts = {
  summarySheet: '摘要',
  distributionsSheet: '各題分佈',
  responsesSheet: '全部回答',
  title: ({ id, title }) => `第 ${id} 輪調查「${title}」結果報告`,
  opened: '開放時間',
  closed: '結束時間',
  stillOpen: '進行中',
  started: '開始作答',
  completed: '完成',
  completionRate: '完成率（%）',
  counted: '計入指數',
  quality: '回答品質',
  tooFast: '作答過快',
  straightLine: '各題同一選項',
  leftOut: '未計入指數',
  headline: '主要指數',
  index: '指數',
  value: '數值',
  previousRound: '上一輪',
  change: '變化',
  dimensions: '各維度',
  dimension: '維度',
  satisfactionIndex: '滿意度指數',
  satisfactionRate: '滿意率（%）',
  awarenessRate: '知曉率（%）',
  respondents: '人數',
  groups: '各受訪群體',
  group: '群體',
  overall: '整體',
  sources: '來源',
  source: '來源標籤',
  withheld: '少於 5 人，不顯示',
  question: '題目',
  option: '選項',
  count: '人數',
  share: '比例（%）',
  foldedOptions: '其他選項（各少於 5 人）',
  columns: {
    response_key: '回答編號',
    status: '狀態',
    started_at: '開始時間（UTC）',
    completed_at: '完成時間（UTC）',
    language: '語言',
    source: '來源',
    flags: '品質標記',
  },
  thisRound: '本輪',
  previousRoundChart: '上一輪',
  chartTitle: '各維度滿意度指數：本輪與上一輪',
  margin: '誤差（±，95%）',
  n: 'n',
  low: '下限（%）',
  high: '上限（%）',
  realChange: '實際變化（▲▼；≈ 在誤差範圍內）',
  funnelSheet: '停下的題目',
  reached: '到達',
  answered: '作答',
  stoppedHere: '在此停下',
  medianSeconds: '中位用時（秒）',
  funnelAtSummary: '答完全部題目但未提交',
  codebookSheet: '編碼本',
};

const zhHans: WorkbookTexts = {
  summarySheet: '摘要',
  distributionsSheet: '各题分布',
  responsesSheet: '全部回答',
  title: ({ id, title }) => `第 ${id} 轮调查“${title}”结果报告`,
  opened: '开放时间',
  closed: '结束时间',
  stillOpen: '进行中',
  started: '开始作答',
  completed: '完成',
  completionRate: '完成率（%）',
  counted: '计入指数',
  quality: '回答质量',
  tooFast: '作答过快',
  straightLine: '各题同一选项',
  leftOut: '未计入指数',
  headline: '主要指数',
  index: '指数',
  value: '数值',
  previousRound: '上一轮',
  change: '变化',
  dimensions: '各维度',
  dimension: '维度',
  satisfactionIndex: '满意度指数',
  satisfactionRate: '满意率（%）',
  awarenessRate: '知晓率（%）',
  respondents: '人数',
  groups: '各受访群体',
  group: '群体',
  overall: '整体',
  sources: '来源',
  source: '来源标签',
  withheld: '少于 5 人，不显示',
  question: '题目',
  option: '选项',
  count: '人数',
  share: '比例（%）',
  foldedOptions: '其他选项（各少于 5 人）',
  columns: {
    response_key: '回答编号',
    status: '状态',
    started_at: '开始时间（UTC）',
    completed_at: '完成时间（UTC）',
    language: '语言',
    source: '来源',
    flags: '质量标记',
  },
  thisRound: '本轮',
  previousRoundChart: '上一轮',
  chartTitle: '各维度满意度指数：本轮与上一轮',
  margin: '误差（±，95%）',
  n: 'n',
  low: '下限（%）',
  high: '上限（%）',
  realChange: '实际变化（▲▼；≈ 在误差范围内）',
  funnelSheet: '停下的题目',
  reached: '到达',
  answered: '作答',
  stoppedHere: '在此停下',
  medianSeconds: '中位用时（秒）',
  funnelAtSummary: '答完全部题目但未提交',
  codebookSheet: '编码本',
};

const en: WorkbookTexts = {
  summarySheet: 'Summary',
  distributionsSheet: 'Distributions',
  responsesSheet: 'Responses',
  title: ({ id, title }) => `Report of round ${id} “${title}”`,
  opened: 'Opened',
  closed: 'Closed',
  stillOpen: 'still open',
  started: 'Started',
  completed: 'Completed',
  completionRate: 'Completion rate (%)',
  counted: 'Counted in the indexes',
  quality: 'Response quality',
  tooFast: 'Finished too fast',
  straightLine: 'Same option on every scale question',
  leftOut: 'Left out of the indexes',
  headline: 'Headline indexes',
  index: 'Index',
  value: 'Value',
  previousRound: 'Previous round',
  change: 'Change',
  dimensions: 'Dimensions',
  dimension: 'Dimension',
  satisfactionIndex: 'Satisfaction index',
  satisfactionRate: 'Satisfaction rate (%)',
  awarenessRate: 'Awareness rate (%)',
  respondents: 'Respondents',
  groups: 'Respondent groups',
  group: 'Group',
  overall: 'Overall',
  sources: 'Sources',
  source: 'Tag',
  withheld: 'fewer than 5, not shown',
  question: 'Question',
  option: 'Option',
  count: 'Count',
  share: 'Share (%)',
  foldedOptions: 'other options (each chosen by fewer than 5)',
  columns: {
    response_key: 'Response key',
    status: 'Status',
    started_at: 'Started (UTC)',
    completed_at: 'Completed (UTC)',
    language: 'Language',
    source: 'Source',
    flags: 'Quality flags',
  },
  thisRound: 'This round',
  previousRoundChart: 'Previous round',
  chartTitle: 'Satisfaction index by dimension: this round and the previous one',
  margin: 'Margin (±, 95%)',
  n: 'n',
  low: 'Low (%)',
  high: 'High (%)',
  realChange: 'Real change (▲▼; ≈ within noise)',
  funnelSheet: 'Funnel',
  reached: 'Reached',
  answered: 'Answered',
  stoppedHere: 'Stopped here',
  medianSeconds: 'Median time (s)',
  funnelAtSummary: 'Answered everything but did not submit',
  codebookSheet: 'Codebook',
};

export const WORKBOOK_TEXTS: Record<Language, WorkbookTexts> = { 'zh-Hant': zhHant, 'zh-Hans': zhHans, en };
