import type { Language } from '../questionnaire/languages.js';

/*
 * The words of reach: posters, counts per source, reminders and opt-out, per
 * language. HTML where it goes into a message: callers escape titles and tags.
 */

export interface ReachTexts {
  // Where respondents came from (digest, final report, /status, /sources).
  sourcesSection: string;
  /** Residents who came without a tag (plain /start, a forwarded link). */
  direct: string;
  sourceLine(p: { tag: string; started: number; completed: number; index: string | null }): string;
  sourcesMore(p: { count: number }): string;
  /** Units (tags with a coverage target) a list leaves out. */
  unitsMore(p: { count: number }): string;
  sourcesTitle(p: { id: number; title: string }): string;
  sourcesLegend: string;
  sourcesNone: string;
  sourcesUsage: string;
  // Posters.
  posterBadTag: string;
  posterCaption(p: { link: string }): string;
  posterCallToAction: string;
  posterFacts(p: { minutes: number; questions: number }): string;
  // Coverage targets per unit (/target, /targets, /coverage, digest, final report).
  targetUsage: string;
  targetSet(p: { tag: string; target: number }): string;
  targetRemoved(p: { tag: string }): string;
  targetWasNone(p: { tag: string }): string;
  targetsTitle: string;
  targetLine(p: { tag: string; target: number }): string;
  targetsNone: string;
  coverageSection: string;
  coverageTitle(p: { id: number; title: string }): string;
  coverageLine(p: { unit: string; started: number; completed: number; target: number | null; percent: string | null }): string;
  coverageTotal(p: { completed: number; target: number; percent: string }): string;
  coverageNone: string;
  coverageLegend: string;
  coverageLagging(p: { units: string }): string;
  coverageRest(p: { count: number }): string;
  coverageChartTitle: string;
  coverageChartAxis: string;
  coverageChartSeries: string;
  /** Column headers of the coverage table in the workbook. */
  coverageColumns: { unit: string; started: string; completed: string; target: string; percent: string };
  // Residents: reminders and opt-out.
  reminder(p: { title: string; position: number | null; total: number }): string;
  lastCall(p: { title: string; closes: string }): string;
  continueButton: string;
  notifyOffButton: string;
  notifyOff: string;
  notifyOn: string;
  notifyState(p: { off: boolean }): string;
  nothingToContinue: string;
}

