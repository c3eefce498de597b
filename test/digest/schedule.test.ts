import { describe, expect, it } from 'vitest';
import { previousRun, runKey } from '../../src/digest/schedule.js';

describe('the digest schedule', () => {
  it('finds the latest scheduled time within the last seven days, in the schedule’s zone', () => {
    // Monday 09:00 in Shanghai is 01:00 UTC.
    const wednesday = new Date('2026-11-25T12:00:00Z');
    expect(previousRun('0 9 * * 1', 'Asia/Shanghai', wednesday)).toEqual(new Date('2026-11-23T01:00:00Z'));
    expect(previousRun('0 9 * * 1', 'Europe/Berlin', wednesday)).toEqual(new Date('2026-11-23T08:00:00Z'));
  });

  it('counts a run at exactly now, and none older than the look-back', () => {
    const monday = new Date('2026-11-23T01:00:00Z');
    expect(previousRun('0 9 * * 1', 'Asia/Shanghai', monday)).toEqual(monday);
    expect(previousRun('0 9 1 1 *', 'Asia/Shanghai', monday)).toBeNull();
  });

  it('handles six fields with seconds', () => {
    const now = new Date('2026-11-23T01:00:07.500Z');
    expect(previousRun('*/5 * * * * *', 'UTC', now)).toEqual(new Date('2026-11-23T01:00:05Z'));
  });

  it('keys a run by its scheduled second', () => {
    expect(runKey(new Date('2026-11-23T01:00:00.004Z'))).toBe('2026-11-23T01:00:00.000Z');
  });
});
