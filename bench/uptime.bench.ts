// Uptime checks at scale on one node (SQLite): 10,000 HTTP monitors at a 60 s interval against a
// local target. Prints the share of checks that started within 2 s of their schedule, the node's
// CPU and peak RSS, and the monitors-list API p95 with 10,000 monitors and 90 days of rollups.
// Baselines in the same run: a bare Node process firing the same 10,000 requests a minute on
// timers (its lag share and CPU), and a raw better-sqlite3 SELECT of one page of monitors.
// Targets: ≥ 99 % of checks within 2 s; list p95 < 100 ms.
//
//   BENCH_MONITORS=10000   monitors (all HTTP, 60 s)
//   BENCH_SECONDS=60       measured seconds (after a warm-up of one interval plus the first checks)
//   BENCH_ROLLUP_DAYS=90   days of hourly and daily rollups seeded for the list benchmark
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { freePort, report, rssMb, stop, timeToReady } from './lib.js';

const MONITORS = Number(process.env.BENCH_MONITORS ?? 10_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const ROLLUP_DAYS = Number(process.env.BENCH_ROLLUP_DAYS ?? 90);
const INTERVAL_S = 60;
const LIST_RUNS = 200;
const root = join(import.meta.dirname, '..');
const dataDir = mkdtempSync(join(tmpdir(), 'wp-bench-uptime-'));
const ADMIN = { email: 'bench@example.com', password: 'bench-password-123' };
const METRICS_TOKEN = 'bench-metrics-token-0123456789';

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const met = (ok: boolean) => (ok ? 'MET' : 'MISSED');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
};

/** CPU seconds (user + system) a process has used, from /proc. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** The monitored website: answers every request with a small 200. */
async function startTarget(): Promise<{ url: string; requests: () => number; close(): Promise<void> }> {
  let n = 0;
  const server = createServer((_req, res) => {
    n++;
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok');
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${port}`, requests: () => n, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Counts of the lag histogram from /metrics: checks in all and those that started within 2 s. */
async function lagCounts(base: string): Promise<{ total: number; within2s: number }> {
  const response = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  if (response.status !== 200) throw new Error(`/metrics answered ${response.status}`);
  const text = await response.text();
  const bucket = (le: string) => Number(new RegExp(`watchpost_uptime_check_lag_seconds_bucket\\{le="${le}"\\} (\\d+)`).exec(text)?.[1] ?? 0);
  return { total: bucket('\\+Inf'), within2s: bucket('2') };
}

function cli<T>(env: Record<string, string>, ...args: string[]): T {
  const result = spawnSync(process.execPath, [join(root, 'dist/cli/main.js'), ...args, '--json'], { env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`watchpost ${args.join(' ')} failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

/** Runs the bare baseline: the same requests on timers in its own process, for the measured time. */
function runBaseline(url: string): Promise<{ total: number; within2s: number; cpuSeconds: number }> {
  const script = join(import.meta.dirname, 'baselines', 'bare-checker.mjs');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, url, String(MONITORS), String(INTERVAL_S), String(INTERVAL_S + SECONDS)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as { total: number; within2s: number; cpuSeconds: number }) : reject(new Error(`baseline exited with ${code}`))));
  });
}

