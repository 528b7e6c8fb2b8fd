import { normalizeEvent, type NormalizedEvent } from '../../errors/event.js';
import { encodeEventBody } from '../../errors/event-body.js';
import { computeGrouping } from '../../errors/grouping.js';
import { sessionCounts, type SessionCounts } from '../../errors/release-health.js';
import { scrubEvent } from '../../errors/scrub.js';
import type { EventToStore, StoredEvent } from '../../errors/write.js';
import { fail, WatchpostError } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import { spansFromSpanItem, spansFromTransaction, type SpanBatch } from '../../performance/spans.js';
import { queuedSpans } from '../../performance/pending.js';
import type { IngestWork, ProjectIngestSettings } from '../service.js';
import type { Category, SentryCheckInsTable } from '../types.js';
import { parseEnvelope, type Envelope, type EnvelopeItem, type EnvelopeLimits } from './envelope.js';
import { parseJsonPayload } from './json.js';

export interface ProcessContext {
  readonly projectId: number;
  readonly keyId: string;
  readonly settings: ProjectIngestSettings;
  readonly clientIp: string | null;
  readonly receivedAt: number;
  readonly maxJsonDepth: number;
  /** Maps minified JavaScript frames to original sources (source maps); runs before grouping. */
  readonly symbolicate?: (event: NormalizedEvent) => Promise<void>;
}

/** What an envelope turned into, and what was dropped on the way (counted as outcomes). */
export interface ProcessedEnvelope {
  readonly work: IngestWork;
  /** The id Sentry SDKs expect back: the envelope's or the event's. */
  readonly eventId: string | null;
  readonly dropped: Array<{ category: Category; outcome: 'invalid' | 'filtered' | 'client_discarded'; count: number }>;
}

/** The data category an item counts against (X-Sentry-Rate-Limits names). */
export function categoryOf(type: string): Category | null {
  switch (type) {
    case 'event':
      return 'error';
    case 'transaction':
      return 'transaction';
    case 'span':
      return 'span';
    case 'session':
    case 'sessions':
      return 'session';
    case 'check_in':
      return 'monitor';
    case 'attachment':
      return 'attachment';
    default:
      return null;
  }
}

/** Items that count against rate limits and quotas: errors and transactions (segments). */
export function countedItems(envelope: Envelope): number {
  return envelope.items.filter((item) => item.type === 'event' || item.type === 'transaction' || item.type === 'span').length;
}

const EXTENSION_URL = /^(?:chrome|moz|safari(?:-web)?|ms-browser)-extension:\/\//;

/** Sentry's default inbound filter: errors thrown by browser extensions, not by the app. */
function fromBrowserExtension(event: NormalizedEvent): boolean {
  const last = event.exceptions.at(-1);
  const frame = last?.frames.at(-1);
  const path = frame?.absPath ?? frame?.filename ?? '';
  return EXTENSION_URL.test(path);
}

/**
 * Scrubs, normalises, symbolicates and groups one error event; 'filtered' when an inbound filter
 * drops it. Grouping runs on the symbolicated frames, so a new build doesn't split its issues.
 */
export async function processEvent(raw: unknown, ctx: ProcessContext, inputBytes?: number): Promise<EventToStore | 'filtered'> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw fail('WP_ERR_INGEST_MALFORMED', 'The event is not a JSON object');
  const scrubbed = scrubEvent(raw as Record<string, unknown>, ctx.settings.scrub);
  const event = normalizeEvent(scrubbed, { receivedAt: ctx.receivedAt, clientIp: ctx.settings.scrub.storeClientIp ? ctx.clientIp : null, ...(inputBytes !== undefined ? { inputBytes } : {}) });
  if (fromBrowserExtension(event)) return 'filtered';
  if (ctx.symbolicate) await ctx.symbolicate(event);
  const grouping = computeGrouping(event);
  const data = encodeEventBody(JSON.stringify(event.data));
  const stored: StoredEvent = {
    eventId: event.eventId,
    timestamp: event.timestamp,
    receivedAt: event.receivedAt,
    platform: event.platform,
    level: event.level,
    environment: event.environment,
    release: event.release,
    transaction: event.transaction,
    userKey: event.userKey,
    tags: event.tags,
  };
  return { projectId: ctx.projectId, event: stored, grouping, data };
}

