import type { Kysely } from 'kysely';
import { PERIOD_MS, type Period } from '../lib/periods.js';
import { hourOf, minuteOf } from '../storage/batch.js';
import type { Database } from '../storage/schema.js';
import { LatencySketch } from './sketch.js';
import { apdexScore, VITAL_THRESHOLDS, type VitalName } from './vitals.js';

/** The windows performance views offer. */
export type PerfPeriod = Extract<Period, '1h' | '24h' | '7d' | '30d'>;

const round = (n: number | null): number | null => (n === null ? null : Math.round(n * 100) / 100);

function sketchOf(bytes: Uint8Array): LatencySketch {
  return bytes.length > 0 ? LatencySketch.decode(bytes) : LatencySketch.empty();
}

/**
 * Performance summaries read from the rollup tables only: per-minute rows for the last hour,
 * per-hour rows beyond. Quantiles come from merged DDSketches, never from raw spans.
 */
export class PerformanceService {
  constructor(
    private readonly db: Kysely<Database>,
    /** Merges spans accepted but not yet in the rollups (IngestService.flushPerformance). */
    private readonly beforeRead: () => Promise<unknown> = () => Promise.resolve(),
  ) {}

  private table(period: PerfPeriod): { table: 'perf_endpoint_minutes' | 'perf_endpoint_hours'; since: number } {
    const now = Date.now();
    return period === '1h' ? { table: 'perf_endpoint_minutes', since: minuteOf(now - PERIOD_MS[period]) } : { table: 'perf_endpoint_hours', since: hourOf(now - PERIOD_MS[period]) };
  }

  /** Every endpoint seen in the period with latency quantiles, throughput, failure rate and Apdex. */
  async endpoints(projectId: number, period: PerfPeriod) {
    await this.beforeRead();
    const { table, since } = this.table(period);
    const rows = await this.db.selectFrom(table).selectAll().where('project_id', '=', projectId).where('bucket', '>=', since).execute();
    const byName = new Map<string, { count: number; failures: number; satisfied: number; tolerating: number; sum: number; sketch: LatencySketch }>();
    for (const row of rows) {
      let agg = byName.get(row.name);
      if (!agg) byName.set(row.name, (agg = { count: 0, failures: 0, satisfied: 0, tolerating: 0, sum: 0, sketch: LatencySketch.empty() }));
      agg.count += row.count;
      agg.failures += row.failures;
      agg.satisfied += row.satisfied;
      agg.tolerating += row.tolerating;
      agg.sum += row.sum_ms;
      agg.sketch.merge(sketchOf(row.sketch));
    }
    const minutes = PERIOD_MS[period] / 60_000;
    return [...byName]
      .map(([name, a]) => ({
        name,
        count: a.count,
        throughputPerMinute: round(a.count / minutes) ?? 0,
        failureRate: a.count > 0 ? a.failures / a.count : 0,
        apdex: round(apdexScore(a.satisfied, a.tolerating, a.count)),
        avgMs: round(a.count > 0 ? a.sum / a.count : null),
        p50: round(a.sketch.quantile(0.5)),
        p95: round(a.sketch.quantile(0.95)),
        p99: round(a.sketch.quantile(0.99)),
      }))
      .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
  }

  /** One endpoint: a latency/throughput series and its slowest child spans. */
  async endpoint(projectId: number, name: string, period: PerfPeriod) {
    await this.beforeRead();
    const { table, since } = this.table(period);
    const rows = await this.db.selectFrom(table).selectAll().where('project_id', '=', projectId).where('name', '=', name).where('bucket', '>=', since).orderBy('bucket').execute();
    const series = rows.map((row) => {
      const sketch = sketchOf(row.sketch);
      return { t: row.bucket, count: row.count, failures: row.failures, p50: round(sketch.quantile(0.5)), p95: round(sketch.quantile(0.95)), p99: round(sketch.quantile(0.99)) };
    });
    const spanRows = await this.db
      .selectFrom('perf_span_hours')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('segment', '=', name)
      .where('bucket', '>=', hourOf(Date.now() - PERIOD_MS[period]))
      .execute();
    const spans = new Map<string, { op: string; description: string; count: number; sum: number; max: number; sketch: LatencySketch }>();
    for (const row of spanRows) {
      const k = `${row.op}\u0000${row.description}`;
      let agg = spans.get(k);
      if (!agg) spans.set(k, (agg = { op: row.op, description: row.description, count: 0, sum: 0, max: 0, sketch: LatencySketch.empty() }));
      agg.count += row.count;
      agg.sum += row.sum_ms;
      agg.max = Math.max(agg.max, row.max_ms);
      agg.sketch.merge(sketchOf(row.sketch));
    }
    const slow = [...spans.values()]
      .map((s) => ({ op: s.op, description: s.description, count: s.count, avgMs: round(s.sum / Math.max(1, s.count)) ?? 0, p95: round(s.sketch.quantile(0.95)), maxMs: round(s.max) ?? 0 }))
      .sort((a, b) => b.avgMs * b.count - a.avgMs * a.count)
      .slice(0, 50);
    return { name, series, spans: slow };
  }

  /** Web vitals: p75 and good / needs-improvement / poor counts, overall and per page. */
  async vitals(projectId: number, period: PerfPeriod) {
    await this.beforeRead();
    const rows = await this.db.selectFrom('perf_vital_hours').selectAll().where('project_id', '=', projectId).where('bucket', '>=', hourOf(Date.now() - PERIOD_MS[period])).execute();
    type Agg = { vital: VitalName; good: number; meh: number; poor: number; sketch: LatencySketch };
    const overall = new Map<string, Agg>();
    const pages = new Map<string, Map<string, Agg>>();
    const add = (map: Map<string, Agg>, row: (typeof rows)[number]) => {
      let agg = map.get(row.vital);
      if (!agg) map.set(row.vital, (agg = { vital: row.vital as VitalName, good: 0, meh: 0, poor: 0, sketch: LatencySketch.empty() }));
      agg.good += row.good;
      agg.meh += row.meh;
      agg.poor += row.poor;
      agg.sketch.merge(sketchOf(row.sketch));
    };
    for (const row of rows) {
      add(overall, row);
      let page = pages.get(row.page);
      if (!page) pages.set(row.page, (page = new Map<string, Agg>()));
      add(page, row);
    }
    const out = (agg: Agg) => {
      const p75 = agg.sketch.quantile(0.75);
      return { vital: agg.vital, count: agg.good + agg.meh + agg.poor, good: agg.good, meh: agg.meh, poor: agg.poor, p75: p75 === null ? null : agg.vital === 'cls' ? Math.round(p75) / 1000 : round(p75) };
    };
    const order = Object.keys(VITAL_THRESHOLDS);
    const sorted = (m: Map<string, Agg>) => [...m.values()].sort((a, b) => order.indexOf(a.vital) - order.indexOf(b.vital)).map(out);
    return { items: sorted(overall), pages: [...pages].map(([page, m]) => ({ page, vitals: sorted(m) })).sort((a, b) => b.vitals.reduce((s, v) => s + v.count, 0) - a.vitals.reduce((s, v) => s + v.count, 0)) };
  }
}