const zhHant: ReachTexts = {
  sourcesSection: '受訪者從哪裡來',
  direct: '直接進入',
  sourceLine: ({ tag, started, completed, index }) =>
    `${tag}：完成 ${completed}／開始 ${started}` + (index === null ? '' : `，指數 ${index}`),
  sourcesMore: ({ count }) => `…另有 ${count} 個來源`,
  unitsMore: ({ count }) => `…另有 ${count} 個單位`,
  sourcesTitle: ({ id, title }) => `<b>第 ${id} 輪「${title}」各來源人數</b>`,
  sourcesLegend: '來源是海報或連結的標籤（t.me/…?start=標籤）。滿 5 份完成回答的來源才顯示滿意度指數。',
  sourcesNone: '這一輪還沒有人開始作答。',
  sourcesUsage: '用法：/sources 或 /sources 輪次編號，例如 /sources 3',
  posterBadTag: '標籤只能用 1–64 個英文字母、數字、_ 或 -，例如：/poster east_gate 歡迎參加滿意度調查',
  posterCaption: ({ link }) => `海報已備好：以 A4 原尺寸列印。二維碼開啟 ${link}`,
  posterCallToAction: '用手機掃描二維碼，在 Telegram 參加滿意度調查',
  posterFacts: ({ minutes, questions }) => `匿名 · 約 ${minutes} 分鐘 · ${questions} 題`,
  targetUsage: '用法：/target 標籤 人數（1 至 1,000,000 的整數）或 /target 標籤 off；標籤為 1–64 個英文字母、數字、_ 或 -，例如 /target east_gate 300',
  targetSet: ({ tag, target }) => `已設定 ${tag} 的目標：完成 ${target} 份。`,
  targetRemoved: ({ tag }) => `已取消 ${tag} 的目標。`,
  targetWasNone: ({ tag }) => `${tag} 本來就沒有目標。`,
  targetsTitle: '<b>各單位的目標（完成份數）</b>',
  targetLine: ({ tag, target }) => `${tag}：${target}`,
  targetsNone: '還沒有設定任何目標。用 /target 標籤 人數 設定，例如 /target east_gate 300',
  coverageSection: '覆蓋情況',
  coverageTitle: ({ id, title }) => `<b>第 ${id} 輪「${title}」各單位覆蓋情況</b>`,
  coverageLine: ({ unit, started, completed, target, percent }) =>
    `${unit}：完成 ${completed}／開始 ${started}` + (target === null ? '，未設目標' : `，目標 ${target}（${percent}）`),
  coverageTotal: ({ completed, target, percent }) => `合計：完成 ${completed}／目標 ${target}（${percent}）`,
  coverageNone: '還沒有設定目標，也還沒有人從任何標籤進入。',
  coverageLegend: '單位是海報或連結的標籤；目標與百分比按完成份數計，落後最多的排在前面。',
  coverageLagging: ({ units }) => `未達目標一半：${units}`,
  coverageRest: ({ count }) => `其餘 ${count} 個單位已達目標一半以上`,
  coverageChartTitle: '各單位完成目標的百分比',
  coverageChartAxis: '目標完成百分比（%）',
  coverageChartSeries: '完成／目標',
  coverageColumns: { unit: '單位（標籤）', started: '開始', completed: '完成', target: '目標', percent: '目標完成 %' },
  reminder: ({ title, position, total }) =>
    `您填寫的「${title}」還沒有完成` +
    (position === null ? '：所有問題都已回答，只差提交。' : `，停在第 ${position} / ${total} 題。`) +
    '按「繼續填寫」從上次的地方接著答。',
  lastCall: ({ title, closes }) => `⏰ 「${title}」將於 ${closes} 結束。您還沒有提交回答，按「繼續填寫」完成它。`,
  continueButton: '▶ 繼續填寫',
  notifyOffButton: '🔕 不要再通知我',
  notifyOff: '好的，我不會再主動傳訊息給您。您仍可隨時使用 /start 作答；想再收到通知，傳送 /notify on。',
  notifyOn: '好的，新一輪調查開始或您的問卷還沒填完時，我會通知您。不想收到，傳送 /notify off。',
  notifyState: ({ off }) =>
    (off ? '目前不會通知您。' : '目前會通知您新一輪調查，並提醒您完成問卷。') +
    '\n/notify off — 不要通知我\n/notify on — 通知我',
  nothingToContinue: '沒有待完成的問卷。傳送 /start 開始。',
};