/** A check-in's monitor_config as JSON, or null when absent or too large to keep whole. */
function monitorConfig(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return null;
  const json = JSON.stringify(value);
  return json.length <= 4000 ? json : null;
}

function checkIn(payload: unknown, ctx: ProcessContext, environment: string | null): SentryCheckInsTable {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) throw fail('WP_ERR_INGEST_MALFORMED', 'The check_in item is not a JSON object');
  const p = payload as Record<string, unknown>;
  const slug = typeof p.monitor_slug === 'string' ? p.monitor_slug.slice(0, 128) : '';
  const status = typeof p.status === 'string' ? p.status : '';
  if (slug === '' || !['in_progress', 'ok', 'error'].includes(status)) throw fail('WP_ERR_INGEST_MALFORMED', 'The check_in needs monitor_slug and status in_progress|ok|error');
  return {
    id: newId(ctx.receivedAt),
    project_id: ctx.projectId,
    check_in_id: typeof p.check_in_id === 'string' ? p.check_in_id.slice(0, 64) : '',
    monitor_slug: slug,
    status,
    duration_ms: typeof p.duration === 'number' && Number.isFinite(p.duration) ? p.duration * 1000 : null,
    environment: typeof p.environment === 'string' ? p.environment.slice(0, 64) : environment,
    monitor_config: monitorConfig(p.monitor_config),
    received_at: ctx.receivedAt,
  };
}

function clientReport(payload: unknown): Array<{ category: Category; count: number }> {
  if (typeof payload !== 'object' || payload === null) return [];
  const discarded = (payload as { discarded_events?: unknown }).discarded_events;
  if (!Array.isArray(discarded)) return [];
  const out: Array<{ category: Category; count: number }> = [];
  for (const entry of discarded.slice(0, 100)) {
    if (typeof entry !== 'object' || entry === null) continue;
    const { category, quantity } = entry as { category?: unknown; quantity?: unknown };
    if (typeof quantity !== 'number' || !Number.isFinite(quantity) || quantity <= 0) continue;
    const name = typeof category === 'string' ? (category === 'error' || category === 'default' ? 'error' : categoryOf(category === 'monitor' ? 'check_in' : category)) : null;
    out.push({ category: name ?? 'default', count: Math.min(Math.floor(quantity), 1_000_000) });
  }
  return out;
}

function mergeSpans(into: SpanBatch | null, batch: SpanBatch): SpanBatch {
  if (!into) return batch;
  return { segments: [...into.segments, ...batch.segments], spans: [...into.spans, ...batch.spans], invalid: into.invalid + batch.invalid, dropped: into.dropped + batch.dropped };
}

/**
 * Turns a parsed envelope into the work to store. An item that is malformed is counted as invalid
 * and skipped; the envelope fails (400) only when its one event or transaction is unreadable, so an
 * SDK learns about a bug instead of believing the event was stored.
 */
