import type { Language } from '../questionnaire/languages.js';

/*
 * What the bot says to residents, and to anyone it cannot help (a command
 * outside its place, a failure), per language. Messages are HTML: values that
 * come from people (titles, answers) are escaped by the caller with
 * `escapeHtml` (render/html.ts).
 */

export interface Texts {
  languageName: string;
  greeting(p: { title: string; description: string; questions: number; minutes: number }): string;
  noOpenRound: string;
  roundAnnouncement(p: { title: string; questions: number; minutes: number }): string;
  welcomeBack(p: { position: number; total: number }): string;
  alreadyCounted(p: { title: string }): string;
  optionalMark: string;
  multiHint: string;
  textHint(p: { max: number }): string;
  back: string;
  skip: string;
  done: string;
  submit: string;
  recorded(p: { answer: string }): string;
  skipped: string;
  noneSelected: string;
  summaryTitle: string;
  summaryHint: string;
  submitted: string;
  thanks: string;
  // Hints for input that does not fit the question being asked.
  useButtons: string;
  useButtonsMulti: string;
  useText(p: { max: number }): string;
  textTooLong(p: { length: number; max: number }): string;
  textEmpty: string;
  useSubmit: string;
  editedIgnored: string;
  // Button notices (shown briefly at the top of the chat).
  staleButton: string;
  invalidButton: string;
  roundClosed: string;
  chooseAtLeastOne: string;
  alreadyRecorded: string;
  /** The answer a question already has (a press on an older copy of it). */
  alreadyRecordedAs(p: { answer: string }): string;
  /** Once to a chat that floods the bot with messages that fit no question. */
  slowDown: string;
  startHint: string;
  // Language.
  languagePrompt: string;
  languageSet: string;
  // Groups.
  groupPointer: string;
  groupButton: string;
  // Commands that are not for this chat.
  notHere: string;
  somethingWentWrong: string;
  /** The bot's storage is full: what the resident sent is kept and taken up when there is room again. */
  storageFull: string;
  helpResident: string;
  commandDescriptions: Record<'start' | 'language' | 'notify' | 'help', string>;
}

const zhHant: Texts = {
  languageName: '繁體中文',
  greeting: ({ title, description, questions, minutes }) =>
    `您好！這是<b>${title}</b>。\n\n${description}\n\n` +
    `問卷共 ${questions} 題，約需 ${minutes} 分鐘。回答以匿名方式記錄，不會保存您的 Telegram 帳號、名稱或電話。` +
    `隨時可以離開，之後傳送 /start 就能從上次的地方繼續。`,
  noOpenRound: '目前沒有正在進行的問卷調查。新一輪調查開始時，我們會通知您。',
  roundAnnouncement: ({ title, questions, minutes }) =>
    `📣 新一輪問卷調查開始了：<b>${title}</b>\n共 ${questions} 題，約 ${minutes} 分鐘，回答匿名。傳送 /start 參加。`,
  welcomeBack: ({ position, total }) => `歡迎回來！從第 ${position} / ${total} 題繼續。`,
  alreadyCounted: ({ title }) => `您已完成「${title}」，回答已計入。謝謝您的參與！`,
  optionalMark: '（選答）',
  multiHint: '可複選：點選所有適用的選項，選好後按「完成」。',
  textHint: ({ max }) => `請直接輸入文字回答（最多 ${max} 字）。`,
  back: '◀ 上一題',
  skip: '略過 ▶',
  done: '完成 ✔',
  submit: '✅ 提交',
  recorded: ({ answer }) => `✓ 已記錄：${answer}`,
  skipped: '（已略過）',
  noneSelected: '（未選）',
  summaryTitle: '請確認您的回答',
  summaryHint: '確認無誤請按「提交」；如需修改，請按「上一題」返回。',
  submitted: '✓ 已提交',
  thanks: '感謝您的參與！您的回答已匿名記錄。',
  useButtons: '這一題請點選問題下的按鈕作答。',
  useButtonsMulti: '這一題請點選問題下的選項，選好後按「完成」。',
  useText: ({ max }) => `這一題請輸入文字回答（最多 ${max} 字）。`,
  textTooLong: ({ length, max }) => `回答太長了：${length} 字，上限是 ${max} 字。請刪減後再傳送。`,
  textEmpty: '請輸入文字回答。',
  useSubmit: '所有問題都已回答。請按摘要下的「提交」送出，或按「上一題」修改。',
  editedIgnored: '修改已傳送的訊息不會更新回答。如需更改，請使用「上一題」按鈕。',
  staleButton: '這個按鈕已失效，請使用最新一則訊息。',
  invalidButton: '無法識別這個按鈕。',
  roundClosed: '這一輪調查已結束。',
  chooseAtLeastOne: '請至少選一項。',
  alreadyRecorded: '已記錄，無需重複點選。',
  alreadyRecordedAs: ({ answer }) => `這一題已記錄：${answer}`,
  slowDown: '訊息太多了，請稍候片刻。這段時間我不會回覆無法作答的訊息；已記錄的回答都在，按問題下的按鈕即可繼續。',
  startHint: '傳送 /start 開始填寫問卷，/language 切換語言。',
  languagePrompt: '請選擇語言：',
  languageSet: '語言已設為繁體中文。',
  groupPointer: '為保護您的隱私，問卷只在與我的私人對話中填寫。請點下方按鈕開始。',
  groupButton: '開始填寫',
  notHere: '此指令在這裡無法使用。',
  somethingWentWrong: '抱歉，出了點問題。請稍後再試，或傳送 /start 繼續。',
  storageFull: '抱歉，系統暫時無法儲存。您剛才的操作已保留，稍後會自動處理，不必重複。',
  helpResident: '/start — 開始或繼續填寫問卷\n/language — 切換語言\n/notify off — 不要主動通知我（/notify on 恢復）\n/help — 顯示說明',
  commandDescriptions: {
    start: '開始或繼續填寫問卷',
    language: '切換語言',
    notify: '開啟或關閉通知',
    help: '顯示說明',
  },
};