const zhHans: ReachTexts = {
  sourcesSection: '受访者从哪里来',
  direct: '直接进入',
  sourceLine: ({ tag, started, completed, index }) =>
    `${tag}：完成 ${completed}／开始 ${started}` + (index === null ? '' : `，指数 ${index}`),
  sourcesMore: ({ count }) => `…另有 ${count} 个来源`,
  unitsMore: ({ count }) => `…另有 ${count} 个单位`,
  sourcesTitle: ({ id, title }) => `<b>第 ${id} 轮“${title}”各来源人数</b>`,
  sourcesLegend: '来源是海报或链接的标签（t.me/…?start=标签）。满 5 份完成回答的来源才显示满意度指数。',
  sourcesNone: '这一轮还没有人开始作答。',
  sourcesUsage: '用法：/sources 或 /sources 轮次编号，例如 /sources 3',
  posterBadTag: '标签只能用 1–64 个英文字母、数字、_ 或 -，例如：/poster east_gate 欢迎参加满意度调查',
  posterCaption: ({ link }) => `海报已备好：以 A4 原尺寸打印。二维码打开 ${link}`,
  posterCallToAction: '用手机扫描二维码，在 Telegram 参加满意度调查',
  posterFacts: ({ minutes, questions }) => `匿名 · 约 ${minutes} 分钟 · ${questions} 题`,
  targetUsage: '用法：/target 标签 人数（1 至 1,000,000 的整数）或 /target 标签 off；标签为 1–64 个英文字母、数字、_ 或 -，例如 /target east_gate 300',
  targetSet: ({ tag, target }) => `已设定 ${tag} 的目标：完成 ${target} 份。`,
  targetRemoved: ({ tag }) => `已取消 ${tag} 的目标。`,
  targetWasNone: ({ tag }) => `${tag} 本来就没有目标。`,
  targetsTitle: '<b>各单位的目标（完成份数）</b>',
  targetLine: ({ tag, target }) => `${tag}：${target}`,
  targetsNone: '还没有设定任何目标。用 /target 标签 人数 设定，例如 /target east_gate 300',
  coverageSection: '覆盖情况',
  coverageTitle: ({ id, title }) => `<b>第 ${id} 轮“${title}”各单位覆盖情况</b>`,
  coverageLine: ({ unit, started, completed, target, percent }) =>
    `${unit}：完成 ${completed}／开始 ${started}` + (target === null ? '，未设目标' : `，目标 ${target}（${percent}）`),
  coverageTotal: ({ completed, target, percent }) => `合计：完成 ${completed}／目标 ${target}（${percent}）`,
  coverageNone: '还没有设定目标，也还没有人从任何标签进入。',
  coverageLegend: '单位是海报或链接的标签；目标与百分比按完成份数计，落后最多的排在前面。',
  coverageLagging: ({ units }) => `未达目标一半：${units}`,
  coverageRest: ({ count }) => `其余 ${count} 个单位已达目标一半以上`,
  coverageChartTitle: '各单位完成目标的百分比',
  coverageChartAxis: '目标完成百分比（%）',
  coverageChartSeries: '完成／目标',
  coverageColumns: { unit: '单位（标签）', started: '开始', completed: '完成', target: '目标', percent: '目标完成 %' },
  reminder: ({ title, position, total }) =>
    `您填写的“${title}”还没有完成` +
    (position === null ? '：所有问题都已回答，只差提交。' : `，停在第 ${position} / ${total} 题。`) +
    '按“继续填写”从上次的地方接着答。',
  lastCall: ({ title, closes }) => `⏰ “${title}”将于 ${closes} 结束。您还没有提交回答，按“继续填写”完成它。`,
  continueButton: '▶ 继续填写',
  notifyOffButton: '🔕 不要再通知我',
  notifyOff: '好的，我不会再主动发消息给您。您仍可随时使用 /start 作答；想再收到通知，发送 /notify on。',
  notifyOn: '好的，新一轮调查开始或您的问卷还没填完时，我会通知您。不想收到，发送 /notify off。',
  notifyState: ({ off }) =>
    (off ? '目前不会通知您。' : '目前会通知您新一轮调查，并提醒您完成问卷。') +
    '\n/notify off — 不要通知我\n/notify on — 通知我',
  nothingToContinue: '没有待完成的问卷。发送 /start 开始。',
};

