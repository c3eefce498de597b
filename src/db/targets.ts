import { statement, type Db } from './client.js';

/*
 * Coverage targets per unit (a deep-link tag), kept across rounds until an
 * admin changes or removes them.
 */

/** Sets (or changes) a unit's target. */
export function setCoverageTarget(db: Db, tag: string, target: number, now: Date): void {
  statement(
    db,
    `INSERT INTO coverage_targets (tag, target, set_at) VALUES (?, ?, ?)
     ON CONFLICT (tag) DO UPDATE SET target = excluded.target, set_at = excluded.set_at`,
  ).run(tag, target, now.getTime());
}

/** Removes a unit's target; whether it had one. */
export function removeCoverageTarget(db: Db, tag: string): boolean {
  return statement(db, 'DELETE FROM coverage_targets WHERE tag = ?').run(tag).changes > 0;
}

/** Every target, tag → residents, in tag order. */
export function coverageTargets(db: Db): Map<string, number> {
  const rows = statement(db, 'SELECT tag, target FROM coverage_targets ORDER BY tag').all() as { tag: string; target: number }[];
  return new Map(rows.map((row) => [row.tag, row.target]));
}
