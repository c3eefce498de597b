import type { Language } from '../questionnaire/languages.js';

/** The words of the weekly digest and the final report, per language. */
export interface ReportTexts {
  digestTitle: string;
  late(p: { scheduled: string }): string;
  period(p: { from: string; to: string }): string;
  rounds(p: { list: string }): string;
  noRound: string;
  newResponses(p: { completed: number; started: number; total: number }): string;
  quietWeek: string;
  /** While a round is open, its figures move in steps of five completed responses (no differencing). */
  figuresOver(p: { n: number; held: number }): string;
  headline: string;
  dimensions: string;
  dimensionLegend: string;
  lowest: string;
  improvements: string;
  awareness: string;
  mix: string;
  withheldGroup(p: { count: number }): string;
  withheldOptions: string;
  suggestions: string;
  fresh: string;
  withheld: string;
  /** Where nobody answered (distinct from a figure withheld for fewer than 5). */
  noAnswers: string;
  /** A change inside its 95% margin: `≈` with the change in words. */
  withinNoise(p: { change: string }): string;
  /** Indexes and dimensions whose change is larger than its margin. */
  moved: string;
  movedNone: string;
  /** Short, for charts: a bar withheld by the five-respondent rule. */
  chartWithheld: string;
  /** The final report's line on where residents gave up (the three questions that lose most). */
  funnelLine(p: { stopped: number; started: number; worst: string }): string;
  funnelNone: string;
  funnelTitle(p: { id: number; title: string }): string;
  funnelCounts(p: { started: number; completed: number; atSummary: number }): string;
  funnelStep(p: { reached: number; answered: number; stopped: number; median: string | null }): string;
  /** A median time in seconds, rounded. */
  funnelSeconds(p: { seconds: number }): string;
  funnelWorst: string;
  funnelEmpty: string;
  funnelChartTitle: string;
  funnelChartSeries: string;
  funnelChartAxis: string;
  chartTitle: string;
  chartThisWeek: string;
  chartLastWeek: string;
  chartAxis: string;
  chartCaption(p: { from: string; to: string }): string;
  reportTitle(p: { id: number; title: string }): string;
  reportPeriod(p: { opened: string; closed: string }): string;
  reportCounts(p: { completed: number; started: number; rate: string }): string;
  dimensionLegendRound: string;
  comparedWith(p: { id: number; title: string }): string;
  quality: string;
  qualityNone: string;
  qualityFlagged(p: { flagged: number; tooFast: number; straightLine: number }): string;
  qualityLeftOut: string;
  qualityCounted: string;
  groupsBelow: string;
  groupBelow(p: { index: string; group: string; value: string; overall: string; gap: string }): string;
  otherGroups: string;
  trendTitle: string;
  trendWeek(p: { week: number }): string;
  trendRound(p: { id: number; title: string }): string;
  noData: string;
  groupsTitle(p: { id: number; title: string }): string;
  groupsRule: string;
  groupCount(p: { count: number }): string;
  noGroupResponses: string;
  overall: string;
}