const en: ReachTexts = {
  sourcesSection: 'Where respondents came from',
  direct: 'direct',
  sourceLine: ({ tag, started, completed, index }) =>
    `${tag}: ${completed} completed / ${started} started` + (index === null ? '' : `, index ${index}`),
  sourcesMore: ({ count }) => (count === 1 ? '… and 1 more source' : `… and ${count} more sources`),
  unitsMore: ({ count }) => (count === 1 ? '… and 1 more unit' : `… and ${count} more units`),
  sourcesTitle: ({ id, title }) => `<b>Round ${id} “${title}”: respondents per source</b>`,
  sourcesLegend:
    'A source is the tag of a poster or link (t.me/…?start=tag). The satisfaction index is shown for sources with at least 5 completed responses.',
  sourcesNone: 'Nobody has started this round yet.',
  sourcesUsage: 'Usage: /sources, or /sources followed by a round id, e.g. /sources 3',
  posterBadTag: 'A tag is 1–64 letters A–Z or a–z, digits, _ or -, for example: /poster east_gate Have your say',
  posterCaption: ({ link }) => `Your poster: print it on A4 at actual size. The QR code opens ${link}`,
  posterCallToAction: 'Scan the QR code with your phone to take the survey in Telegram',
  posterFacts: ({ minutes, questions }) => `anonymous · about ${minutes} minutes · ${questions} questions`,
  targetUsage: 'Usage: /target tag n (a whole number from 1 to 1,000,000) or /target tag off; a tag is 1–64 letters A–Z or a–z, digits, _ or -, e.g. /target east_gate 300',
  targetSet: ({ tag, target }) => `Target of ${tag}: ${target} completed responses.`,
  targetRemoved: ({ tag }) => `The target of ${tag} is removed.`,
  targetWasNone: ({ tag }) => `${tag} had no target.`,
  targetsTitle: '<b>Targets per unit (completed responses)</b>',
  targetLine: ({ tag, target }) => `${tag}: ${target}`,
  targetsNone: 'No targets yet. Set one with /target tag n, e.g. /target east_gate 300',
  coverageSection: 'Coverage',
  coverageTitle: ({ id, title }) => `<b>Round ${id} “${title}”: coverage per unit</b>`,
  coverageLine: ({ unit, started, completed, target, percent }) =>
    `${unit}: ${completed} completed / ${started} started` + (target === null ? ', no target' : `, target ${target} (${percent})`),
  coverageTotal: ({ completed, target, percent }) => `Total: ${completed} completed of a target of ${target} (${percent})`,
  coverageNone: 'No targets are set and nobody has come by a tag yet.',
  coverageLegend: 'A unit is the tag of a poster or link; targets and percentages count completed responses, most lagging first.',
  coverageLagging: ({ units }) => `Below half of their target: ${units}`,
  coverageRest: ({ count }) => `${count} more ${count === 1 ? 'unit' : 'units'} at half of their target or above`,
  coverageChartTitle: 'Share of target per unit',
  coverageChartAxis: '% of target completed',
  coverageChartSeries: 'completed / target',
  coverageColumns: { unit: 'Unit (tag)', started: 'Started', completed: 'Completed', target: 'Target', percent: '% of target' },
  reminder: ({ title, position, total }) =>
    `You have not finished “${title}” yet` +
    (position === null ? ': every question is answered, only Submit is left.' : `; you stopped at question ${position} / ${total}.`) +
    ' Press Continue to pick up where you left off.',
  lastCall: ({ title, closes }) =>
    `⏰ “${title}” closes at ${closes}. You have not submitted your answers yet: press Continue to finish.`,
  continueButton: '▶ Continue',
  notifyOffButton: "🔕 Don't notify me",
  notifyOff: 'All right: I will not write to you first any more. You can still answer with /start at any time; send /notify on to hear from me again.',
  notifyOn: 'All right: I will tell you when a round opens and remind you of an unfinished survey. Send /notify off to stop.',
  notifyState: ({ off }) =>
    (off ? 'Notifications are off.' : 'Notifications are on: new rounds, and a reminder of an unfinished survey.') +
    '\n/notify off — don’t notify me\n/notify on — notify me',
  nothingToContinue: 'There is no survey to continue. Send /start to begin.',
};

export const REACH_TEXTS: Record<Language, ReachTexts> = { 'zh-Hant': zhHant, 'zh-Hans': zhHans, en };