export async function processEnvelope(envelope: Envelope, ctx: ProcessContext): Promise<ProcessedEnvelope> {
  const events: EventToStore[] = [];
  const sessions: SessionCounts[] = [];
  const checkIns: SentryCheckInsTable[] = [];
  const dropped: ProcessedEnvelope['dropped'] = [];
  let spans: SpanBatch | null = null;
  let size = 0;
  const header = envelope.header;
  const traceEnv = typeof header.trace === 'object' && header.trace !== null ? (header.trace as { environment?: unknown }).environment : undefined;
  let eventId = typeof header.event_id === 'string' ? header.event_id.replace(/-/g, '').toLowerCase() : null;

  const json = (item: EnvelopeItem) => parseJsonPayload(item.payload, `${item.type} item`, ctx.maxJsonDepth);
  for (const item of envelope.items) {
    try {
      switch (item.type) {
        case 'event': {
          const payload = json(item);
          // An SDK retry must dedupe: without its own id the event takes the envelope's.
          if (eventId !== null && typeof payload === 'object' && payload !== null && !Array.isArray(payload) && (payload as { event_id?: unknown }).event_id === undefined) {
            (payload as { event_id?: unknown }).event_id = eventId;
          }
          const processed = await processEvent(payload, ctx, item.payload.length);
          if (processed === 'filtered') dropped.push({ category: 'error', outcome: 'filtered', count: 1 });
          else {
            events.push(processed);
            eventId = processed.event.eventId;
            size += processed.data.length * 4;
          }
          break;
        }
        case 'transaction':
          spans = mergeSpans(spans, spansFromTransaction(json(item), header));
          break;
        case 'span':
          spans = mergeSpans(spans, spansFromSpanItem(json(item), header));
          break;
        case 'session':
        case 'sessions':
          sessions.push(...sessionCounts(item.type, json(item), ctx.receivedAt));
          break;
        case 'check_in':
          checkIns.push(checkIn(json(item), ctx, typeof traceEnv === 'string' ? traceEnv : null));
          break;
        case 'client_report':
          for (const d of clientReport(json(item))) dropped.push({ category: d.category, outcome: 'client_discarded', count: d.count });
          break;
        default:
          // attachments, logs, profiles, replays, and types we don't know: skipped, never an error.
          break;
      }
    } catch (error) {
      if (!(error instanceof WatchpostError)) throw error;
      if (item.type === 'event' || item.type === 'transaction') throw error;
      dropped.push({ category: categoryOf(item.type) ?? 'default', outcome: 'invalid', count: 1 });
    }
  }
  if (spans && spans.invalid > 0) dropped.push({ category: 'span', outcome: 'invalid', count: spans.invalid });
  if (spans && spans.dropped > 0) dropped.push({ category: 'span', outcome: 'filtered', count: spans.dropped });
  const queued = spans ? queuedSpans({ projectId: ctx.projectId, segments: spans.segments, spans: spans.spans }) : null;
  return {
    work: { projectId: ctx.projectId, keyId: ctx.keyId, events, spans: queued, sessions, checkIns, size: size + (queued?.payload.length ?? 0) + 1024 },
    eventId,
    dropped,
  };
}

/**
 * Reads a request body as an envelope: `/envelope/` bodies are parsed as such, a `/store/` body is
 * one event (or, from old SDKs, one transaction) wrapped in an envelope of one item.
 */
export function readEnvelope(body: Buffer, kind: 'envelope' | 'store', limits: EnvelopeLimits): Envelope {
  if (kind === 'envelope') return parseEnvelope(body, limits);
  if (body.length > limits.maxEventBytes) throw fail('WP_ERR_BODY_TOO_LARGE', `The event is larger than ${limits.maxEventBytes} bytes`);
  // The legacy endpoint is rare, so parsing twice (here for the top-level type, in processing with
  // the same limits) costs little.
  const parsed = parseJsonPayload(body, 'event', limits.maxJsonDepth);
  const type = typeof parsed === 'object' && parsed !== null && (parsed as { type?: unknown }).type === 'transaction' ? 'transaction' : 'event';
  return { header: {}, items: [{ type, header: { type }, payload: body }] };
}

/**
 * Everything a processing worker needs for one request: the raw body (already authenticated and
 * admitted on the main thread) and the context, minus symbolication (source maps live in the
 * database, so envelopes that need them are processed on the main thread).
 */
export interface ProcessTask {
  readonly body: Uint8Array;
  readonly kind: 'envelope' | 'store';
  readonly limits: EnvelopeLimits;
  readonly ctx: Omit<ProcessContext, 'symbolicate'>;
}

/** Parses and processes one request body; what a processing worker runs. */
export function processBody(task: ProcessTask): Promise<ProcessedEnvelope> {
  const body = Buffer.isBuffer(task.body) ? task.body : Buffer.from(task.body.buffer, task.body.byteOffset, task.body.byteLength);
  return processEnvelope(readEnvelope(body, task.kind, task.limits), task.ctx);
}
