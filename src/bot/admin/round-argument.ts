import type { Db } from '../../db/client.js';
import { findLatestRound, findOpenRound, findRound, type Round } from '../../db/rounds.js';
import type { AdminTexts } from '../../texts/admin.js';

export type RoundArgument = { ok: true; round: Round } | { ok: false; reply: string };

/**
 * The round an admin command names by its optional id argument: that round,
 * else the open round, else the latest. A bad argument gets one line saying
 * what was expected.
 */
export function roundFromArgument(db: Db, argument: string, command: string, t: AdminTexts): RoundArgument {
  const text = argument.trim();
  if (text !== '' && !/^\d{1,9}$/.test(text)) return { ok: false, reply: t.roundUsage({ command }) };
  const round = text === '' ? (findOpenRound(db) ?? findLatestRound(db)) : findRound(db, Number(text));
  if (round) return { ok: true, round };
  return { ok: false, reply: text === '' ? t.noRounds : t.unknownRound({ id: Number(text) }) };
}
