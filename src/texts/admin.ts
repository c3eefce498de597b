import type { Language } from '../questionnaire/languages.js';

/*
 * What the bot says to administrators, per language. HTML: callers escape
 * titles and anything else people typed.
 */

export const ADMIN_COMMANDS = [
  'open_round',
  'close_round',
  'status',
  'rounds',
  'digest',
  'export',
  'report',
  'groups',
  'trend',
  'sources',
  'funnel',
  'poster',
  'questionnaire',
  'preview',
  'target',
  'targets',
  'coverage',
  'themes',
  'feedback',
] as const;
export type AdminCommand = (typeof ADMIN_COMMANDS)[number];

export interface RoundLine {
  id: number;
  title: string;
  opened: string;
  closed: string | null;
  closes: string | null;
  /** The questionnaire version the round used; null for rounds from before versions were kept. */
  version: number | null;
  started: number;
  completed: number;
}

export interface AdminTexts {
  help: string;
  commandDescriptions: Record<AdminCommand, string>;
  openRoundUsage: string;
  titleTooLong(p: { max: number }): string;
  untilMalformed: string;
  /** A member of an admin chat not in ADMIN_USER_IDS tried to change something or take data out. */
  onlyNamedAdmins: string;
  untilPast(p: { date: string; zone: string }): string;
  roundAlreadyOpen(p: { title: string; openedAt: string }): string;
  roundOpened(p: { id: number; title: string; questions: number; closes: string | null }): string;
  noRoundOpen: string;
  noRounds: string;
  roundsTitle: string;
  roundLine(p: RoundLine): string;
  roundsMore(p: { count: number }): string;
  roundUsage(p: { command: string }): string;
  unknownRound(p: { id: number }): string;
  exportCaption(p: { id: number; title: string; responses: number }): string;
  codebookCaption(p: { id: number; title: string; columns: number }): string;
  reportCaption(p: { id: number; title: string; responses: number }): string;
  noGroupQuestion: string;
  trendUsage: string;
  trendCaption(p: { rounds: string }): string;
  trendNoData: string;
  statusTitle(p: { id: number; title: string }): string;
  statusLines(p: { opened: string; closes: string | null; started: number; completed: number }): string;
  roundClosed(p: { id: number; title: string; started: number; completed: number; automatically: boolean }): string;
  roundClosedHere: string;
}

