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
  sourcesTitle(p: { id: number; title: string }): string;
  sourcesLegend: string;
  sourcesNone: string;
  sourcesUsage: string;
  // Posters.
  posterBadTag: string;
  posterCaption(p: { link: string }): string;
  posterCallToAction: string;
  posterFacts(p: { minutes: number; questions: number }): string;
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
  sourcesTitle: ({ id, title }) => `<b>第 ${id} 輪「${title}」各來源人數</b>`,
  sourcesLegend: '來源是海報或連結的標籤（t.me/…?start=標籤）。滿 5 份完成回答的來源才顯示滿意度指數。',
  sourcesNone: '這一輪還沒有人開始作答。',
  sourcesUsage: '用法：/sources 或 /sources 輪次編號，例如 /sources 3',
  posterBadTag: '標籤只能用 1–64 個英文字母、數字、_ 或 -，例如：/poster east_gate 歡迎參加滿意度調查',
  posterCaption: ({ link }) => `海報已備好：以 A4 原尺寸列印。二維碼開啟 ${link}`,
  posterCallToAction: '用手機掃描二維碼，在 Telegram 參加滿意度調查',
  posterFacts: ({ minutes, questions }) => `匿名 · 約 ${minutes} 分鐘 · ${questions} 題`,
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
  sourcesTitle: ({ id, title }) => `<b>第 ${id} 轮“${title}”各来源人数</b>`,
  sourcesLegend: '来源是海报或链接的标签（t.me/…?start=标签）。满 5 份完成回答的来源才显示满意度指数。',
  sourcesNone: '这一轮还没有人开始作答。',
  sourcesUsage: '用法：/sources 或 /sources 轮次编号，例如 /sources 3',
  posterBadTag: '标签只能用 1–64 个英文字母、数字、_ 或 -，例如：/poster east_gate 欢迎参加满意度调查',
  posterCaption: ({ link }) => `海报已备好：以 A4 原尺寸打印。二维码打开 ${link}`,
  posterCallToAction: '用手机扫描二维码，在 Telegram 参加满意度调查',
  posterFacts: ({ minutes, questions }) => `匿名 · 约 ${minutes} 分钟 · ${questions} 题`,
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
  sourcesMore: ({ count }) => `… and ${count} more sources`,
  sourcesTitle: ({ id, title }) => `<b>Round ${id} “${title}”: respondents per source</b>`,
  sourcesLegend:
    'A source is the tag of a poster or link (t.me/…?start=tag). The satisfaction index is shown for sources with at least 5 completed responses.',
  sourcesNone: 'Nobody has started this round yet.',
  sourcesUsage: 'Usage: /sources, or /sources followed by a round id, e.g. /sources 3',
  posterBadTag: 'A tag is 1–64 letters A–Z or a–z, digits, _ or -, for example: /poster east_gate Have your say',
  posterCaption: ({ link }) => `Your poster: print it on A4 at actual size. The QR code opens ${link}`,
  posterCallToAction: 'Scan the QR code with your phone to take the survey in Telegram',
  posterFacts: ({ minutes, questions }) => `anonymous · about ${minutes} minutes · ${questions} questions`,
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
