import type { Kysely } from 'kysely';
import type { Dialect } from '../storage/db.js';
import { chunkRows, hourOf, minuteOf } from '../storage/batch.js';
import type { Database } from '../storage/schema.js';
import { LatencySketch } from './sketch.js';
import type { SpanRecord } from './spans.js';
import { apdexBucket, rateVital, VITAL_THRESHOLDS, type VitalName } from './vitals.js';

type Db = Kysely<Database>;

/** The fields of a span record the rollups use (what the pending queue keeps of each span). */
export type RollupSpan = Pick<SpanRecord, 'spanId' | 'segmentId' | 'segmentName' | 'isSegment' | 'name' | 'op' | 'failed' | 'startMs' | 'durationMs' | 'measurements'>;

/** Spans of one envelope for one project. */
export interface SpansToStore {
  readonly projectId: number;
  readonly segments: readonly RollupSpan[];
  readonly spans: readonly RollupSpan[];
}

interface EndpointAgg {
  project_id: number;
  name: string;
  bucket: number;
  count: number;
  failures: number;
  satisfied: number;
  tolerating: number;
  sum_ms: number;
  sketch: LatencySketch;
}

interface SpanAgg {
  project_id: number;
  segment: string;
  op: string;
  description: string;
  bucket: number;
  count: number;
  sum_ms: number;
  max_ms: number;
  sketch: LatencySketch;
}

interface VitalAgg {
  project_id: number;
  page: string;
  vital: string;
  bucket: number;
  good: number;
  meh: number;
  poor: number;
  sketch: LatencySketch;
}

const VITALS = Object.keys(VITAL_THRESHOLDS) as VitalName[];

function getOr<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) map.set(key, (value = make()));
  return value;
}

/** Aggregates a batch in memory: one row per (project, endpoint, bucket) and so on. */
function aggregate(items: readonly SpansToStore[]) {
  const minutes = new Map<string, EndpointAgg>();
  const hours = new Map<string, EndpointAgg>();
  const spans = new Map<string, SpanAgg>();
  const vitals = new Map<string, VitalAgg>();
  const endpoint = (project_id: number, name: string, bucket: number) => () => ({ project_id, name, bucket, count: 0, failures: 0, satisfied: 0, tolerating: 0, sum_ms: 0, sketch: LatencySketch.empty() });

  for (const { projectId, segments, spans: children } of items) {
    const segmentNames = new Map<string, string>();
    for (const seg of segments) {
      segmentNames.set(seg.spanId, seg.name);
      const apdex = apdexBucket(seg.durationMs, seg.failed);
      for (const [map, bucket] of [
        [minutes, minuteOf(seg.startMs)],
        [hours, hourOf(seg.startMs)],
      ] as const) {
        const agg = getOr(map, `${projectId}\u0000${seg.name}\u0000${bucket}`, endpoint(projectId, seg.name, bucket));
        agg.count += 1;
        if (seg.failed) agg.failures += 1;
        if (apdex === 'satisfied') agg.satisfied += 1;
        else if (apdex === 'tolerating') agg.tolerating += 1;
        agg.sum_ms += seg.durationMs;
        agg.sketch.add(seg.durationMs);
      }
    }
    // Streamed SDKs put web vitals on child spans (LCP on a ui.webvital.lcp span, INP on its own
    // segment), legacy transactions on the segment: look at every record.
    for (const record of [...segments, ...children]) {
      for (const vital of VITALS) {
        const value = record.measurements[vital];
        if (value === undefined || !Number.isFinite(value)) continue;
        const page = record.isSegment ? record.name : (record.segmentName ?? (record.segmentId !== null ? segmentNames.get(record.segmentId) : undefined) ?? '');
        const bucket = hourOf(record.startMs);
        const agg = getOr(vitals, `${projectId}\u0000${page}\u0000${vital}\u0000${bucket}`, () => ({ project_id: projectId, page, vital, bucket, good: 0, meh: 0, poor: 0, sketch: LatencySketch.empty() }));
        agg[rateVital(vital, value)] += 1;
        // CLS is unitless and small: store it ×1000 so the sketch's relative accuracy still applies.
        agg.sketch.add(vital === 'cls' ? value * 1000 : value);
      }
    }
    for (const span of children) {
      const segment = span.segmentName ?? (span.segmentId !== null ? segmentNames.get(span.segmentId) : undefined) ?? '';
      const bucket = hourOf(span.startMs);
      const agg = getOr(spans, `${projectId}\u0000${segment}\u0000${span.op}\u0000${span.name}\u0000${bucket}`, () => ({ project_id: projectId, segment, op: span.op, description: span.name, bucket, count: 0, sum_ms: 0, max_ms: 0, sketch: LatencySketch.empty() }));
      agg.count += 1;
      agg.sum_ms += span.durationMs;
      agg.max_ms = Math.max(agg.max_ms, span.durationMs);
      agg.sketch.add(span.durationMs);
    }
  }
  return { minutes, hours, spans, vitals };
}

/**
 * Merges rows into a rollup table. Counters could be added in SQL, but sketches must be merged in
 * code: the rows a batch touches are read, merged and written back with one multi-row upsert.
 * PostgreSQL first creates missing rows empty and locks them, so two nodes never lose each other's
 * update; SQLite has a single writer, so nobody can change the rows between our read and write.
 * Only the rows of the batch's keys are read (narrowed by `narrowBy`, then matched exactly).
 */
