import { fail } from '../lib/errors.js';
import { normalizeEndpointName, normalizeSpanDescription, truncate } from './describe.js';

/**
 * One internal span record for both SDK generations: the legacy `transaction` item (SDK v7–v10)
 * and the streamed `span` v2 item (SDK 11 and span streaming). Segments are the roots (the
 * transaction / `is_segment` span) and feed the endpoint tables; children feed the slow-span tables.
 */
export interface SpanRecord {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  /** Span id of the segment this span belongs to; a segment's own span id for segments. */
  segmentId: string | null;
  /** Endpoint name of the segment (normalised), for grouping children per endpoint; null if unknown. */
  segmentName: string | null;
  isSegment: boolean;
  /** Segment: normalised transaction name. Child: normalised description (see describe.ts). */
  name: string;
  /** Segment: the transaction name as sent. Child: the description as sent. */
  rawDescription: string | null;
  op: string;
  status: string;
  /** Sentry's failure_rate rule (status other than ok/cancelled/unknown) or HTTP status ≥ 500. */
  failed: boolean;
  startMs: number;
  durationMs: number;
  release: string | null;
  environment: string;
  httpStatus: number | null;
  userId: string | null;
  platform: string | null;
  /** Web vitals carried by this span: lcp/fcp/ttfb/inp/fid in ms, cls unitless. */
  measurements: Record<string, number>;
}

export interface SpanBatch {
  segments: SpanRecord[];
  spans: SpanRecord[];
  /** Items skipped because they were malformed (not an object, bad ids, bad timestamps). */
  invalid: number;
  /** Valid items not returned because the batch was over MAX_SPANS_PER_BATCH. */
  dropped: number;
}

/** Sentry's own limit per span item and per transaction. Segments are kept first. */
export const MAX_SPANS_PER_BATCH = 1000;

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const obj = (v: unknown): Json => (isObject(v) ? v : {});

function str(v: unknown, max = 200): string | null {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v !== 'string' || v.trim() === '') return null;
  return truncate(v.trim(), max);
}

function hexId(v: unknown, length: 16 | 32): string | null {
  if (typeof v !== 'string') return null;
  const id = v.replace(/-/g, '').toLowerCase();
  return id.length === length && /^[0-9a-f]+$/.test(id) ? id : null;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:?\d{2})?$/;

/** Epoch seconds (float) or RFC 3339 (no zone = UTC) → epoch ms; null when absent or implausible. */
export function parseTimestamp(v: unknown): number | null {
  let ms: number | null = null;
  if (typeof v === 'number') ms = v * 1000;
  else if (typeof v === 'string') {
    const m = RFC3339.exec(v.trim());
    if (!m) return null;
    const [, y, mo, d, h, mi, s, frac, zone] = m;
    ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) + Number(frac ?? 0) * 1000;
    if (zone && zone.toUpperCase() !== 'Z') {
      const z = zone.replace(':', '');
      ms -= (z.startsWith('-') ? -1 : 1) * (Number(z.slice(1, 3)) * 60 + Number(z.slice(3, 5))) * 60_000;
    }
  }
  // Rejects ms-instead-of-seconds mistakes (year > 5000) and garbage such as NaN or negatives.
  return ms !== null && Number.isFinite(ms) && ms > 0 && ms < 1e14 ? ms : null;
}

function httpStatusOf(...candidates: unknown[]): number | null {
  for (const c of candidates) {
    const n = typeof c === 'string' && /^\d{3}$/.test(c.trim()) ? Number(c) : c;
    if (typeof n === 'number' && Number.isInteger(n) && n >= 100 && n <= 599) return n;
  }
  return null;
}

const STATUS_ALIASES: Record<string, string> = { unknown_error: 'unknown', canceled: 'cancelled', unset: 'ok' };
const NOT_FAILED = new Set(['ok', 'cancelled', 'unknown']);

function normalizeStatus(v: unknown): string {
  const s = typeof v === 'string' ? v.trim().toLowerCase() : '';
  if (s === '') return 'ok';
  return STATUS_ALIASES[s] ?? truncate(s, 32);
}

const TIMING_VITALS = new Set(['lcp', 'fcp', 'ttfb', 'inp', 'fid']);
const UNIT_TO_MS: Record<string, number> = { nanosecond: 1e-6, microsecond: 1e-3, millisecond: 1, second: 1000, '': 1, none: 1 };

/** Known web vitals only, timings converted to ms; negative, non-finite or unit-less junk is dropped. */
function vital(name: string, value: unknown, unit: unknown): [string, number] | null {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return null;
  if (name === 'cls') return ['cls', value];
  if (!TIMING_VITALS.has(name)) return null;
  const factor = UNIT_TO_MS[typeof unit === 'string' ? unit.toLowerCase() : ''];
  return factor === undefined ? null : [name, value * factor];
}