const zhHant: AdminTexts = {
  help:
    '/open_round 標題 [--until 2026-12-31] — 以目前的問卷開放新一輪調查（可設截止日）\n' +
    '/close_round — 結束目前的調查，並向所有管理對話發送結果報告\n' +
    '/status — 目前調查的進度與滿意度\n' +
    '/rounds — 所有調查輪次\n' +
    '/digest — 立即在此發送每週摘要\n' +
    '/export [輪次編號] — 下載回答的 CSV 檔\n' +
    '/export codebook [輪次編號] — 下載 CSV 各欄的說明（編碼本：題目、類型、取值與標籤）\n' +
    '/report [輪次編號] — 下載 Excel 報告（摘要與圖表、各題分佈、全部回答）\n' +
    '/groups [輪次編號] — 各受訪群體的指數\n' +
    '/trend — 主要指數按週、按輪的趨勢圖\n' +
    '/questionnaire [版本] — 下一輪將使用的問卷（.yaml 檔）；把修改過的 .yaml 檔傳到這裡即成為新版本\n' +
    '/preview [zh-Hant|zh-Hans|en] — 在私人對話中以居民的角度走一遍下一輪的問卷，不記錄任何回答\n' +
    '/sources [輪次編號] — 各海報、連結（來源標籤）帶來多少人作答\n' +
    '/funnel [輪次編號] — 居民在哪一題停下：各題到達、作答、停下人數與中位用時\n' +
    '/poster 標籤 [標題] — 可列印的 A4 海報，二維碼開啟 t.me/機器人?start=標籤\n' +
    '/target 標籤 人數|off、/targets — 各單位（海報標籤）的目標完成份數\n' +
    '/coverage [輪次編號] — 各單位完成、開始、目標與百分比，落後的在前\n' +
    '/themes [輪次編號] — 每道文字題居民寫得最多的詞（至少 5 份回答提到）\n' +
    '/feedback 內容 — 調查結束後，向所有參與者發送結果與整改措施（先預覽，再確認）；/feedback status 查看發送情況\n' +
    '/help — 顯示說明' +
    '\n\n數字旁的「±」是 95% 的誤差範圍：例如 82.4 ±2.1 (n = 312) 表示換一批同樣的居民作答，指數很可能在 80.3 至 84.5 之間；n 是作答人數。只有變化大於其誤差範圍時才顯示 ▲▼，否則顯示「≈」；任一方少於 30 人時不作比較。',
  commandDescriptions: {
    open_round: '開放新一輪調查',
    close_round: '結束目前的調查',
    status: '目前調查的進度',
    rounds: '所有調查輪次',
    digest: '立即發送每週摘要',
    export: '下載回答（CSV）',
    report: '下載 Excel 報告',
    groups: '各受訪群體的指數',
    trend: '主要指數趨勢圖',
    questionnaire: '下載問卷（.yaml）',
    preview: '預覽下一輪的問卷',
    sources: '各來源的作答人數',
    funnel: '居民在哪一題停下',
    poster: '製作二維碼海報',
    target: '設定單位的目標人數',
    targets: '各單位的目標',
    coverage: '各單位完成目標的情況',
    themes: '居民寫得最多的主題',
    feedback: '向參與者發送整改反饋',
  },
  openRoundUsage: '請在指令後寫上標題，例如：/open_round 2026 年第四季（可加截止日：--until 2026-12-31）',
  titleTooLong: ({ max }) => `標題太長了，最多 ${max} 字。`,
  onlyNamedAdmins: '只有 ADMIN_USER_IDS 所列的管理員可以這樣做；每位成員都可以查看（/status、/rounds、/groups、/trend、/sources、/funnel、/coverage、/targets、/themes、/digest）。',
  untilMalformed: '截止日請寫成「年-月-日」，例如：/open_round 2026 年第四季 --until 2026-12-31',
  untilPast: ({ date, zone }) => `截止日 ${date} 已經過了（以 ${zone} 時間計）。請選擇今天或以後的日期。`,
  roundAlreadyOpen: ({ title, openedAt }) =>
    `已有一輪調查正在進行：「${title}」（${openedAt} 開放）。請先用 /close_round 結束它。`,
  roundOpened: ({ id, title, questions, closes }) =>
    `已開放第 ${id} 輪調查「${title}」，共 ${questions} 題。` + (closes ? `將於 ${closes} 自動結束。` : ''),
  noRoundOpen: '目前沒有正在進行的調查。',
  noRounds: '還沒有任何調查輪次。用 /open_round 標題 開放第一輪。',
  roundsTitle: '調查輪次（由新到舊）',
  roundLine: ({ id, title, opened, closed, closes, version, started, completed }) =>
    `<b>#${id}</b> ${title}\n　${opened} 開放，` +
    (closed ? `${closed} 結束` : closes ? `進行中，${closes} 截止` : '進行中') +
    `；完成 ${completed} 份／開始 ${started} 份` +
    (version === null ? '' : `；問卷第 ${version} 版`),
  roundsMore: ({ count }) => `…另有 ${count} 輪較早的調查。`,
  roundUsage: ({ command }) => `用法：/${command} 或 /${command} 輪次編號，例如 /${command} 3`,
  unknownRound: ({ id }) => `沒有第 ${id} 輪調查。用 /rounds 查看所有輪次。`,
  codebookCaption: ({ id, title, columns }) => `第 ${id} 輪「${title}」的編碼本：CSV 的 ${columns} 欄`,
  exportCaption: ({ id, title, responses }) => `第 ${id} 輪「${title}」：${responses} 份回答`,
  reportCaption: ({ id, title, responses }) => `第 ${id} 輪「${title}」報告：${responses} 份回答`,
  noGroupQuestion: '這一輪的問卷沒有指定受訪者類別的單選題（report.respondent_question），無法分群。',
  trendUsage: '用法：/trend（不需其他文字）',
  trendCaption: ({ rounds }) => `主要指數按週趨勢：${rounds}`,
  trendNoData: '還沒有足夠的回答畫出趨勢：每週至少要有 5 人作答。',
  statusTitle: ({ id, title }) => `<b>第 ${id} 輪「${title}」</b>`,
  statusLines: ({ opened, closes, started, completed }) =>
    `開放於 ${opened}` + (closes ? `，${closes} 截止` : '') + `\n開始作答 ${started} 份，完成 ${completed} 份`,
  roundClosed: ({ id, title, started, completed, automatically }) =>
    `第 ${id} 輪調查「${title}」已${automatically ? '到期自動' : ''}結束：完成 ${completed} 份，開始作答 ${started} 份。`,
  roundClosedHere: '調查已結束。',
};

