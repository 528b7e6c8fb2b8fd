/** Colours charts may use; each is a CSS class setting `color`, which the SVG shapes paint with. */
export type ChartTone = 'accent' | 'blue' | 'violet' | 'teal' | 'green' | 'amber' | 'orange' | 'red' | 'gray';

export interface ChartSeries<V extends number | null = number | null> {
  key: string;
  label: string;
  tone: ChartTone;
  values: V[];
}

/** The smallest 1, 2 or 5 × 10ⁿ at or above `value`, so axis labels are round numbers. */
export function niceCeil(value: number): number {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  const fraction = value / power;
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 2.5 ? 2.5 : fraction <= 5 ? 5 : 10;
  return nice * power;
}

/** Up to `count` + 1 evenly spaced ticks from 0 to a round maximum at or above `max` (counts: whole steps). */
export function axisTicks(max: number, count = 4, integer = false): number[] {
  const top = max > 0 ? max : 1;
  const step = integer ? Math.max(1, Math.ceil(niceCeil(top / count))) : niceCeil(top / count);
  const ticks: number[] = [];
  for (let i = 0; i <= count + 1; i++) {
    const tick = i * step;
    ticks.push(tick);
    if (tick >= top) break;
  }
  return ticks;
}

/** Indices of about `count` x-axis labels spread across `length` points, always including the ends' neighbourhood. */
export function labelIndices(length: number, count: number): number[] {
  if (length <= 0) return [];
  if (length <= count) return [...Array(length).keys()];
  const step = (length - 1) / (count - 1);
  return [...new Set([...Array(count).keys()].map((i) => Math.round(i * step)))];
}

export const PADDING = { top: 10, right: 12, bottom: 24, left: 56 };
