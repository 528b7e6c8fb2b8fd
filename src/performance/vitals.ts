import { fail } from '../lib/errors.js';

/** Core Web Vitals and friends as stored in `SpanRecord.measurements` (ms, CLS unitless). */
export type VitalName = 'lcp' | 'fcp' | 'cls' | 'ttfb' | 'inp';
export type VitalRating = 'good' | 'meh' | 'poor';

/** Google's thresholds: `good` when value ≤ good, `poor` when value > poor, `meh` between. */
export const VITAL_THRESHOLDS: Readonly<Record<VitalName, { readonly good: number; readonly poor: number }>> = Object.freeze({
  lcp: { good: 2500, poor: 4000 },
  inp: { good: 200, poor: 500 },
  cls: { good: 0.1, poor: 0.25 },
  fcp: { good: 1800, poor: 3000 },
  ttfb: { good: 800, poor: 1800 },
});

/** Rates one measurement; throws on a negative or non-finite value rather than guessing. */
export function rateVital(name: VitalName, value: number): VitalRating {
  if (!Number.isFinite(value) || value < 0) throw fail('WP_ERR_VALIDATION', `${name} must be a finite number ≥ 0, got ${value}`);
  const { good, poor } = VITAL_THRESHOLDS[name];
  if (value <= good) return 'good';
  return value > poor ? 'poor' : 'meh';
}

/** Default Apdex target T in ms: ≤ T satisfied, ≤ 4T tolerating, slower or failed frustrated. */
export const APDEX_T_MS = 300;

export type ApdexBucket = 'satisfied' | 'tolerating' | 'frustrated';

/** Which Apdex bucket one request falls in; a failed request is always frustrated. */
export function apdexBucket(durationMs: number, failed: boolean, tMs: number = APDEX_T_MS): ApdexBucket {
  if (!(tMs > 0) || !Number.isFinite(tMs)) throw fail('WP_ERR_VALIDATION', `Apdex T must be a positive number of ms, got ${tMs}`);
  if (failed || !(durationMs <= 4 * tMs)) return 'frustrated'; // NaN duration: frustrated too
  return durationMs <= tMs ? 'satisfied' : 'tolerating';
}

/** Apdex = (satisfied + tolerating / 2) / total, in 0..1; null when there were no requests. */
export function apdexScore(satisfied: number, tolerating: number, total: number): number | null {
  const counts = [satisfied, tolerating, total];
  if (!counts.every((c) => Number.isFinite(c) && c >= 0) || satisfied + tolerating > total) {
    throw fail('WP_ERR_VALIDATION', `Apdex counts are inconsistent: ${satisfied} satisfied + ${tolerating} tolerating of ${total}`);
  }
  if (total === 0) return null;
  return (satisfied + tolerating / 2) / total;
}
