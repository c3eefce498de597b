import { wallClock } from '../render/format.js';

/*
 * Round deadlines: "--until 2026-12-31" means the end of that day in the
 * digest's time zone, whatever zone the server runs in.
 */

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Milliseconds that `timeZone` is ahead of UTC at `instant`. */
function zoneOffset(instant: number, timeZone: string): number {
  const w = wallClock(new Date(instant), timeZone);
  const local = Date.UTC(+w.year, +w.month - 1, +w.day, +w.hour, +w.minute, +w.second);
  return local - Math.floor(instant / 1000) * 1000;
}

/** The instant a wall-clock time in `timeZone` happens (two passes settle DST edges). */
function zonedInstant(year: number, month: number, day: number, timeZone: string): Date {
  const wall = Date.UTC(year, month - 1, day);
  let instant = wall - zoneOffset(wall, timeZone);
  instant = wall - zoneOffset(instant, timeZone);
  return new Date(instant);
}

/** When a round with deadline day `date` (YYYY-MM-DD) closes: the next midnight in `timeZone`. Null if not a real date. */
export function endOfDay(date: string, timeZone: string): Date | null {
  const match = DATE.exec(date);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null;
  return zonedInstant(year, month, day + 1, timeZone);
}

export type OpenRoundArguments =
  | { ok: true; title: string; until: string | null }
  | { ok: false; problem: 'until_malformed' };

/** Splits `/open_round` arguments into the title and an optional `--until YYYY-MM-DD`. */
export function parseOpenRoundArguments(text: string): OpenRoundArguments {
  const match = /(?:^|\s)--until(?:\s+(\S+))?\s*$/.exec(text);
  const title = (match ? text.slice(0, match.index) : text).trim().replace(/\s+/g, ' ');
  if (!match) return { ok: true, title, until: null };
  const until = match[1];
  return until && DATE.test(until) ? { ok: true, title, until } : { ok: false, problem: 'until_malformed' };
}
