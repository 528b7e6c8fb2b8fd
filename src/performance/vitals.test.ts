import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WatchpostError } from '../lib/errors.js';
import { APDEX_T_MS, VITAL_THRESHOLDS, apdexBucket, apdexScore, rateVital, type VitalName } from './vitals.js';

describe('rateVital', () => {
  it.each([
    ['lcp', 2500, 'good'],
    ['lcp', 2501, 'meh'],
    ['lcp', 4000, 'meh'],
    ['lcp', 4001, 'poor'],
    ['inp', 200, 'good'],
    ['inp', 350, 'meh'],
    ['inp', 500.1, 'poor'],
    ['cls', 0, 'good'],
    ['cls', 0.1, 'good'],
    ['cls', 0.11, 'meh'],
    ['cls', 0.25, 'meh'],
    ['cls', 0.26, 'poor'],
    ['fcp', 1800, 'good'],
    ['fcp', 3000, 'meh'],
    ['fcp', 3001, 'poor'],
    ['ttfb', 799, 'good'],
    ['ttfb', 1800, 'meh'],
    ['ttfb', 1801, 'poor'],
  ] as const)('%s %s → %s', (name, value, want) => {
    expect(rateVital(name, value)).toBe(want);
  });

  it('never rates a larger value better than a smaller one', () => {
    const rank = { good: 0, meh: 1, poor: 2 } as const;
    const names = Object.keys(VITAL_THRESHOLDS) as VitalName[];
    fc.assert(
      fc.property(fc.constantFrom(...names), fc.double({ min: 0, max: 1e5, noNaN: true }), fc.double({ min: 0, max: 1e5, noNaN: true }), (name, a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(rank[rateVital(name, lo)]).toBeLessThanOrEqual(rank[rateVital(name, hi)]);
      }),
    );
  });

  it.each([-1, NaN, Infinity])('rejects %s', (value) => {
    expect(() => rateVital('lcp', value)).toThrow(WatchpostError);
  });
});

describe('apdexBucket', () => {
  it.each([
    [0, false, undefined, 'satisfied'],
    [300, false, undefined, 'satisfied'],
    [301, false, undefined, 'tolerating'],
    [1200, false, undefined, 'tolerating'],
    [1201, false, undefined, 'frustrated'],
    [5, true, undefined, 'frustrated'],
    [100, false, 50, 'tolerating'],
    [NaN, false, undefined, 'frustrated'],
  ] as const)('%s ms, failed=%s, T=%s → %s', (duration, failed, t, want) => {
    expect(apdexBucket(duration, failed, t)).toBe(want);
  });

  it('uses T = 300 ms by default and rejects a non-positive T', () => {
    expect(APDEX_T_MS).toBe(300);
    expect(() => apdexBucket(10, false, 0)).toThrow(WatchpostError);
  });
});

describe('apdexScore', () => {
  it.each([
    [0, 0, 0, null],
    [10, 0, 10, 1],
    [0, 0, 10, 0],
    [60, 30, 100, 0.75],
    [1, 1, 3, 0.5],
  ])('(%s satisfied, %s tolerating of %s) → %s', (s, t, total, want) => {
    expect(apdexScore(s, t, total)).toBe(want);
  });

  it('agrees with bucketing each request and stays within 0..1', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ ms: fc.double({ min: 0, max: 5000, noNaN: true }), failed: fc.boolean() }), { minLength: 1 }), (requests) => {
        const buckets = requests.map((r) => apdexBucket(r.ms, r.failed));
        const s = buckets.filter((b) => b === 'satisfied').length;
        const t = buckets.filter((b) => b === 'tolerating').length;
        const score = apdexScore(s, t, requests.length)!;
        expect(score).toBeGreaterThanOrEqual(0);
        expect(score).toBeLessThanOrEqual(1);
        expect(score).toBeCloseTo(buckets.reduce((sum, b) => sum + (b === 'satisfied' ? 1 : b === 'tolerating' ? 0.5 : 0), 0) / requests.length, 10);
      }),
    );
  });

  it.each([
    [5, 6, 10],
    [-1, 0, 3],
    [0, 0, -1],
    [NaN, 0, 1],
  ])('rejects inconsistent counts (%s, %s, %s)', (s, t, total) => {
    expect(() => apdexScore(s, t, total)).toThrow(WatchpostError);
  });
});