function legacyMeasurements(v: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, m] of Object.entries(obj(v))) {
    const parsed = vital(key.toLowerCase(), obj(m).value, obj(m).unit);
    if (parsed) out[parsed[0]] = parsed[1];
  }
  return out;
}

/** Fields shared by both formats before the record is finished; `unknown` ones are validated there. */
type Draft = Pick<SpanRecord, 'segmentName' | 'isSegment' | 'release' | 'httpStatus' | 'userId' | 'platform' | 'measurements'> & {
  traceId: string | null;
  spanId: string | null;
  segmentId: string | null;
  parentSpanId: unknown;
  description: string | null;
  environment: string | null;
  op: unknown;
  status: unknown;
  start: unknown;
  end: unknown;
};

function finish(d: Draft): SpanRecord | null {
  const startMs = parseTimestamp(d.start);
  const endMs = parseTimestamp(d.end);
  if (!d.traceId || !d.spanId || startMs === null || endMs === null || endMs < startMs) return null;
  const op = str(d.op, 64) ?? 'default';
  const status = normalizeStatus(d.status);
  const name = d.isSegment ? normalizeEndpointName(d.description ?? '') : normalizeSpanDescription(op, d.description);
  return {
    traceId: d.traceId,
    spanId: d.spanId,
    parentSpanId: hexId(d.parentSpanId, 16),
    segmentId: d.isSegment ? d.spanId : d.segmentId,
    segmentName: d.isSegment ? name : d.segmentName,
    isSegment: d.isSegment,
    name,
    rawDescription: d.description === null ? null : truncate(d.description, 2000),
    op,
    status,
    failed: !NOT_FAILED.has(status) || (d.httpStatus ?? 0) >= 500,
    startMs: Math.round(startMs * 1000) / 1000,
    durationMs: Math.round((endMs - startMs) * 1000) / 1000,
    release: d.release,
    environment: d.environment ?? 'production',
    httpStatus: d.httpStatus,
    userId: d.userId,
    platform: d.platform,
    measurements: d.measurements,
  };
}

/** Keeps segments first (each is an endpoint sample), then children in arrival order. */
function capped(records: SpanRecord[], invalid: number): SpanBatch {
  const segments = records.filter((r) => r.isSegment).slice(0, MAX_SPANS_PER_BATCH);
  const spans = records.filter((r) => !r.isSegment).slice(0, MAX_SPANS_PER_BATCH - segments.length);
  return { segments, spans, invalid, dropped: records.length - segments.length - spans.length };
}

function headerTrace(envelopeHeader: Record<string, unknown> | undefined): Json {
  return obj(envelopeHeader?.trace);
}

/** Tags arrive as a map or as a list of [key, value] pairs. */
function tag(tags: unknown, key: string): unknown {
  if (Array.isArray(tags)) return (tags.find((t) => Array.isArray(t) && t[0] === key) as unknown[] | undefined)?.[1];
  return obj(tags)[key];
}

/** A legacy `transaction` item: the transaction is the segment, `spans[]` are its children. */
export function spansFromTransaction(event: unknown, envelopeHeader?: Record<string, unknown>): SpanBatch {
  if (!isObject(event)) throw fail('WP_ERR_INGEST_MALFORMED', 'A transaction item must be a JSON object');
  const contexts = obj(event.contexts);
  const trace = obj(contexts.trace);
  const traceData = obj(trace.data);
  const dsc = headerTrace(envelopeHeader);
  const traceId = hexId(trace.trace_id, 32);
  const rootSpanId = hexId(trace.span_id, 16);
  // Copied field by field into each draft: a `{ ...shared, … }` literal per span cost ~25 µs
  // (V8 builds a spread-then-extended literal through its slow path), most of this function's time.
  const release = str(event.release) ?? str(dsc.release);
  const environment = str(event.environment, 64) ?? str(dsc.environment, 64);
  const userId = str(obj(event.user).id);
  const platform = str(event.platform, 32);
  const transaction = typeof event.transaction === 'string' ? event.transaction : null;
  const segmentName = normalizeEndpointName(transaction ?? '');
  const records: SpanRecord[] = [];
  let invalid = 0;
  const root = finish({
    release,
    environment,
    userId,
    platform,
    traceId,
    spanId: rootSpanId,
    parentSpanId: trace.parent_span_id,
    segmentId: null,
    segmentName: null,
    isSegment: true,
    description: transaction,
    op: trace.op,
    status: trace.status,
    start: event.start_timestamp,
    end: event.timestamp,
    httpStatus: httpStatusOf(obj(contexts.response).status_code, traceData['http.response.status_code'], tag(event.tags, 'http.status_code')),
    measurements: legacyMeasurements(event.measurements),
  });
  if (root) records.push(root);
  else invalid++;
  for (const raw of Array.isArray(event.spans) ? event.spans : []) {
    const span = obj(raw);
    const data = obj(span.data);
    const record = isObject(raw)
      ? finish({
          release,
          environment,
          userId,
          platform,
          traceId: hexId(span.trace_id, 32) ?? traceId,
          spanId: hexId(span.span_id, 16),
          parentSpanId: span.parent_span_id,
          segmentId: rootSpanId,
          segmentName,
          isSegment: false,
          description: typeof span.description === 'string' ? span.description : null,
          op: span.op,
          status: span.status,
          start: span.start_timestamp,
          end: span.timestamp,
          httpStatus: httpStatusOf(data['http.response.status_code'], data['http.status_code'], tag(span.tags, 'http.status_code')),
          measurements: {},
        })
      : null;
    if (record) records.push(record);
    else invalid++;
  }
  return capped(records, invalid);
}