const zhHans: AdminTexts = {
  help:
    '/open_round 标题 [--until 2026-12-31] — 以当前的问卷开放新一轮调查（可设截止日）\n' +
    '/close_round — 结束当前的调查，并向所有管理对话发送结果报告\n' +
    '/status — 当前调查的进度与满意度\n' +
    '/rounds — 所有调查轮次\n' +
    '/digest — 立即在此发送每周摘要\n' +
    '/export [轮次编号] — 下载回答的 CSV 文件\n' +
    '/export codebook [轮次编号] — 下载 CSV 各栏的说明（编码本：题目、类型、取值与标签）\n' +
    '/report [轮次编号] — 下载 Excel 报告（摘要与图表、各题分布、全部回答）\n' +
    '/groups [轮次编号] — 各受访群体的指数\n' +
    '/trend — 主要指数按周、按轮的趋势图\n' +
    '/questionnaire [版本] — 下一轮将使用的问卷（.yaml 文件）；把修改过的 .yaml 文件发到这里即成为新版本\n' +
    '/preview [zh-Hant|zh-Hans|en] — 在私聊中以居民的角度走一遍下一轮的问卷，不记录任何回答\n' +
    '/sources [轮次编号] — 各海报、链接（来源标签）带来多少人作答\n' +
    '/funnel [轮次编号] — 居民在哪一题停下：各题到达、作答、停下人数与中位用时\n' +
    '/poster 标签 [标题] — 可打印的 A4 海报，二维码打开 t.me/机器人?start=标签\n' +
    '/target 标签 人数|off、/targets — 各单位（海报标签）的目标完成份数\n' +
    '/coverage [轮次编号] — 各单位完成、开始、目标与百分比，落后的在前\n' +
    '/themes [轮次编号] — 每道文字题居民写得最多的词（至少 5 份回答提到）\n' +
    '/feedback 内容 — 调查结束后，向所有参与者发送结果与整改措施（先预览，再确认）；/feedback status 查看发送情况\n' +
    '/help — 显示说明' +
    '\n\n数字旁的“±”是 95% 的误差范围：例如 82.4 ±2.1 (n = 312) 表示换一批同样的居民作答，指数很可能在 80.3 至 84.5 之间；n 是作答人数。只有变化大于其误差范围时才显示 ▲▼，否则显示“≈”；任一方少于 30 人时不作比较。',
  commandDescriptions: {
    open_round: '开放新一轮调查',
    close_round: '结束当前的调查',
    status: '当前调查的进度',
    rounds: '所有调查轮次',
    digest: '立即发送每周摘要',
    export: '下载回答（CSV）',
    report: '下载 Excel 报告',
    groups: '各受访群体的指数',
    trend: '主要指数趋势图',
    questionnaire: '下载问卷（.yaml）',
    preview: '预览下一轮的问卷',
    sources: '各来源的作答人数',
    funnel: '居民在哪一题停下',
    poster: '制作二维码海报',
    target: '设定单位的目标人数',
    targets: '各单位的目标',
    coverage: '各单位完成目标的情况',
    themes: '居民写得最多的主题',
    feedback: '向参与者发送整改反馈',
  },
  openRoundUsage: '请在指令后写上标题，例如：/open_round 2026 年第四季度（可加截止日：--until 2026-12-31）',
  titleTooLong: ({ max }) => `标题太长了，最多 ${max} 字。`,
  onlyNamedAdmins: '只有 ADMIN_USER_IDS 所列的管理员可以这样做；每位成员都可以查看（/status、/rounds、/groups、/trend、/sources、/funnel、/coverage、/targets、/themes、/digest）。',
  untilMalformed: '截止日请写成“年-月-日”，例如：/open_round 2026 年第四季度 --until 2026-12-31',
  untilPast: ({ date, zone }) => `截止日 ${date} 已经过了（以 ${zone} 时间计）。请选择今天或以后的日期。`,
  roundAlreadyOpen: ({ title, openedAt }) =>
    `已有一轮调查正在进行：“${title}”（${openedAt} 开放）。请先用 /close_round 结束它。`,
  roundOpened: ({ id, title, questions, closes }) =>
    `已开放第 ${id} 轮调查“${title}”，共 ${questions} 题。` + (closes ? `将于 ${closes} 自动结束。` : ''),
  noRoundOpen: '目前没有正在进行的调查。',
  noRounds: '还没有任何调查轮次。用 /open_round 标题 开放第一轮。',
  roundsTitle: '调查轮次（由新到旧）',
  roundLine: ({ id, title, opened, closed, closes, version, started, completed }) =>
    `<b>#${id}</b> ${title}\n　${opened} 开放，` +
    (closed ? `${closed} 结束` : closes ? `进行中，${closes} 截止` : '进行中') +
    `；完成 ${completed} 份／开始 ${started} 份` +
    (version === null ? '' : `；问卷第 ${version} 版`),
  roundsMore: ({ count }) => `…另有 ${count} 轮较早的调查。`,
  roundUsage: ({ command }) => `用法：/${command} 或 /${command} 轮次编号，例如 /${command} 3`,
  unknownRound: ({ id }) => `没有第 ${id} 轮调查。用 /rounds 查看所有轮次。`,
  codebookCaption: ({ id, title, columns }) => `第 ${id} 轮“${title}”的编码本：CSV 的 ${columns} 栏`,
  exportCaption: ({ id, title, responses }) => `第 ${id} 轮“${title}”：${responses} 份回答`,
  reportCaption: ({ id, title, responses }) => `第 ${id} 轮“${title}”报告：${responses} 份回答`,
  noGroupQuestion: '这一轮的问卷没有指定受访者类别的单选题（report.respondent_question），无法分群。',
  trendUsage: '用法：/trend（不需其他文字）',
  trendCaption: ({ rounds }) => `主要指数按周趋势：${rounds}`,
  trendNoData: '还没有足够的回答画出趋势：每周至少要有 5 人作答。',
  statusTitle: ({ id, title }) => `<b>第 ${id} 轮“${title}”</b>`,
  statusLines: ({ opened, closes, started, completed }) =>
    `开放于 ${opened}` + (closes ? `，${closes} 截止` : '') + `\n开始作答 ${started} 份，完成 ${completed} 份`,
  roundClosed: ({ id, title, started, completed, automatically }) =>
    `第 ${id} 轮调查“${title}”已${automatically ? '到期自动' : ''}结束：完成 ${completed} 份，开始作答 ${started} 份。`,
  roundClosedHere: '调查已结束。',
};