const zhHant: ReportTexts = {
  digestTitle: '📊 每週滿意度摘要',
  late: ({ scheduled }) => `（原定 ${scheduled} 發送，因服務中斷延後送出）`,
  period: ({ from, to }) => `${from} 至 ${to}`,
  rounds: ({ list }) => `調查：${list}`,
  noRound: '本週沒有進行中的調查。',
  figuresOver: ({ n, held }) => `以下數字依前 ${n} 份完成的問卷（n = ${n}）；最新 ${held} 份待完成總數到下一個 5 的倍數時再計入，以免看出單人的答案。`,
  newResponses: ({ completed, started, total }) => `本週新增：完成 ${completed} 份，開始作答 ${started} 份；累計完成 ${total} 份`,
  quietWeek: '本週沒有新的回答。',
  headline: '主要指數',
  dimensions: '各維度',
  dimensionLegend: '指數（與上週比較）· 滿意率',
  lowest: '得分最低的題目（優先改進）',
  improvements: '最多人選的改進方面',
  awareness: '知曉率',
  mix: '受訪者構成',
  withheldGroup: ({ count }) => `其他（各組少於 5 人，合計 ${count} 人）`,
  withheldOptions: '其他選項（各少於 5 人選擇）',
  suggestions: '近期建議',
  fresh: '新',
  withheld: '（少於 5 人，不顯示）',
  noAnswers: '—（無人作答）',
  withinNoise: ({ change }) => `≈ <i>${change}，在誤差範圍內</i>`,
  moved: '有實際變化的指數（超出誤差範圍）',
  movedNone: '沒有超出誤差範圍的變化。',
  chartWithheld: '少於 5 人',
  funnelLine: ({ stopped, started, worst }) => `${started} 份開始作答，${stopped} 份中途停下；最多人停下的題目：${worst}（/funnel 查看詳情）`,
  funnelNone: '沒有人中途停下。',
  funnelTitle: ({ id, title }) => `第 ${id} 輪「${title}」：居民在哪裡停下`,
  funnelCounts: ({ started, completed, atSummary }) =>
    `${started} 份開始作答，${completed} 份提交` + (atSummary > 0 ? `；${atSummary} 份答完全部題目但未按提交` : ''),
  funnelStep: ({ reached, answered, stopped, median }) =>
    `到達 ${reached} · 作答 ${answered} · 在此停下 ${stopped}` + (median ? ` · 中位用時 ${median}` : ''),
  funnelSeconds: ({ seconds }) => `${seconds} 秒`,
  funnelWorst: '最多人停下的題目',
  funnelEmpty: '這一輪還沒有人開始作答。',
  funnelChartTitle: '到達各題的居民（佔開始作答者）',
  funnelChartSeries: '到達',
  funnelChartAxis: '佔開始作答者的百分比',
  chartTitle: '各維度滿意度指數：本週與上週',
  chartThisWeek: '本週',
  chartLastWeek: '上週',
  chartAxis: '滿意度指數（0–100）',
  chartCaption: ({ from, to }) => `各維度滿意度指數，${from} 至 ${to}`,
  reportTitle: ({ id, title }) => `📋 第 ${id} 輪調查「${title}」結果報告`,
  reportPeriod: ({ opened, closed }) => `${opened} 至 ${closed}`,
  reportCounts: ({ completed, started, rate }) => `完成 ${completed} 份，開始作答 ${started} 份（完成率 ${rate}）`,
  dimensionLegendRound: '指數（與上一輪比較）· 滿意率',
  comparedWith: ({ id, title }) => `▲▼ 與第 ${id} 輪「${title}」比較`,
  quality: '回答品質',
  qualityNone: '沒有被標記的回答。',
  qualityFlagged: ({ flagged, tooFast, straightLine }) => `${flagged} 份被標記（作答過快 ${tooFast}，各題同一選項 ${straightLine}）`,
  qualityLeftOut: '，未計入指數。',
  qualityCounted: '，仍計入指數（QUALITY_FILTER=off）。',
  groupsBelow: '低於整體最多的群體',
  groupBelow: ({ index, group, value, overall, gap }) => `${index}：${group} ${value}（整體 ${overall}，低 ${gap}）`,
  otherGroups: '其他群體（各少於 5 人）',
  trendTitle: '主要指數趨勢（按週）',
  trendWeek: ({ week }) => `第${week}週`,
  trendRound: ({ id, title }) => `#${id} ${title}`,
  noData: '無數據',
  groupsTitle: ({ id, title }) => `第 ${id} 輪「${title}」各受訪群體的指數`,
  groupsRule: '少於 5 人的群體合併為「其他群體」；少於 5 人作答的數字不顯示。',
  groupCount: ({ count }) => `（${count} 人）`,
  noGroupResponses: '還沒有計入指數的回答。',
  overall: '整體',
};