/** Attribute value from `{key: {value, type}}`, tolerating a bare value. */
function attr(attributes: Json, key: string): unknown {
  const a = attributes[key];
  return isObject(a) ? a.value : a;
}

function attributeVitals(attributes: Json): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key of Object.keys(attributes)) {
    const m = /^browser\.web_vital\.([a-z]+)\.value$/.exec(key);
    const parsed = m ? vital(m[1] ?? '', attr(attributes, key), 'millisecond') : null;
    if (parsed) out[parsed[0]] = parsed[1];
  }
  return out;
}

/** A streamed span item: `{"version":2,"items":[…]}`; `is_segment` marks the roots. */
export function spansFromSpanItem(payload: unknown, envelopeHeader?: Record<string, unknown>): SpanBatch {
  if (!isObject(payload)) throw fail('WP_ERR_INGEST_MALFORMED', 'A span item must be a JSON object');
  if (!Array.isArray(payload.items)) return { segments: [], spans: [], invalid: 1, dropped: 0 };
  const dsc = headerTrace(envelopeHeader);
  const records: SpanRecord[] = [];
  let invalid = 0;
  for (const raw of payload.items) {
    const item = obj(raw);
    const attributes = obj(item.attributes);
    const a = (key: string) => attr(attributes, key);
    const op = str(a('sentry.op'), 64) ?? 'default';
    const spanId = hexId(item.span_id, 16);
    const segmentId = hexId(a('sentry.segment.id'), 16) ?? hexId(item.segment_id, 16);
    const isSegment = item.is_segment === true || (spanId !== null && segmentId === spanId);
    let description = str(item.name, 100_000);
    if (isSegment) description = description ?? str(a('sentry.segment.name'), 100_000);
    else if (/^db(?:\.|$)/.test(op)) description = str(a('db.query.text'), 100_000) ?? str(a('db.statement'), 100_000) ?? description;
    else if (op.startsWith('http.client') && !description?.includes('/')) {
      const url = str(a('url.full'), 100_000) ?? str(a('http.url'), 100_000);
      const method = str(a('http.request.method'), 16) ?? str(a('http.method'), 16);
      if (url) description = method ? `${method} ${url}` : url;
    }
    const segmentName = str(a('sentry.segment.name'), 100_000);
    const record = isObject(raw)
      ? finish({
          traceId: hexId(item.trace_id, 32),
          spanId,
          parentSpanId: item.parent_span_id,
          segmentId,
          segmentName: segmentName === null ? null : normalizeEndpointName(segmentName),
          isSegment,
          description,
          op,
          status: item.status,
          start: item.start_timestamp,
          end: item.end_timestamp,
          release: str(a('sentry.release')) ?? str(dsc.release),
          environment: str(a('sentry.environment'), 64) ?? str(dsc.environment, 64),
          httpStatus: httpStatusOf(a('http.response.status_code'), a('http.status_code')),
          userId: str(a('user.id')),
          platform: str(a('sentry.platform'), 32),
          measurements: attributeVitals(attributes),
        })
      : null;
    if (record) records.push(record);
    else invalid++;
  }
  linkSegments(records);
  return capped(records, invalid);
}

/** Children missing `sentry.segment.id`/`.name` take them from their segment when it is in the batch. */
function linkSegments(records: SpanRecord[]): void {
  const byId = new Map(records.map((r) => [r.spanId, r]));
  for (const r of records) {
    if (r.isSegment || (r.segmentId !== null && r.segmentName !== null)) continue;
    let segment = r.segmentId === null ? undefined : byId.get(r.segmentId);
    // Walk up the parents; the step limit guards against cycles in hostile input.
    for (let up = r, steps = 0; segment === undefined && up.parentSpanId !== null && steps < records.length; steps++) {
      const parent = byId.get(up.parentSpanId);
      if (parent === undefined) break;
      if (parent.isSegment) segment = parent;
      up = parent;
    }
    if (segment?.isSegment) {
      r.segmentId = segment.spanId;
      r.segmentName ??= segment.name;
    }
  }
}