const en: AdminTexts = {
  help:
    '/open_round title [--until 2026-12-31] — open a new round with the current questionnaire (optionally with a deadline)\n' +
    '/close_round — close the open round and send its final report to every admin chat\n' +
    '/status — progress and satisfaction of the open round\n' +
    '/rounds — every round\n' +
    '/digest — send the weekly digest here now\n' +
    '/export [round id] — download the responses as CSV\n' +
    '/export codebook [round id] — what each CSV column holds (codebook: question, type, values and labels)\n' +
    '/report [round id] — download an Excel report (summary with charts, distributions, responses)\n' +
    '/groups [round id] — indexes per respondent group\n' +
    '/trend — a chart of the headline indexes per week and round\n' +
    '/questionnaire [version] — the questionnaire the next round will use, as a .yaml file; send an edited .yaml file here to make a new version\n' +
    '/preview [zh-Hant|zh-Hans|en] — walk through the next round’s questionnaire as a resident would, in a private chat; nothing is recorded\n' +
    '/sources [round id] — residents started and completed per poster or link (deep-link tag)\n' +
    '/funnel [round id] — where residents give up: reached, answered, stopped and median time per question\n' +
    '/poster tag [headline] — a printable A4 poster whose QR code opens t.me/bot?start=tag\n' +
    '/target tag n|off, /targets — coverage targets (completed responses) per unit (poster tag)\n' +
    '/coverage [round id] — per unit: completed, started, target and % of target, lagging first\n' +
    '/themes [round id] — the terms residents wrote most, per text question (mentioned by 5 responses or more)\n' +
    '/feedback text — after a close, send everyone who took part the results and what was done (preview, then confirm); /feedback status shows how far it went\n' +
    '/help — show this help' +
    '\n\nThe ± beside a figure is its 95% margin: 82.4 ±2.1 (n = 312) means that had other residents of the same place answered, the index would very likely lie between 80.3 and 84.5; n is how many answered. ▲▼ appear only for a change larger than its margin, ≈ otherwise; with fewer than 30 on either side nothing is compared.',
  commandDescriptions: {
    open_round: 'Open a new survey round',
    close_round: 'Close the open round',
    status: 'Progress of the open round',
    rounds: 'Every round',
    digest: 'Send the weekly digest now',
    export: 'Download the responses (CSV)',
    report: 'Download the Excel report',
    groups: 'Indexes per respondent group',
    trend: 'Trend of the headline indexes',
    questionnaire: 'Download the questionnaire (.yaml)',
    preview: 'Preview the next round’s questionnaire',
    sources: 'Respondents per poster or link',
    funnel: 'Where residents give up',
    poster: 'Make a poster with a QR code',
    target: 'Set a unit’s coverage target',
    targets: 'Coverage targets per unit',
    coverage: 'Coverage per unit against its target',
    themes: 'What residents wrote about most',
    feedback: '“You said, we did” to participants',
  },
  openRoundUsage: 'Please give the round a title, for example: /open_round 2026 Q4 (optionally --until 2026-12-31)',
  titleTooLong: ({ max }) => `That title is too long; at most ${max} characters.`,
  onlyNamedAdmins: 'Only the administrators listed in ADMIN_USER_IDS may do this; every member may read (/status, /rounds, /groups, /trend, /sources, /funnel, /coverage, /targets, /themes, /digest).',
  untilMalformed: 'Write the deadline as year-month-day, for example: /open_round 2026 Q4 --until 2026-12-31',
  untilPast: ({ date, zone }) => `The deadline ${date} has already passed (in ${zone}). Choose today or a later day.`,
  roundAlreadyOpen: ({ title, openedAt }) =>
    `A round is already open: “${title}” (opened ${openedAt}). Close it first with /close_round.`,
  roundOpened: ({ id, title, questions, closes }) =>
    `Round ${id} “${title}” is open, with ${questions} questions.` + (closes ? ` It closes automatically at ${closes}.` : ''),
  noRoundOpen: 'No round is open.',
  noRounds: 'There are no rounds yet. Open the first with /open_round title.',
  roundsTitle: 'Rounds (newest first)',
  roundLine: ({ id, title, opened, closed, closes, version, started, completed }) =>
    `<b>#${id}</b> ${title}\n   opened ${opened}, ` +
    (closed ? `closed ${closed}` : closes ? `open until ${closes}` : 'open') +
    `; ${completed} completed / ${started} started` +
    (version === null ? '' : `; questionnaire v${version}`),
  roundsMore: ({ count }) => `… and ${count} older rounds.`,
  roundUsage: ({ command }) => `Usage: /${command}, or /${command} followed by a round id, e.g. /${command} 3`,
  unknownRound: ({ id }) => `There is no round ${id}. /rounds lists them all.`,
  codebookCaption: ({ id, title, columns }) => `Codebook of round ${id} “${title}”: the ${columns} columns of its CSV`,
  exportCaption: ({ id, title, responses }) => `Round ${id} “${title}”: ${responses} responses`,
  reportCaption: ({ id, title, responses }) => `Report of round ${id} “${title}”: ${responses} responses`,
  noGroupQuestion: 'This round’s questionnaire names no choice question of respondent groups (report.respondent_question), so there are no groups.',
  trendUsage: 'Usage: /trend (nothing after it)',
  trendCaption: ({ rounds }) => `Headline indexes week by week: ${rounds}`,
  trendNoData: 'Not enough responses for a trend yet: a week needs at least 5.',
  statusTitle: ({ id, title }) => `<b>Round ${id} “${title}”</b>`,
  statusLines: ({ opened, closes, started, completed }) =>
    `Opened ${opened}` + (closes ? `, closes ${closes}` : '') + `\n${started} started, ${completed} completed`,
  roundClosed: ({ id, title, started, completed, automatically }) =>
    `Round ${id} “${title}” ${automatically ? 'reached its deadline and ' : ''}is closed: ${completed} completed, ${started} started.`,
  roundClosedHere: 'The round is closed.',
};

export const ADMIN_TEXTS: Record<Language, AdminTexts> = { 'zh-Hant': zhHant, 'zh-Hans': zhHans, en };
