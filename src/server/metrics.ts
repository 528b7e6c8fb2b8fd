import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Storage } from '../storage/db.js';

/** The Prometheus registry of one node, exposed at GET /metrics. */
export interface Metrics {
  readonly registry: Registry;
  readonly httpDuration: Histogram<'method' | 'route' | 'status_code'>;
  readonly httpRequests: Counter<'method' | 'route' | 'status_code'>;
  readonly jobRuns: Counter<'job' | 'status'>;
  readonly ingestItems: Counter<'category' | 'outcome'>;
  readonly ingestBatch: Histogram<'result'>;
  readonly ingestQueue: Gauge;
  readonly uptimeChecks: Counter<'type' | 'status'>;
  readonly uptimeCheckLag: Histogram;
  readonly notifyAttempts: Counter<'channel' | 'result'>;
  dispose(): void;
}

/** Creates a registry with process metrics (event-loop lag, memory, GC), HTTP and database timings. */
export function createMetrics(storage: Storage): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'watchpost_', eventLoopMonitoringPrecision: 20 });
  const httpDuration = new Histogram({
    name: 'watchpost_http_request_duration_seconds',
    help: 'HTTP request latency by route pattern',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const httpRequests = new Counter({
    name: 'watchpost_http_requests_total',
    help: 'HTTP requests by route pattern and status',
    labelNames: ['method', 'route', 'status_code'] as const,
    registers: [registry],
  });
  const dbDuration = new Histogram({
    name: 'watchpost_db_query_duration_seconds',
    help: 'Database query latency by statement kind',
    labelNames: ['kind', 'outcome'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [registry],
  });
  const jobRuns = new Counter({
    name: 'watchpost_job_runs_total',
    help: 'Periodic job runs on this node by outcome',
    labelNames: ['job', 'status'] as const,
    registers: [registry],
  });
  const ingestItems = new Counter({
    name: 'watchpost_ingest_items_total',
    help: 'Ingested items by data category and outcome (accepted, rate_limited, quota, filtered, invalid, client_discarded, duplicate)',
    labelNames: ['category', 'outcome'] as const,
    registers: [registry],
  });
  const ingestBatch = new Histogram({
    name: 'watchpost_ingest_batch_duration_seconds',
    help: 'Time to commit one ingest batch (group commit), by result',
    labelNames: ['result'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const ingestQueue = new Gauge({
    name: 'watchpost_ingest_queue_envelopes',
    help: 'Envelopes accepted but not yet committed on this node (503 above WATCHPOST_INGEST_QUEUE_SIZE)',
    registers: [registry],
  });
  const uptimeChecks = new Counter({
    name: 'watchpost_uptime_checks_total',
    help: 'Monitor checks run on this node by monitor type and result (up, degraded, down, maintenance)',
    labelNames: ['type', 'status'] as const,
    registers: [registry],
  });
  const uptimeCheckLag = new Histogram({
    name: 'watchpost_uptime_check_lag_seconds',
    help: 'How late a scheduled check started compared with its due time',
    buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
    registers: [registry],
  });
  const notifyAttempts = new Counter({
    name: 'watchpost_notify_attempts_total',
    help: 'Notification delivery attempts by channel type and result (delivered, retry, failed)',
    labelNames: ['channel', 'result'] as const,
    registers: [registry],
  });
  const unobserve = storage.observeQueries(({ kind, durationMs, failed }) => {
    dbDuration.observe({ kind, outcome: failed ? 'error' : 'ok' }, durationMs / 1000);
  });
  return {
    registry,
    httpDuration,
    httpRequests,
    jobRuns,
    ingestItems,
    ingestBatch,
    ingestQueue,
    uptimeChecks,
    uptimeCheckLag,
    notifyAttempts,
    dispose() {
      unobserve();
      registry.clear();
    },
  };
}
