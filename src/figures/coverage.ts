/*
 * Coverage (全覆蓋): how far each unit — a deep-link tag, one poster per
 * community — has come against the number of residents it should reach.
 * Supervision runs on "who lags", so units are listed lagging first: the
 * lowest share of target first, then units without a target, and "direct"
 * (no tag) apart. Pure arithmetic on counts the queries give.
 */

/** A unit under this share of its target is named as lagging in the digest. */
export const LAGGING_BELOW = 0.5;

export interface UnitCounts {
  /** The tag; null for residents who came without one ("direct"). */
  source: string | null;
  started: number;
  completed: number;
}

export interface CoverageRow {
  unit: string;
  started: number;
  completed: number;
  /** Residents the unit should reach (completed responses); null without a target. */
  target: number | null;
  /** completed / target; null without a target. */
  share: number | null;
  /** Below LAGGING_BELOW of its target. */
  lagging: boolean;
}

export interface Coverage {
  /** Units with a target or with residents, lagging first. */
  units: CoverageRow[];
  /** Residents who came without a tag. */
  direct: { started: number; completed: number };
  /** Completed responses of the units with a target, against the sum of their targets. */
  total: { completed: number; target: number; share: number | null };
}

/** Units with their targets (`targets`: tag → residents), lagging first. */
export function computeCoverage(counts: readonly UnitCounts[], targets: ReadonlyMap<string, number>): Coverage {
  const byUnit = new Map<string, UnitCounts>();
  const direct = { started: 0, completed: 0 };
  for (const row of counts) {
    if (row.source === null) {
      direct.started += row.started;
      direct.completed += row.completed;
    } else byUnit.set(row.source, row);
  }
  const names = new Set([...targets.keys(), ...byUnit.keys()]);
  const units = [...names].map((unit): CoverageRow => {
    const row = byUnit.get(unit);
    const target = targets.get(unit) ?? null;
    const completed = row?.completed ?? 0;
    const share = target === null || target <= 0 ? null : completed / target;
    return { unit, started: row?.started ?? 0, completed, target, share, lagging: share !== null && share < LAGGING_BELOW };
  });
  units.sort(
    (a, b) =>
      (a.share === null ? 1 : 0) - (b.share === null ? 1 : 0) ||
      (a.share ?? 0) - (b.share ?? 0) ||
      b.completed - a.completed ||
      a.unit.localeCompare(b.unit),
  );
  const withTarget = units.filter((u) => u.target !== null);
  const target = withTarget.reduce((sum, u) => sum + (u.target ?? 0), 0);
  const completed = withTarget.reduce((sum, u) => sum + u.completed, 0);
  return { units, direct, total: { completed, target, share: target > 0 ? completed / target : null } };
}
