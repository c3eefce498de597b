import type { Language } from '../questionnaire/languages.js';

/*
 * The words of "you said, we did" (整改反饋), per language: what admins see
 * (/feedback, its preview and buttons, its status) and the message residents
 * get around the admin's own text. HTML: callers escape titles and the text.
 */

export interface FeedbackTexts {
  usage(p: { max: number }): string;
  tooLong(p: { max: number }): string;
  noClosedRound: string;
  alreadySent(p: { id: number; delivered: number; participants: number; done: boolean }): string;
  /** `title` is HTML-escaped by the caller. */
  previewHeader(p: { id: number; title: string; participants: number }): string;
  confirmButton: string;
  cancelButton: string;
  confirmed(p: { participants: number }): string;
  cancelled: string;
  stale: string;
  /** `unknown`: chats the sending left without knowing whether the message arrived (the bot stopped at that instant). */
  status(p: { id: number; title: string; participants: number; delivered: number; skipped: number; unknown: number; done: boolean }): string;
  statusNone(p: { id: number; title: string; participants: number }): string;
  /** What residents get: the round, its public results, then the admin's words. */
  message(p: { title: string; results: string; text: string }): string;
  resultsNone: string;
}

const zhHant: FeedbackTexts = {
  usage: ({ max }) => `用法：調查結束後，/feedback 後面寫上結果與整改措施（最多 ${max} 字），或回覆您自己寫好的一則訊息並傳送 /feedback；/feedback status 查看發送情況。`,
  tooLong: ({ max }) => `內容太長了，最多 ${max} 字。`,
  noClosedRound: '還沒有已結束的調查輪次：整改反饋在調查結束後才能發送。',
  alreadySent: ({ id, delivered, participants, done }) =>
    `第 ${id} 輪的整改反饋已經${done ? '發送' : '在發送中'}：${delivered}／${participants} 人已收到。每輪只發送一次。`,
  previewHeader: ({ id, title, participants }) =>
    `<b>預覽</b>：確認後將發給參與第 ${id} 輪「${title}」的 ${participants} 位居民（已選擇不接收通知的除外）。`,
  confirmButton: '✅ 確認發送',
  cancelButton: '✖ 取消',
  confirmed: ({ participants }) => `已開始發送給 ${participants} 位參與者。/feedback status 查看進度。`,
  cancelled: '已取消，沒有發送。',
  stale: '這則預覽已確認或已取消，或本輪的回饋已經發出；要另寫一則，請重新傳 /feedback。',
  status: ({ id, title, participants, delivered, skipped, unknown, done }) =>
    `第 ${id} 輪「${title}」的整改反饋：${done ? '已發送完畢' : '發送中'}，${delivered}／${participants} 人已收到` +
    (skipped > 0 ? `，${skipped} 人未發送（不接收通知或無法送達）` : '') +
    (unknown > 0 ? `，${unknown} 人不確定是否收到（發送當下機器人中斷）` : '') + '。',
  statusNone: ({ id, title, participants }) => `第 ${id} 輪「${title}」還沒有發送整改反饋；參與者 ${participants} 人。`,
  message: ({ title, results, text }) => `📢 <b>您說，我們做：「${title}」</b>\n感謝您參加這次調查。結果如下：\n${results}\n\n${text}`,
  resultsNone: '（回答人數太少，不公佈分項結果）',
};

const zhHans: FeedbackTexts = {
  usage: ({ max }) => `用法：调查结束后，/feedback 后面写上结果与整改措施（最多 ${max} 字），或回复您自己写好的一条消息并发送 /feedback；/feedback status 查看发送情况。`,
  tooLong: ({ max }) => `内容太长了，最多 ${max} 字。`,
  noClosedRound: '还没有已结束的调查轮次：整改反馈在调查结束后才能发送。',
  alreadySent: ({ id, delivered, participants, done }) =>
    `第 ${id} 轮的整改反馈已经${done ? '发送' : '在发送中'}：${delivered}／${participants} 人已收到。每轮只发送一次。`,
  previewHeader: ({ id, title, participants }) =>
    `<b>预览</b>：确认后将发给参与第 ${id} 轮“${title}”的 ${participants} 位居民（已选择不接收通知的除外）。`,
  confirmButton: '✅ 确认发送',
  cancelButton: '✖ 取消',
  confirmed: ({ participants }) => `已开始发送给 ${participants} 位参与者。/feedback status 查看进度。`,
  cancelled: '已取消，没有发送。',
  stale: '这条预览已确认或已取消，或本轮的反馈已经发出；要另写一条，请重新发送 /feedback。',
  status: ({ id, title, participants, delivered, skipped, unknown, done }) =>
    `第 ${id} 轮“${title}”的整改反馈：${done ? '已发送完毕' : '发送中'}，${delivered}／${participants} 人已收到` +
    (skipped > 0 ? `，${skipped} 人未发送（不接收通知或无法送达）` : '') +
    (unknown > 0 ? `，${unknown} 人不确定是否收到（发送时机器人中断）` : '') + '。',
  statusNone: ({ id, title, participants }) => `第 ${id} 轮“${title}”还没有发送整改反馈；参与者 ${participants} 人。`,
  message: ({ title, results, text }) => `📢 <b>您说，我们做：“${title}”</b>\n感谢您参加这次调查。结果如下：\n${results}\n\n${text}`,
  resultsNone: '（回答人数太少，不公布分项结果）',
};

const en: FeedbackTexts = {
  usage: ({ max }) =>
    `Usage: after a round closes, /feedback followed by the results and what was done (at most ${max} characters), or /feedback as a reply to a message of yours; /feedback status shows how far it went.`,
  tooLong: ({ max }) => `That text is too long; at most ${max} characters.`,
  noClosedRound: 'No round has closed yet: feedback goes out after a round closes.',
  alreadySent: ({ id, delivered, participants, done }) =>
    `The feedback of round ${id} ${done ? 'has gone out' : 'is going out'}: ${delivered} of ${participants} residents have it. It is sent once per round.`,
  previewHeader: ({ id, title, participants }) =>
    `<b>Preview</b>: once confirmed, this goes to ${participants === 1 ? 'the 1 resident' : `the ${participants} residents`} who took part in round ${id} “${title}” (except those who turned notifications off).`,
  confirmButton: '✅ Confirm and send',
  cancelButton: '✖ Cancel',
  confirmed: ({ participants }) => `Sending to ${participants} participants. /feedback status shows how far it went.`,
  cancelled: 'Cancelled; nothing was sent.',
  stale: 'This preview was already confirmed or cancelled, or this round’s feedback has already gone out; send /feedback again to write a new one.',
  status: ({ id, title, participants, delivered, skipped, unknown, done }) =>
    `Feedback of round ${id} “${title}”: ${done ? 'sent' : 'sending'}, ${delivered} of ${participants} residents have it` +
    (skipped > 0 ? `; ${skipped} not sent (notifications off or unreachable)` : '') +
    (unknown > 0 ? `; for ${unknown} it is not known (the bot stopped as it was being sent)` : '') + '.',
  statusNone: ({ id, title, participants }) =>
    `No feedback has been sent for round ${id} “${title}”; ${participants} ${participants === 1 ? 'resident' : 'residents'} took part.`,
  message: ({ title, results, text }) => `📢 <b>You said, we did: “${title}”</b>\nThank you for taking part in the survey. The results:\n${results}\n\n${text}`,
  resultsNone: '(too few responses to publish results)',
};

export const FEEDBACK_TEXTS: Record<Language, FeedbackTexts> = { 'zh-Hant': zhHant, 'zh-Hans': zhHans, en };