const zhHans: ReportTexts = {
  digestTitle: '📊 每周满意度摘要',
  late: ({ scheduled }) => `（原定 ${scheduled} 发送，因服务中断延后送出）`,
  period: ({ from, to }) => `${from} 至 ${to}`,
  rounds: ({ list }) => `调查：${list}`,
  noRound: '本周没有进行中的调查。',
  figuresOver: ({ n, held }) => `以下数字依前 ${n} 份完成的问卷（n = ${n}）；最新 ${held} 份待完成总数到下一个 5 的倍数时再计入，以免看出单人的答案。`,
  newResponses: ({ completed, started, total }) => `本周新增：完成 ${completed} 份，开始作答 ${started} 份；累计完成 ${total} 份`,
  quietWeek: '本周没有新的回答。',
  headline: '主要指数',
  dimensions: '各维度',
  dimensionLegend: '指数（与上周比较）· 满意率',
  lowest: '得分最低的题目（优先改进）',
  improvements: '最多人选的改进方面',
  awareness: '知晓率',
  mix: '受访者构成',
  withheldGroup: ({ count }) => `其他（各组少于 5 人，合计 ${count} 人）`,
  withheldOptions: '其他选项（各少于 5 人选择）',
  suggestions: '近期建议',
  fresh: '新',
  withheld: '（少于 5 人，不显示）',
  noAnswers: '—（无人作答）',
  withinNoise: ({ change }) => `≈ <i>${change}，在误差范围内</i>`,
  moved: '有实际变化的指数（超出误差范围）',
  movedNone: '没有超出误差范围的变化。',
  chartWithheld: '少于 5 人',
  funnelLine: ({ stopped, started, worst }) => `${started} 份开始作答，${stopped} 份中途停下；最多人停下的题目：${worst}（/funnel 查看详情）`,
  funnelNone: '没有人中途停下。',
  funnelTitle: ({ id, title }) => `第 ${id} 轮“${title}”：居民在哪里停下`,
  funnelCounts: ({ started, completed, atSummary }) =>
    `${started} 份开始作答，${completed} 份提交` + (atSummary > 0 ? `；${atSummary} 份答完全部题目但未按提交` : ''),
  funnelStep: ({ reached, answered, stopped, median }) =>
    `到达 ${reached} · 作答 ${answered} · 在此停下 ${stopped}` + (median ? ` · 中位用时 ${median}` : ''),
  funnelSeconds: ({ seconds }) => `${seconds} 秒`,
  funnelWorst: '最多人停下的题目',
  funnelEmpty: '这一轮还没有人开始作答。',
  funnelChartTitle: '到达各题的居民（占开始作答者）',
  funnelChartSeries: '到达',
  funnelChartAxis: '占开始作答者的百分比',
  chartTitle: '各维度满意度指数：本周与上周',
  chartThisWeek: '本周',
  chartLastWeek: '上周',
  chartAxis: '满意度指数（0–100）',
  chartCaption: ({ from, to }) => `各维度满意度指数，${from} 至 ${to}`,
  reportTitle: ({ id, title }) => `📋 第 ${id} 轮调查“${title}”结果报告`,
  reportPeriod: ({ opened, closed }) => `${opened} 至 ${closed}`,
  reportCounts: ({ completed, started, rate }) => `完成 ${completed} 份，开始作答 ${started} 份（完成率 ${rate}）`,
  dimensionLegendRound: '指数（与上一轮比较）· 满意率',
  comparedWith: ({ id, title }) => `▲▼ 与第 ${id} 轮“${title}”比较`,
  quality: '回答质量',
  qualityNone: '没有被标记的回答。',
  qualityFlagged: ({ flagged, tooFast, straightLine }) => `${flagged} 份被标记（作答过快 ${tooFast}，各题同一选项 ${straightLine}）`,
  qualityLeftOut: '，未计入指数。',
  qualityCounted: '，仍计入指数（QUALITY_FILTER=off）。',
  groupsBelow: '低于整体最多的群体',
  groupBelow: ({ index, group, value, overall, gap }) => `${index}：${group} ${value}（整体 ${overall}，低 ${gap}）`,
  otherGroups: '其他群体（各少于 5 人）',
  trendTitle: '主要指数趋势（按周）',
  trendWeek: ({ week }) => `第${week}周`,
  trendRound: ({ id, title }) => `#${id} ${title}`,
  noData: '无数据',
  groupsTitle: ({ id, title }) => `第 ${id} 轮“${title}”各受访群体的指数`,
  groupsRule: '少于 5 人的群体合并为“其他群体”；少于 5 人作答的数字不显示。',
  groupCount: ({ count }) => `（${count} 人）`,
  noGroupResponses: '还没有计入指数的回答。',
  overall: '整体',
};

