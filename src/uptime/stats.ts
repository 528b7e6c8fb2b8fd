import type { Kysely } from 'kysely';
import { LatencySketch } from '../performance/sketch.js';
import type { Database } from '../storage/schema.js';
import { DAY, HOUR, MINUTE } from '../lib/periods.js';
import * as repo from './repo.js';

type Db = Kysely<Database>;

/** Uptime % from check counts (maintenance excluded); null when there were no checks. */
export const pct = (c: { up: number; degraded: number; down: number } | undefined): number | null => {
  if (!c) return null;
  const total = c.up + c.degraded + c.down;
  return total === 0 ? null : Math.round(((c.up + c.degraded) / total) * 100_000) / 1000;
};

/**
 * Uptime over 24 h / 7 d / 30 d / 90 d / 1 y, latency percentiles over 24 h, a latency series
 * (per 10 minutes over 24 h, from minute rollups merged), and 90 daily uptime bars — all from rollups.
 */
export async function monitorStats(db: Db, id: string, now = Date.now()) {
  const hourStart = (t: number) => Math.floor(t / HOUR) * HOUR;
  const dayStart = (t: number) => Math.floor(t / DAY) * DAY;
  const [hours, days, minutes] = await Promise.all([
    repo.rollupRange(db, [id], 'h', hourStart(now - 90 * DAY)),
    repo.rollupRange(db, [id], 'd', dayStart(now - 365 * DAY)),
    repo.rollupRange(db, [id], 'm', now - DAY),
  ]);
  const sum = (rows: repo.RollupRow[], since: number) =>
    rows.filter((r) => Number(r.bucket) >= since).reduce((acc, r) => ({ up: acc.up + Number(r.up), degraded: acc.degraded + Number(r.degraded), down: acc.down + Number(r.down) }), { up: 0, degraded: 0, down: 0 });
  const uptime = {
    h24: pct(sum(hours, hourStart(now - DAY))),
    d7: pct(sum(hours, hourStart(now - 7 * DAY))),
    d30: pct(sum(hours, hourStart(now - 30 * DAY))),
    d90: pct(sum(hours, hourStart(now - 90 * DAY))),
    y1: pct(sum(days, dayStart(now - 365 * DAY))),
  };
  const day = LatencySketch.empty();
  let latencySum = 0;
  let latencyCount = 0;
  for (const r of hours.filter((h) => Number(h.bucket) >= hourStart(now - DAY))) {
    if (r.sketch.length > 0) day.merge(LatencySketch.decode(r.sketch));
    latencySum += Number(r.latency_sum);
    latencyCount += Number(r.latency_count);
  }
  const step = 10 * MINUTE;
  const series = new Map<number, { sketch: LatencySketch; sum: number; count: number; up: number; degraded: number; down: number; maintenance: number }>();
  for (const r of minutes) {
    const t = Math.floor(Number(r.bucket) / step) * step;
    let point = series.get(t);
    if (!point) series.set(t, (point = { sketch: LatencySketch.empty(), sum: 0, count: 0, up: 0, degraded: 0, down: 0, maintenance: 0 }));
    if (r.sketch.length > 0) point.sketch.merge(LatencySketch.decode(r.sketch));
    point.sum += Number(r.latency_sum);
    point.count += Number(r.latency_count);
    point.up += Number(r.up);
    point.degraded += Number(r.degraded);
    point.down += Number(r.down);
    point.maintenance += Number(r.maintenance);
  }
  const round = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);
  const daily = new Map(days.map((r) => [Number(r.bucket), r]));
  const bars = [];
  for (let i = 89; i >= 0; i--) {
    const t = dayStart(now - i * DAY);
    const r = daily.get(t);
    const counts = r ? { up: Number(r.up), degraded: Number(r.degraded), down: Number(r.down) } : undefined;
    bars.push({ day: t, uptime: pct(counts), checks: counts ? counts.up + counts.degraded + counts.down : 0, down: counts?.down ?? 0, maintenance: r ? Number(r.maintenance) : 0 });
  }
  return {
    uptime,
    latency: { avgMs: latencyCount > 0 ? round(latencySum / latencyCount) : null, p50Ms: round(day.quantile(0.5)), p95Ms: round(day.quantile(0.95)) },
    series: [...series.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([t, p]) => ({ t, avgMs: p.count > 0 ? round(p.sum / p.count) : null, p95Ms: round(p.sketch.quantile(0.95)), up: p.up, degraded: p.degraded, down: p.down, maintenance: p.maintenance })),
    days: bars,
  };
}

/**
 * For public status pages: name, type, status and 90 daily uptime bars of some monitors of a
 * project, in one query per table (monitors of other projects are ignored).
 */
export async function monitorSummaries(db: Db, projectId: number, monitorIds: readonly string[], now = Date.now()) {
  if (monitorIds.length === 0) return [];
  const rows = (await repo.monitorsByIds(db, monitorIds)).filter((r) => r.project_id === projectId);
  const first = Math.floor((now - 89 * DAY) / DAY) * DAY;
  const rollups = await repo.rollupRange(db, rows.map((r) => r.id), 'd', first);
  const byMonitor = new Map<string, Map<number, repo.RollupRow>>();
  for (const r of rollups) {
    const map = byMonitor.get(r.monitor_id) ?? new Map<number, repo.RollupRow>();
    map.set(Number(r.bucket), r);
    byMonitor.set(r.monitor_id, map);
  }
  return rows.map((row) => {
    const days = [];
    let up = 0;
    let total = 0;
    for (let t = first; t <= now; t += DAY) {
      const r = byMonitor.get(row.id)?.get(t);
      const counts = r ? { up: Number(r.up), degraded: Number(r.degraded), down: Number(r.down) } : undefined;
      if (counts) {
        up += counts.up + counts.degraded;
        total += counts.up + counts.degraded + counts.down;
      }
      days.push({ day: t, uptime: pct(counts), down: counts?.down ?? 0, maintenance: r ? Number(r.maintenance) : 0 });
    }
    return { id: row.id, name: row.name, type: row.type, status: row.status, statusSince: row.status_since, lastCheckAt: row.last_check_at, uptime90d: total === 0 ? null : Math.round((up / total) * 100_000) / 1000, days };
  });
}
