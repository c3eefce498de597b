import { describe, expect, it } from 'vitest';
import { computeCoverage } from '../../src/figures/coverage.js';

describe('coverage against targets per unit', () => {
  const counts = [
    { source: 'east_gate', started: 60, completed: 41 },
    { source: 'west_lane', started: 200, completed: 180 },
    { source: 'clinic', started: 9, completed: 7 },
    { source: null, started: 30, completed: 25 },
  ];
  const targets = new Map([
    ['east_gate', 300],
    ['west_lane', 200],
    ['north_hill', 50],
  ]);

  it('lists the units lagging first, with their share of target', () => {
    const { units } = computeCoverage(counts, targets);
    expect(units.map((u) => u.unit)).toEqual(['north_hill', 'east_gate', 'west_lane', 'clinic']);
    expect(units[0]).toEqual({ unit: 'north_hill', started: 0, completed: 0, target: 50, share: 0, lagging: true });
    expect(units[1]).toMatchObject({ completed: 41, target: 300, lagging: true });
    expect(units[1]!.share).toBeCloseTo(41 / 300, 12);
    expect(units[2]).toMatchObject({ share: 0.9, lagging: false });
    expect(units[3]).toMatchObject({ unit: 'clinic', target: null, share: null, lagging: false });
  });

  it('keeps "direct" apart and totals the units that have a target', () => {
    const coverage = computeCoverage(counts, targets);
    expect(coverage.direct).toEqual({ started: 30, completed: 25 });
    expect(coverage.total).toEqual({ completed: 221, target: 550, share: 221 / 550 });
  });

  it('says nothing of a share without targets', () => {
    const coverage = computeCoverage(counts, new Map());
    expect(coverage.total).toEqual({ completed: 0, target: 0, share: null });
    expect(coverage.units.map((u) => u.unit)).toEqual(['west_lane', 'east_gate', 'clinic']);
  });

  it('names a unit at exactly half of its target as not lagging', () => {
    const { units } = computeCoverage([{ source: 'a', started: 50, completed: 50 }], new Map([['a', 100]]));
    expect(units[0]!.lagging).toBe(false);
  });
});
