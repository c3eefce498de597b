import { Composer, InputFile } from 'grammy';
import { findOpenRound } from '../../db/rounds.js';
import { findVersion, saveUpload, shortHash, type QuestionnaireVersion } from '../../db/questionnaire-versions.js';
import type { Language, Localized } from '../../questionnaire/languages.js';
import { QUESTION_TYPES, type Questionnaire } from '../../questionnaire/schema.js';
import { decodeUpload, isYamlFileName, MAX_UPLOAD_BYTES, summarize } from '../../questionnaire/upload.js';
import { parseQuestionnaire } from '../../questionnaire/validate.js';
import { shorten } from '../../render/format.js';
import { nextRoundQuestionnaire } from '../../rounds/next-questionnaire.js';
import { inAdminChat } from '../admin/admin-filter.js';
import { describeQuestionnaire } from '../admin/questionnaire-label.js';
import { replyWithProblems } from '../admin/questionnaire-problems.js';
import type { BotContext } from '../context.js';
import { QUESTIONNAIRE_TEXTS, type QuestionnaireTexts } from '../../texts/questionnaire.js';
import { joinList } from '../../texts/list.js';
import { downloadFile } from '../../transport/send/telegram-files.js';
import { escapeHtml } from '../../render/html.js';
import { TEXTS } from '../../texts/resident.js';

/*
 * Questionnaire self-service for admins: a .yaml document sent to an admin
 * chat becomes the next round's questionnaire once it validates, and
 * /questionnaire sends one back. Elsewhere documents go on to the resident
 * feature and /questionnaire to the admin refusal.
 */

const KB = MAX_UPLOAD_BYTES / 1024;
const html = { parse_mode: 'HTML' } as const;
const texts = (ctx: BotContext): QuestionnaireTexts => QUESTIONNAIRE_TEXTS[ctx.language];

const composer = new Composer<BotContext>();
const admin = composer.filter(inAdminChat);

admin.on('message:document', async (ctx) => {
  const t = texts(ctx);
  const { db, clock, config } = ctx.deps;
  const document = ctx.message.document;
  if (!isYamlFileName(document.file_name)) {
    // Admins may share other files in a group that the bot reads in full; answer only what is sent to it.
    const toTheBot = ctx.chat.type === 'private' || ctx.message.reply_to_message?.from?.id === ctx.me.id;
    if (toTheBot) await ctx.reply(t.notYaml({ kb: KB }));
    return;
  }
  if ((document.file_size ?? 0) > MAX_UPLOAD_BYTES) return void (await ctx.reply(t.tooBig({ kb: KB })));

  const download = await downloadFile(ctx.api, {
    token: config.botToken,
    apiRoot: config.telegramApiRoot,
    fileId: document.file_id,
    maxBytes: MAX_UPLOAD_BYTES,
    log: ctx.log,
  });
  if (!download.ok) return void (await ctx.reply(download.reason === 'too_big' ? t.tooBig({ kb: KB }) : t.downloadFailed));
  const source = decodeUpload(download.bytes);
  if (source === null) return void (await ctx.reply(t.notText));

  const result = parseQuestionnaire(source);
  if (!result.ok) {
    ctx.log.info({ problems: result.problems.length }, 'questionnaire upload refused');
    return replyWithProblems(ctx, t.uploadRefused({ count: result.problems.length }), result.problems);
  }
  const { version, isNew } = saveUpload(db, source, clock());
  const hash = shortHash(version.sha256);
  if (!isNew) return void (await ctx.reply(t.unchanged({ version: version.id, hash })));
  ctx.log.info({ version: version.id, sha256: version.sha256 }, 'questionnaire uploaded');

  const lines = [t.saved({ version: version.id, hash }), ...summaryLines(t, result.questionnaire, ctx.language)];
  const open = findOpenRound(db);
  if (open) lines.push('', t.roundKeeps({ id: open.id, title: escapeHtml(open.title) }));
  await ctx.reply(lines.join('\n'), html);
});

/** Title, questions per type, dimensions, composite indexes and languages, each list cut to fit a message. */
function summaryLines(t: QuestionnaireTexts, questionnaire: Questionnaire, language: Language): string[] {
  const summary = summarize(questionnaire);
  const name = (text: Localized) => text[language];
  const list = (names: string[]) => (names.length === 0 ? '—' : escapeHtml(shorten(joinList(names, language), 800)));
  const types = QUESTION_TYPES.filter((type) => summary.byType[type] > 0).map((type) => `${summary.byType[type]} ${t.types[type]}`);
  const indexes = summary.indexes.map((index) => t.indexEntry({ name: name(index.name), dimensions: joinList(index.dimensions.map(name), language) }));
  return [
    `<b>${escapeHtml(shorten(name(summary.title), 200))}</b>`,
    t.summaryQuestions({ total: summary.questions, types: joinList(types, language) }),
    t.summaryDimensions({ count: summary.dimensions.length, names: list(summary.dimensions.map(name)) }),
    t.summaryIndexes({ count: summary.indexes.length, names: list(indexes) }),
    t.summaryLanguages({ names: joinList(summary.languages.map((l) => TEXTS[l].languageName), language) }),
  ];
}

admin.command('questionnaire', async (ctx) => {
  const t = texts(ctx);
  const { db, loadQuestionnaire } = ctx.deps;
  const argument = ctx.match.trim();
  if (argument !== '' && !/^\d{1,9}$/.test(argument)) return void (await ctx.reply(t.usage));

  if (argument !== '') {
    const version = findVersion(db, Number(argument));
    if (!version) return void (await ctx.reply(t.unknownVersion({ version: Number(argument) })));
    const caption = [t.versionCaption({ what: describeQuestionnaire(ctx, version, version.source) }), t.editHint];
    return sendYaml(ctx, version.source, version, caption);
  }
  const next = nextRoundQuestionnaire(db, loadQuestionnaire);
  if (next.source === null) return void (await ctx.reply(t.fileUnreadable));
  const caption = [t.nextCaption({ what: describeQuestionnaire(ctx, next.version, next.source) })];
  if (!next.ok) caption.push(t.brokenCaption({ count: next.problems.length }));
  caption.push(t.editHint);
  await sendYaml(ctx, next.source, next.version, caption);
});

/** The text exactly as uploaded or read, under a name of our own making. */
async function sendYaml(ctx: BotContext, source: string, version: QuestionnaireVersion | null, caption: string[]) {
  const name = version ? `questionnaire-v${version.id}.yaml` : 'questionnaire.yaml';
  await ctx.replyWithDocument(new InputFile(Buffer.from(source, 'utf8'), name), { caption: caption.join('\n'), ...html });
}

export const questionnaireFeature = composer;
