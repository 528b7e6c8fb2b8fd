import type { Generated } from 'kysely';

export interface PerfEndpointTable {
  project_id: number;
  name: string;
  /** Start of the minute or hour, epoch ms. */
  bucket: number;
  count: number;
  failures: number;
  satisfied: number;
  tolerating: number;
  sum_ms: number;
  /** Encoded DDSketch of durations (ms). */
  sketch: Buffer;
}

export interface PerfSpanHoursTable {
  project_id: number;
  segment: string;
  op: string;
  description: string;
  bucket: number;
  count: number;
  sum_ms: number;
  max_ms: number;
  sketch: Buffer;
}

export interface PerfVitalHoursTable {
  project_id: number;
  page: string;
  vital: string;
  bucket: number;
  good: number;
  meh: number;
  poor: number;
  sketch: Buffer;
}

/** Accepted spans of one envelope not yet merged into the rollups (src/performance/pending.ts). */
export interface PerfPendingTable {
  id: Generated<number>;
  project_id: number;
  /** JSON of the envelope's rollup records ({@link PendingSpans}). */
  payload: string;
  created_at: number;
}

export interface PerformanceTables {
  perf_pending: PerfPendingTable;
  perf_endpoint_minutes: PerfEndpointTable;
  perf_endpoint_hours: PerfEndpointTable;
  perf_span_hours: PerfSpanHoursTable;
  perf_vital_hours: PerfVitalHoursTable;
}