const en: ReportTexts = {
  digestTitle: '📊 Weekly satisfaction digest',
  late: ({ scheduled }) => `(due ${scheduled}; sent late because the bot was down)`,
  period: ({ from, to }) => `${from} to ${to}`,
  rounds: ({ list }) => `Round: ${list}`,
  noRound: 'No round was open this week.',
  figuresOver: ({ n, held }) =>
    `Figures over the first ${n} completed responses (n = ${n}); the latest ${held} count once the round's completed total reaches the next multiple of 5, so no single answer can be told apart.`,
  newResponses: ({ completed, started, total }) =>
    `This week: ${completed} completed, ${started} started; ${total} completed in total`,
  quietWeek: 'No new responses this week.',
  headline: 'Headline indexes',
  dimensions: 'Dimensions',
  dimensionLegend: 'index (change on last week) · satisfaction rate',
  lowest: 'Lowest-scoring questions (work on these first)',
  improvements: 'Most chosen “needs improving” items',
  awareness: 'Awareness rate',
  mix: 'Respondents',
  withheldGroup: ({ count }) => `others (groups under 5, ${count} in all)`,
  withheldOptions: 'other options (each chosen by fewer than 5)',
  suggestions: 'Recent suggestions',
  fresh: 'new',
  withheld: '(fewer than 5 respondents, not shown)',
  noAnswers: '— (no answers)',
  withinNoise: ({ change }) => `≈ <i>${change}, within noise</i>`,
  moved: 'Real changes (larger than their margin)',
  movedNone: 'Nothing changed by more than its margin.',
  chartWithheld: 'fewer than 5',
  funnelLine: ({ stopped, started, worst }) => `${started} started, ${stopped} stopped part-way; most stopped at: ${worst} (details: /funnel)`,
  funnelNone: 'Nobody stopped part-way.',
  funnelTitle: ({ id, title }) => `Where residents give up, round ${id} “${title}”`,
  funnelCounts: ({ started, completed, atSummary }) =>
    `${started} started, ${completed} submitted` + (atSummary > 0 ? `; ${atSummary} answered everything but did not submit` : ''),
  funnelStep: ({ reached, answered, stopped, median }) =>
    `reached ${reached} · answered ${answered} · stopped here ${stopped}` + (median ? ` · median ${median}` : ''),
  funnelSeconds: ({ seconds }) => `${seconds} s`,
  funnelWorst: 'Where most stopped',
  funnelEmpty: 'Nobody has started this round yet.',
  funnelChartTitle: 'Residents who reached each question (share of those who started)',
  funnelChartSeries: 'Reached',
  funnelChartAxis: '% of residents who started',
  chartTitle: 'Satisfaction index by dimension: this week and last',
  chartThisWeek: 'This week',
  chartLastWeek: 'Last week',
  chartAxis: 'Satisfaction index (0–100)',
  chartCaption: ({ from, to }) => `Satisfaction index by dimension, ${from} to ${to}`,
  reportTitle: ({ id, title }) => `📋 Final report of round ${id} “${title}”`,
  reportPeriod: ({ opened, closed }) => `${opened} to ${closed}`,
  reportCounts: ({ completed, started, rate }) => `${completed} completed, ${started} started (completion rate ${rate})`,
  dimensionLegendRound: 'index (change on the previous round) · satisfaction rate',
  comparedWith: ({ id, title }) => `▲▼ against round ${id} “${title}”`,
  quality: 'Response quality',
  qualityNone: 'No response was flagged.',
  qualityFlagged: ({ flagged, tooFast, straightLine }) =>
    `${flagged} flagged (${tooFast} finished too fast, ${straightLine} the same option on every scale question)`,
  qualityLeftOut: '; left out of the indexes.',
  qualityCounted: '; still counted in the indexes (QUALITY_FILTER=off).',
  groupsBelow: 'Group furthest below the overall index',
  groupBelow: ({ index, group, value, overall, gap }) => `${index}: ${group} ${value} (overall ${overall}, ${gap} lower)`,
  otherGroups: 'other groups (each under 5)',
  trendTitle: 'Headline indexes by week',
  trendWeek: ({ week }) => `W${week}`,
  trendRound: ({ id, title }) => `#${id} ${title}`,
  noData: 'no data',
  groupsTitle: ({ id, title }) => `Indexes by respondent group, round ${id} “${title}”`,
  groupsRule: 'Groups of fewer than 5 are folded into “other groups”; figures from fewer than 5 answers are not shown.',
  groupCount: ({ count }) => ` (${count})`,
  noGroupResponses: 'No response counts towards the indexes yet.',
  overall: 'Overall',
};

export const REPORT_TEXTS: Record<Language, ReportTexts> = { 'zh-Hant': zhHant, 'zh-Hans': zhHans, en };