const zhHans: Texts = {
  languageName: '简体中文',
  greeting: ({ title, description, questions, minutes }) =>
    `您好！这是<b>${title}</b>。\n\n${description}\n\n` +
    `问卷共 ${questions} 题，约需 ${minutes} 分钟。回答以匿名方式记录，不会保存您的 Telegram 账号、名称或电话。` +
    `随时可以离开，之后发送 /start 就能从上次的地方继续。`,
  noOpenRound: '目前没有正在进行的问卷调查。新一轮调查开始时，我们会通知您。',
  roundAnnouncement: ({ title, questions, minutes }) =>
    `📣 新一轮问卷调查开始了：<b>${title}</b>\n共 ${questions} 题，约 ${minutes} 分钟，回答匿名。发送 /start 参加。`,
  welcomeBack: ({ position, total }) => `欢迎回来！从第 ${position} / ${total} 题继续。`,
  alreadyCounted: ({ title }) => `您已完成“${title}”，回答已计入。谢谢您的参与！`,
  optionalMark: '（选答）',
  multiHint: '可多选：点选所有适用的选项，选好后按“完成”。',
  textHint: ({ max }) => `请直接输入文字回答（最多 ${max} 字）。`,
  back: '◀ 上一题',
  skip: '跳过 ▶',
  done: '完成 ✔',
  submit: '✅ 提交',
  recorded: ({ answer }) => `✓ 已记录：${answer}`,
  skipped: '（已跳过）',
  noneSelected: '（未选）',
  summaryTitle: '请确认您的回答',
  summaryHint: '确认无误请按“提交”；如需修改，请按“上一题”返回。',
  submitted: '✓ 已提交',
  thanks: '感谢您的参与！您的回答已匿名记录。',
  useButtons: '这一题请点选问题下的按钮作答。',
  useButtonsMulti: '这一题请点选问题下的选项，选好后按“完成”。',
  useText: ({ max }) => `这一题请输入文字回答（最多 ${max} 字）。`,
  textTooLong: ({ length, max }) => `回答太长了：${length} 字，上限是 ${max} 字。请删减后再发送。`,
  textEmpty: '请输入文字回答。',
  useSubmit: '所有问题都已回答。请按摘要下的“提交”送出，或按“上一题”修改。',
  editedIgnored: '修改已发送的消息不会更新回答。如需更改，请使用“上一题”按钮。',
  staleButton: '这个按钮已失效，请使用最新一条消息。',
  invalidButton: '无法识别这个按钮。',
  roundClosed: '这一轮调查已结束。',
  chooseAtLeastOne: '请至少选一项。',
  alreadyRecorded: '已记录，无需重复点选。',
  alreadyRecordedAs: ({ answer }) => `这一题已记录：${answer}`,
  slowDown: '消息太多了，请稍候片刻。这段时间我不会回复无法作答的消息；已记录的回答都在，按问题下的按钮即可继续。',
  startHint: '发送 /start 开始填写问卷，/language 切换语言。',
  languagePrompt: '请选择语言：',
  languageSet: '语言已设为简体中文。',
  groupPointer: '为保护您的隐私，问卷只在与我的私聊中填写。请点下方按钮开始。',
  groupButton: '开始填写',
  notHere: '此指令在这里无法使用。',
  somethingWentWrong: '抱歉，出了点问题。请稍后再试，或发送 /start 继续。',
  storageFull: '抱歉，系统暂时无法保存。您刚才的操作已保留，稍后会自动处理，不必重复。',
  helpResident: '/start — 开始或继续填写问卷\n/language — 切换语言\n/notify off — 不要主动通知我（/notify on 恢复）\n/help — 显示说明',
  commandDescriptions: {
    start: '开始或继续填写问卷',
    language: '切换语言',
    notify: '开启或关闭通知',
    help: '显示说明',
  },
};

