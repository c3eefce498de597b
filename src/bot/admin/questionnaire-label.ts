import { shortHash, sourceHash, type QuestionnaireVersion } from '../../db/questionnaire-versions.js';
import { formatInZone } from '../../render/format.js';
import type { BotContext } from '../context.js';
import { QUESTIONNAIRE_TEXTS } from '../../texts/questionnaire.js';

/** Which questionnaire this is, in words: its version, where it came from, its hash. */
export function describeQuestionnaire(ctx: BotContext, version: QuestionnaireVersion | null, source: string): string {
  return QUESTIONNAIRE_TEXTS[ctx.language].describe({
    version: version?.id ?? null,
    origin: version?.origin ?? 'file',
    created: version ? formatInZone(version.createdAt, ctx.deps.config.digestTimezone) : '',
    hash: shortHash(version?.sha256 ?? sourceHash(source)),
  });
}