async function mergeRollup<A extends { sketch: LatencySketch }>(
  db: Db,
  dialect: Dialect,
  table: 'perf_endpoint_minutes' | 'perf_endpoint_hours' | 'perf_span_hours' | 'perf_vital_hours',
  keys: readonly string[],
  narrowBy: string,
  aggs: Map<string, A>,
  keyOf: (row: Record<string, unknown>) => string,
  empty: (agg: A) => Record<string, unknown>,
  merged: (agg: A, row: Record<string, unknown> | undefined) => Record<string, unknown>,
): Promise<void> {
  if (aggs.size === 0) return;
  const list = [...aggs.values()];
  // Dynamic table: each rollup has its own columns, described by the callbacks.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const anyDb = db as Kysely<any>;
  const field = (agg: A, column: string) => (agg as unknown as Record<string, unknown>)[column];
  if (dialect === 'postgres') {
    for (const chunk of chunkRows(list, 10)) {
      await anyDb.insertInto(table).values(chunk.map(empty)).onConflict((oc) => oc.columns([...keys]).doNothing()).execute();
    }
  }
  const projects = [...new Set(list.map((a) => field(a, 'project_id')))];
  const buckets = [...new Set(list.map((a) => field(a, 'bucket')))];
  const narrow = [...new Set(list.map((a) => field(a, narrowBy)))];
  const existing = new Map<string, Record<string, unknown>>();
  for (const chunk of chunkRows(narrow, 1, 30_000 - projects.length - buckets.length)) {
    let query = anyDb.selectFrom(table).selectAll().where('project_id', 'in', projects).where('bucket', 'in', buckets).where(narrowBy, 'in', chunk);
    if (dialect === 'postgres') query = query.forUpdate();
    for (const row of (await query.execute()) as Record<string, unknown>[]) existing.set(keyOf(row), row);
  }
  const rows = [...aggs].map(([key, agg]) => {
    const row = merged(agg, existing.get(key));
    for (const column of keys) row[column] = field(agg, column);
    return row;
  });
  const columns = Object.keys(rows[0] ?? {}).filter((column) => !keys.includes(column));
  for (const chunk of chunkRows(rows, keys.length + columns.length)) {
    await anyDb
      .insertInto(table)
      .values(chunk)
      .onConflict((oc) => oc.columns([...keys]).doUpdateSet((eb) => Object.fromEntries(columns.map((column) => [column, eb.ref(`excluded.${column}`)]))))
      .execute();
  }
}

function mergeSketch(agg: { sketch: LatencySketch }, row: Record<string, unknown> | undefined): Buffer {
  const stored = row?.sketch;
  if (stored instanceof Uint8Array && stored.length > 0) {
    return LatencySketch.mergeEncoded(stored, agg.sketch);
  }
  return agg.sketch.encode();
}

const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v ?? 0));

/** Writes a batch of transactions/spans into the rollup tables, inside the caller's transaction. */
export async function writeSpans(db: Db, dialect: Dialect, items: readonly SpansToStore[]): Promise<{ segments: Map<number, number>; spans: Map<number, number> }> {
  const segments = new Map<number, number>();
  const spanCounts = new Map<number, number>();
  for (const item of items) {
    segments.set(item.projectId, (segments.get(item.projectId) ?? 0) + item.segments.length);
    spanCounts.set(item.projectId, (spanCounts.get(item.projectId) ?? 0) + item.spans.length);
  }
  const { minutes, hours, spans, vitals } = aggregate(items);
  const EMPTY = Buffer.alloc(0);

  for (const [table, aggs] of [
    ['perf_endpoint_minutes', minutes],
    ['perf_endpoint_hours', hours],
  ] as const) {
    await mergeRollup(
      db,
      dialect,
      table,
      ['project_id', 'bucket', 'name'],
      'name',
      aggs,
      (r) => `${num(r.project_id)}\u0000${String(r.name)}\u0000${num(r.bucket)}`,
      (a) => ({ project_id: a.project_id, name: a.name, bucket: a.bucket, count: 0, failures: 0, satisfied: 0, tolerating: 0, sum_ms: 0, sketch: EMPTY }),
      (a, r) => ({
        count: num(r?.count) + a.count,
        failures: num(r?.failures) + a.failures,
        satisfied: num(r?.satisfied) + a.satisfied,
        tolerating: num(r?.tolerating) + a.tolerating,
        sum_ms: num(r?.sum_ms) + a.sum_ms,
        sketch: mergeSketch(a, r),
      }),
    );
  }
  await mergeRollup(
    db,
    dialect,
    'perf_span_hours',
    ['project_id', 'bucket', 'segment', 'op', 'description'],
    'segment',
    spans,
    (r) => `${num(r.project_id)}\u0000${String(r.segment)}\u0000${String(r.op)}\u0000${String(r.description)}\u0000${num(r.bucket)}`,
    (a) => ({ project_id: a.project_id, segment: a.segment, op: a.op, description: a.description, bucket: a.bucket, count: 0, sum_ms: 0, max_ms: 0, sketch: EMPTY }),
    (a, r) => ({ count: num(r?.count) + a.count, sum_ms: num(r?.sum_ms) + a.sum_ms, max_ms: Math.max(num(r?.max_ms), a.max_ms), sketch: mergeSketch(a, r) }),
  );
  await mergeRollup(
    db,
    dialect,
    'perf_vital_hours',
    ['project_id', 'bucket', 'page', 'vital'],
    'page',
    vitals,
    (r) => `${num(r.project_id)}\u0000${String(r.page)}\u0000${String(r.vital)}\u0000${num(r.bucket)}`,
    (a) => ({ project_id: a.project_id, page: a.page, vital: a.vital, bucket: a.bucket, good: 0, meh: 0, poor: 0, sketch: EMPTY }),
    (a, r) => ({ good: num(r?.good) + a.good, meh: num(r?.meh) + a.meh, poor: num(r?.poor) + a.poor, sketch: mergeSketch(a, r) }),
  );
  return { segments, spans: spanCounts };
}
