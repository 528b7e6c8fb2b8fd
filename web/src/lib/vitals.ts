import type { VitalName } from '../api';
import { formatMs } from './format';

export type VitalRating = 'good' | 'meh' | 'poor';

interface VitalInfo {
  label: string;
  description: string;
  /** p75 at or below `good` is good, above `poor` is poor (Google's Core Web Vitals thresholds). */
  good: number;
  poor: number;
  unitless?: boolean;
}

export const VITALS: Record<VitalName, VitalInfo> = {
  lcp: { label: 'Largest Contentful Paint', description: 'When the main content has loaded', good: 2500, poor: 4000 },
  inp: { label: 'Interaction to Next Paint', description: 'How quickly the page responds to input', good: 200, poor: 500 },
  cls: { label: 'Cumulative Layout Shift', description: 'How much the layout moves while loading', good: 0.1, poor: 0.25, unitless: true },
  fcp: { label: 'First Contentful Paint', description: 'When the first content appears', good: 1800, poor: 3000 },
  ttfb: { label: 'Time to First Byte', description: 'How fast the server starts answering', good: 800, poor: 1800 },
};

export const VITAL_ORDER: VitalName[] = ['lcp', 'inp', 'cls', 'fcp', 'ttfb'];

export const RATING_LABELS: Record<VitalRating, string> = { good: 'Good', meh: 'Needs improvement', poor: 'Poor' };

export function vitalInfo(vital: string): VitalInfo | undefined {
  return (VITALS as Record<string, VitalInfo | undefined>)[vital];
}

export function rateVital(vital: string, value: number | null): VitalRating | null {
  const info = vitalInfo(vital);
  if (!info || value === null) return null;
  if (value <= info.good) return 'good';
  if (value <= info.poor) return 'meh';
  return 'poor';
}

/** "2.41 s", "180 ms", "0.08" (CLS has no unit). */
export function formatVital(vital: string, value: number | null): string {
  if (value === null) return '—';
  if (vitalInfo(vital)?.unitless) return value.toFixed(value < 1 ? 3 : 2).replace(/0+$/, '').replace(/\.$/, '');
  return formatMs(value);
}