let watchpost: ChildProcess | undefined;
const target = await startTarget();
try {
  const load = () => loadavg().map((n) => n.toFixed(2)).join(' ');
  console.log(`Uptime (SQLite, ${fmt(MONITORS)} HTTP monitors at ${INTERVAL_S} s, ${SECONDS} s measured after a warm-up; load average ${load()} at start)`);

  // Baseline first, alone on the machine: a bare Node process doing the same requests on timers.
  const baseline = await runBaseline(`${target.url}/health`);
  const baselineShare = baseline.total === 0 ? 0 : (baseline.within2s / baseline.total) * 100;
  const baselineCpu = baseline.cpuSeconds / (INTERVAL_S + SECONDS);
  console.log(`  bare timers (baseline)      ${fmt(baseline.total)} requests, ${baselineShare.toFixed(2)} % within 2 s, CPU ${(baselineCpu * 100).toFixed(1)} % of a core`);

  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env = {
    WATCHPOST_PORT: String(port),
    WATCHPOST_HOST: '127.0.0.1',
    WATCHPOST_DATA_DIR: dataDir,
    WATCHPOST_PUBLIC_URL: base,
    WATCHPOST_LOG_LEVEL: 'warn',
    WATCHPOST_ADMIN_EMAIL: ADMIN.email,
    WATCHPOST_ADMIN_PASSWORD: ADMIN.password,
    WATCHPOST_METRICS_TOKEN: METRICS_TOKEN,
  };
  watchpost = (await timeToReady(process.execPath, [join(root, 'dist/cli/main.js'), 'start'], env, `${base}/api/health/ready`)).child;
  const pid = watchpost.pid ?? 0;
  const project = cli<{ id: number }>(env, 'project', 'create', 'bench');
  const token = cli<{ token: string }>(env, 'token', 'create', '--name', 'bench', '--scope', 'write').token;
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

  const createStarted = performance.now();
  let next = 0;
  const workers = Array.from({ length: 8 }, async () => {
    while (next < MONITORS) {
      const i = next++;
      const response = await fetch(`${base}/api/projects/${project.id}/monitors`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ name: `site-${String(i).padStart(5, '0')}`, type: 'http', url: `${target.url}/health?m=${i}`, intervalSeconds: INTERVAL_S }),
      });
      if (response.status !== 201) throw new Error(`create monitor: ${response.status} ${await response.text()}`);
    }
  });
  await Promise.all(workers);
  console.log(`  created ${fmt(MONITORS)} monitors through the API in ${((performance.now() - createStarted) / 1000).toFixed(1)} s`);

  // Warm-up: every monitor's first check (within seconds of creation) and its move to its own phase.
  await sleep((INTERVAL_S + 10) * 1000);
  const before = await lagCounts(base);
  const cpuBefore = cpuSeconds(pid);
  const requestsBefore = target.requests();
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssMb(pid))), 250);
  await sleep(SECONDS * 1000);
  clearInterval(sampler);
  const after = await lagCounts(base);
  const cpu = (cpuSeconds(pid) - cpuBefore) / SECONDS;
  const checks = after.total - before.total;
  const within = after.within2s - before.within2s;
  const share = checks === 0 ? 0 : (within / checks) * 100;
  const expected = (MONITORS * SECONDS) / INTERVAL_S;
  console.log(
    `  Watchpost                   ${fmt(checks)} checks (${fmt(expected)} due), ${share.toFixed(2)} % within 2 s of schedule, ${fmt(checks / SECONDS)} checks/s, target saw ${fmt(target.requests() - requestsBefore)} requests`,
  );
  console.log(`  CPU ${(cpu * 100).toFixed(1)} % of a core (×${(cpu / Math.max(baselineCpu, 0.0001)).toFixed(1)} the bare timers), peak RSS ${fmt(peakRss, 1)} MB`);
  console.log(`  target: ≥ 99 % within 2 s ${met(share >= 99)}`);
  await stop(watchpost);
  watchpost = undefined;

  // The monitors list with 90 days of rollups: seed hourly and daily rollups straight into SQLite.
  const file = join(dataDir, 'watchpost.db');
  const db = new SQLite(file);
  const ids = (db.prepare('SELECT id FROM monitors ORDER BY name').all() as Array<{ id: string }>).map((r) => r.id);
  const seedStarted = performance.now();
  const sketch = Buffer.from((db.prepare("SELECT sketch FROM monitor_rollups WHERE period = 'h' LIMIT 1").get() as { sketch: Buffer } | undefined)?.sketch ?? Buffer.alloc(0));
  const insert = db.prepare('INSERT OR IGNORE INTO monitor_rollups (monitor_id, period, bucket, up, degraded, down, maintenance, latency_count, latency_sum, sketch) VALUES (?, ?, ?, ?, 0, ?, 0, ?, ?, ?)');
  const now = Date.now();
  const firstHour = Math.floor((now - ROLLUP_DAYS * 86_400_000) / 3_600_000) * 3_600_000;
  let rows = 0;
  const seed = db.transaction((monitorIds: string[]) => {
    for (const id of monitorIds) {
      for (let t = firstHour; t < now - 3_600_000 * 2; t += 3_600_000) {
        const down = (t / 3_600_000) % 97 === 0 ? 3 : 0;
        insert.run(id, 'h', t, 60 - down, down, 60 - down, (60 - down) * 2.5, sketch);
        rows++;
      }
      for (let t = Math.floor(firstHour / 86_400_000) * 86_400_000; t < now - 86_400_000 * 2; t += 86_400_000) {
        insert.run(id, 'd', t, 1440, 0, 1440, 3600, sketch);
        rows++;
      }
    }
  });
  for (let i = 0; i < ids.length; i += 500) seed(ids.slice(i, i + 500));
  console.log(`List: seeded ${fmt(rows)} rollup rows (${ROLLUP_DAYS} days, hourly and daily) in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`);
  const raw = db.prepare('SELECT * FROM monitors WHERE project_id = ? ORDER BY name, id LIMIT 50 OFFSET ?');
  const rawTimes: number[] = [];
  for (let i = 0; i < LIST_RUNS; i++) {
    const started = performance.now();
    raw.all(project.id, (i * 50) % MONITORS);
    rawTimes.push(performance.now() - started);
  }
  db.close();

  watchpost = (await timeToReady(process.execPath, [join(root, 'dist/cli/main.js'), 'start'], { ...env, WATCHPOST_JOBS: 'false' }, `${base}/api/health/ready`)).child;
  const shapes: Array<[string, (i: number) => string]> = [
    ['first page', () => ''],
    ['page n (offset)', (i) => `&offset=${(i * 50) % MONITORS}`],
    ['search', () => '&search=site-04'],
    ['status=up', () => '&status=up'],
  ];
  const results: Record<string, { p50: number; p95: number }> = {};
  for (const [label, query] of shapes) {
    const times: number[] = [];
    for (let i = 0; i < LIST_RUNS; i++) {
      const started = performance.now();
      const response = await fetch(`${base}/api/projects/${project.id}/monitors?limit=50${query(i)}`, { headers });
      if (response.status !== 200) throw new Error(`list: ${response.status}`);
      await response.arrayBuffer();
      times.push(performance.now() - started);
    }
    results[label] = { p50: percentile(times, 50), p95: percentile(times, 95) };
  }
  const rawP95 = percentile(rawTimes, 95);
  console.log(`  raw SELECT … LIMIT 50 (baseline)     p50 ${percentile(rawTimes, 50).toFixed(2).padStart(6)} ms   p95 ${rawP95.toFixed(2).padStart(6)} ms`);
  for (const [label, r] of Object.entries(results)) {
    console.log(`  GET monitors ${label.padEnd(22)}  p50 ${r.p50.toFixed(2).padStart(6)} ms   p95 ${r.p95.toFixed(2).padStart(6)} ms   (×${(r.p95 / Math.max(rawP95, 0.001)).toFixed(0)} the raw SELECT)`);
  }
  const worst = Math.max(...Object.values(results).map((r) => r.p95));
  console.log(`  target: p95 < 100 ms for every query ${met(worst < 100)} (worst ${worst.toFixed(1)} ms)`);
  console.log(`Load average ${load()} at the end (other work on the machine skews every figure above)`);
  report('uptime', {
    monitors: MONITORS,
    checks,
    withinTwoSecondsPct: Math.round(share * 100) / 100,
    baselineWithinTwoSecondsPct: Math.round(baselineShare * 100) / 100,
    cpuCores: Math.round(cpu * 1000) / 1000,
    baselineCpuCores: Math.round(baselineCpu * 1000) / 1000,
    cpuRatio: Math.round((cpu / Math.max(baselineCpu, 0.0001)) * 10) / 10,
    peakRssMb: Math.round(peakRss * 10) / 10,
    listP95Ms: Math.round(worst * 100) / 100,
    rawSelectP95Ms: Math.round(rawP95 * 1000) / 1000,
    listRatio: Math.round((worst / Math.max(rawP95, 0.001)) * 10) / 10,
    seconds: SECONDS,
  });
} finally {
  if (watchpost) await stop(watchpost);
  await target.close();
  rmSync(dataDir, { recursive: true, force: true });
}