const en: Texts = {
  languageName: 'English',
  greeting: ({ title, description, questions, minutes }) =>
    `Hello! This is <b>${title}</b>.\n\n${description}\n\n` +
    `There are ${questions} questions; it takes about ${minutes} minutes. Answers are anonymous: ` +
    `your Telegram account, name and phone number are not stored with them. ` +
    `You can leave at any time and send /start later to continue where you left off.`,
  noOpenRound: 'No survey is open right now. We will let you know when the next one opens.',
  roundAnnouncement: ({ title, questions, minutes }) =>
    `📣 A new survey is open: <b>${title}</b>\n${questions} questions, about ${minutes} minutes, anonymous. Send /start to take part.`,
  welcomeBack: ({ position, total }) => `Welcome back! Continuing at question ${position} / ${total}.`,
  alreadyCounted: ({ title }) => `You have completed “${title}”; your answers are counted. Thank you for taking part!`,
  optionalMark: ' (optional)',
  multiHint: 'Choose all that apply, then press Done.',
  textHint: ({ max }) => `Type your answer (up to ${max} characters).`,
  back: '◀ Back',
  skip: 'Skip ▶',
  done: 'Done ✔',
  submit: '✅ Submit',
  recorded: ({ answer }) => `✓ Recorded: ${answer}`,
  skipped: '(skipped)',
  noneSelected: '(none)',
  summaryTitle: 'Please check your answers',
  summaryHint: 'If everything is right, press Submit; to change an answer, press Back.',
  submitted: '✓ Submitted',
  thanks: 'Thank you for taking part! Your answers have been recorded anonymously.',
  useButtons: 'This question is answered with the buttons under it.',
  useButtonsMulti: 'Please choose from the options under the question, then press Done.',
  useText: ({ max }) => `This question takes a typed answer (up to ${max} characters).`,
  textTooLong: ({ length, max }) =>
    `That answer is too long: ${length} characters, and the limit is ${max}. Please shorten it and send it again.`,
  textEmpty: 'Please type your answer.',
  useSubmit: 'Every question is answered. Press Submit under the summary to send your answers, or Back to change one.',
  editedIgnored: 'Editing a sent message does not change your answer. To change it, use the Back button.',
  staleButton: 'This button is no longer active; please use the latest message.',
  invalidButton: 'This button is not recognised.',
  roundClosed: 'This survey round has closed.',
  chooseAtLeastOne: 'Please choose at least one option.',
  alreadyRecorded: 'Already recorded; no need to press again.',
  alreadyRecordedAs: ({ answer }) => `Already recorded for this question: ${answer}`,
  slowDown: 'That is a lot of messages at once. For a little while I will not reply to messages that fit no question; your recorded answers are safe, and the buttons under the question still work.',
  startHint: 'Send /start to fill in the survey, or /language to change the language.',
  languagePrompt: 'Choose a language:',
  languageSet: 'Language set to English.',
  groupPointer: 'To protect your privacy, the survey is answered only in a private chat with me. Tap the button below to begin.',
  groupButton: 'Start the survey',
  notHere: 'This command is not available here.',
  somethingWentWrong: 'Sorry, something went wrong. Please try again later, or send /start to continue.',
  storageFull: "Sorry, we can't save anything right now. What you just did is kept and will be taken up shortly; no need to repeat it.",
  helpResident:
    "/start — begin or continue the survey\n/language — change the language\n/notify off — don't message me first (/notify on to undo)\n/help — show this help",
  commandDescriptions: {
    start: 'Begin or continue the survey',
    language: 'Change the language',
    notify: 'Turn notifications on or off',
    help: 'Show help',
  },
};

export const TEXTS: Record<Language, Texts> = { 'zh-Hant': zhHant, 'zh-Hans': zhHans, en };
