// Error and transaction ingest throughput, latency and memory of a Watchpost node on SQLite, and the
// issues-list API on 1 M events in 10 k issues. Baselines in the same run: a no-op Fastify route
// fed the same envelopes by the same load generator, and a raw better-sqlite3 SELECT.
// Targets: ≥ 3,000 events/s, p99 < 50 ms, RSS < 400 MB, ratio ≥ 0.2; ≥ 5,000 transactions/s;
// issues-list p95 < 100 ms.
//
//   BENCH_SECONDS=60       measured seconds per load phase (6: baseline, Watchpost, baseline; errors and transactions), after a short warm-up
//   BENCH_CONNECTIONS=32   keep-alive connections of the load generator
//   BENCH_EVENTS=1000000   events seeded for the issues list, in BENCH_ISSUES=10000 issues
//   BENCH_SERVER_FLAGS=".." extra node/V8 flags for the Watchpost process (runtime tuning experiments)
//   BENCH_CPU_PROF=dir     writes the Watchpost process' V8 CPU profiles into dir
//   WATCHPOST_INGEST_WORKERS=n   passed to Watchpost (0 = process envelopes on the main thread)
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { cpuMeter, freePort, threadCpuMeter, median, report, rssMb, stop, timeToReady } from './lib.js';
import type { LoadOptions, LoadResult } from './sentry-load.js';
import { seedIssues } from './seed-issues.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const WARMUP_SECONDS = Math.min(5, Math.max(2, Math.round(SECONDS / 10)));
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const SEED_EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const SEED_ISSUES = Number(process.env.BENCH_ISSUES ?? 10_000);
const LIST_RUNS = 200;
/** Extra V8/Node flags for the Watchpost process (e.g. --max-semi-space-size=64), to try runtime tuning. */
const SERVER_FLAGS = (process.env.BENCH_SERVER_FLAGS ?? '').split(' ').filter(Boolean);
const CPU_PROF = process.env.BENCH_CPU_PROF ? resolve(process.env.BENCH_CPU_PROF) : null;
const root = join(import.meta.dirname, '..');
const ADMIN = { email: 'bench@example.com', password: 'bench-password-123' };

const dataDir = mkdtempSync(join(tmpdir(), 'wp-bench-errors-'));
const watchpostEnv = (port: number) => ({
  WATCHPOST_PORT: String(port),
  WATCHPOST_HOST: '127.0.0.1',
  WATCHPOST_DATA_DIR: dataDir,
  WATCHPOST_LOG_LEVEL: 'warn',
  WATCHPOST_ADMIN_EMAIL: ADMIN.email,
  WATCHPOST_ADMIN_PASSWORD: ADMIN.password,
  // Passed through so a run can compare processing on worker threads with the main thread.
  ...(process.env.WATCHPOST_INGEST_WORKERS ? { WATCHPOST_INGEST_WORKERS: process.env.WATCHPOST_INGEST_WORKERS } : {}),
});

interface Server {
  readonly child: ChildProcess;
  readonly base: string;
}

/** Servers still running, stopped in `finally` if a phase throws. */
const running = new Set<ChildProcess>();
async function track(server: Promise<Server>): Promise<Server> {
  const started = await server;
  running.add(started.child);
  started.child.once('exit', () => running.delete(started.child));
  return started;
}

async function startWatchpost(): Promise<Server> {
  const port = await freePort();
  if (CPU_PROF) mkdirSync(CPU_PROF, { recursive: true });
  const flags = [...SERVER_FLAGS, ...(CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF}`] : [])];
  const ready = timeToReady(process.execPath, [...flags, join(root, 'dist/cli/main.js'), 'start'], watchpostEnv(port), `http://127.0.0.1:${port}/api/health/ready`);
  return track(ready.then(({ child }) => ({ child, base: `http://127.0.0.1:${port}` })));
}

async function startBaseline(): Promise<Server> {
  const port = await freePort();
  const ready = timeToReady(process.execPath, [join(root, 'bench/baselines/noop-fastify.mjs')], { PORT: String(port) }, `http://127.0.0.1:${port}/health`);
  return track(ready.then(({ child }) => ({ child, base: `http://127.0.0.1:${port}` })));
}

/** Runs a `watchpost` CLI command against the benchmark's data dir and parses its --json output. */
function cli<T>(...args: string[]): T {
  const result = spawnSync(process.execPath, [join(root, 'dist/cli/main.js'), ...args, '--json'], { env: { PATH: process.env.PATH ?? '', ...watchpostEnv(0) }, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`watchpost ${args.join(' ')} failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

/** Samples a process' RSS every 250 ms; `stop()` returns the peak in MB. */
function sampleRss(pid: number): { stop(): number } {
  let peak = 0;
  const sample = () => {
    try {
      peak = Math.max(peak, rssMb(pid));
    } catch {
      // exited
    }
  };
  sample();
  const timer = setInterval(sample, 250);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return peak;
    },
  };
}

/** Runs the load generator (its own process) against `url` and returns what it measured. */
async function runLoad(server: Server, path: string, publicKey: string, kind: LoadOptions['kind']): Promise<LoadResult & { serverCores: number; threadCores: number[] }> {
  const cores = cpuMeter(server.child.pid ?? 0);
  const threads = threadCpuMeter(server.child.pid ?? 0);
  const result = await runGenerator(server.base + path, publicKey, kind);
  return { ...result, serverCores: cores(), threadCores: threads() };
}

function runGenerator(url: string, publicKey: string, kind: LoadOptions['kind']): Promise<LoadResult> {
  const options: LoadOptions = { url, publicKey, kind, seconds: SECONDS, warmupSeconds: WARMUP_SECONDS, connections: CONNECTIONS };
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'sentry-load.ts'), JSON.stringify(options)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`load generator exited with ${code}`));
      resolvePromise(JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as LoadResult);
    });
  });
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const met = (ok: boolean) => (ok ? 'MET' : 'MISSED');
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

function loadLine(label: string, r: LoadResult & { serverCores: number; threadCores: number[] }, unit: string): string {
  const failures = r.non200 + r.errors > 0 ? `  non-200 ${r.non200} ${JSON.stringify(r.statuses)} errors ${r.errors}${r.firstError ? ` (${r.firstError})` : ''}` : '  non-200 0, errors 0';
  return `  ${label.padEnd(26)} ${fmt(r.perSec).padStart(7)} ${unit}/s   p50 ${r.p50Ms.toFixed(1).padStart(6)} ms   p99 ${r.p99Ms.toFixed(1).padStart(6)} ms   server ${r.serverCores.toFixed(2)} cores (${fmt((r.serverCores * 1e6) / Math.max(1, r.perSec))} µs CPU each)   generator ${r.generatorCores.toFixed(2)} cores${failures}${threadsLine(r.threadCores)}`;
}

/** The busiest threads of a multi-threaded server: one near 1.00 is the limit; none is when the machine's cores are. */
function threadsLine(cores: number[]): string {
  return cores.length > 1 ? `\n    server threads (busiest first): ${cores.map((c) => c.toFixed(2)).join(', ')} cores` : '';
}

try {
  const load = () => loadavg().map((n) => n.toFixed(2)).join(' ');
  console.log(`Ingest (SQLite, ${CONNECTIONS} keep-alive connections, ${SECONDS} s measured after ${WARMUP_SECONDS} s warm-up per phase; load average ${load()} at start)`);
  let watchpost = await startWatchpost();
  const project = cli<{ id: number; dsn: string }>('project', 'create', 'bench');
  const publicKey = new URL(project.dsn).username;
  const envelopePath = `/api/${project.id}/envelope/`;

  // Each load phase: the baseline, then Watchpost, then the baseline again, with the same
  // generator, bodies and duration. The ratio uses the mean of the two baseline runs, so a machine
  // that speeds up or slows down during the run (shared hosts do, by a third) skews it less.
  const bracketed = async (kind: LoadOptions['kind']) => {
    const runBaseline = async () => {
      const baseline = await startBaseline();
      const result = await runLoad(baseline, envelopePath, publicKey, kind);
      await stop(baseline.child);
      return result;
    };
    const before = await runBaseline();
    const rss = sampleRss(watchpost.child.pid ?? 0);
    const measured = await runLoad(watchpost, envelopePath, publicKey, kind);
    const peakRssMb = rss.stop();
    const after = await runBaseline();
    return { before, measured, after, peakRssMb, baselinePerSec: (before.perSec + after.perSec) / 2 };
  };
  const errorPhase = await bracketed('error');
  const { measured: errors, peakRssMb } = errorPhase;
  const baselineErrors = errorPhase.before;
  const txPhase = await bracketed('transaction');
  const { measured: tx, peakRssMb: txPeakRssMb } = txPhase;
  const baselineTx = txPhase.before;
  await stop(watchpost.child);

  const file = join(dataDir, 'watchpost.db');
  const check = new SQLite(file, { readonly: true });
  const stored = check.prepare('SELECT (SELECT count(*) FROM events WHERE project_id = ?) AS events, (SELECT count(*) FROM issues WHERE project_id = ?) AS issues').get(project.id, project.id) as { events: number; issues: number };
  const txStored = check.prepare("SELECT coalesce(sum(count), 0) AS n FROM perf_endpoint_hours WHERE project_id = ?").get(project.id) as { n: number };
  check.close();

  const ratio = errors.perSec / errorPhase.baselinePerSec;
  const txRatio = tx.perSec / txPhase.baselinePerSec;
  console.log(`Errors: envelopes of ${fmt(errors.avgBodyBytes)} B on average (${Math.round(errors.gzipShare * 100)} % gzip, ${fmt(errors.avgSentBytes)} B sent), ~1,000 throw sites`);
  console.log(loadLine('no-op Fastify, before', baselineErrors, 'req'));
  console.log(loadLine('Watchpost', errors, 'events'));
  console.log(loadLine('no-op Fastify, after', errorPhase.after, 'req'));
  console.log(`  ratio ×${ratio.toFixed(2)} (to the baselines' mean); peak RSS ${peakRssMb.toFixed(0)} MB; stored ${fmt(stored.events)} events in ${fmt(stored.issues)} issues (incl. warm-up)`);
  console.log(`  targets: ≥ 3,000 events/s ${met(errors.perSec >= 3000)}, p99 < 50 ms ${met(errors.p99Ms < 50)}, RSS < 400 MB ${met(peakRssMb < 400)}, ratio ≥ 0.2 ${met(ratio >= 0.2)}`);
  console.log(`Transactions: envelopes of ${fmt(tx.avgBodyBytes)} B on average, 5–20 spans, ~200 endpoints`);
  console.log(loadLine('no-op Fastify, before', baselineTx, 'req'));
  console.log(loadLine('Watchpost', tx, 'tx'));
  console.log(loadLine('no-op Fastify, after', txPhase.after, 'req'));
  console.log(`  ratio ×${txRatio.toFixed(2)} (to the baselines' mean); peak RSS ${txPeakRssMb.toFixed(0)} MB; ${fmt(txStored.n)} transactions in the endpoint rollups (incl. warm-up)`);
  console.log(`  target: ≥ 5,000 tx/s ${met(tx.perSec >= 5000)}`);

  // Issues list on a big project: seeded with the server stopped, then queried over HTTP.
  const listProject = cli<{ id: number }>('project', 'create', 'bench-list');
  const token = cli<{ token: string }>('token', 'create', '--name', 'bench', '--scope', 'read').token;
  const seeded = seedIssues(file, listProject.id, SEED_ISSUES, SEED_EVENTS);
  console.log(
    `Issues list: seeded ${fmt(seeded.events)} events in ${fmt(seeded.issues)} issues (${fmt(seeded.unresolved)} unresolved, ${fmt(seeded.issueHours)} hourly rows, ${fmt(seeded.tagValues)} tag values) in ${seeded.seconds.toFixed(1)} s`,
  );
  watchpost = await startWatchpost();
  const variants: Array<[string, string]> = [
    ['default (last seen)', ''],
    ['sort=events', '?sort=events'],
    ['search "timed out"', '?query=timed%20out'],
    ['environment=staging', '?environment=staging'],
  ];
  const list: Record<string, { p50: number; p95: number; total: number }> = {};
  for (const [label, query] of variants) {
    const url = `${watchpost.base}/api/projects/${listProject.id}/issues${query}`;
    const times: number[] = [];
    let total = 0;
    for (let i = 0; i < LIST_RUNS + 5; i++) {
      const started = performance.now();
      const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      const body = (await response.json()) as { total: number; items: unknown[] };
      if (response.status !== 200 || body.items.length === 0) throw new Error(`${url}: ${response.status} ${JSON.stringify(body).slice(0, 200)}`);
      total = body.total;
      if (i >= 5) times.push(performance.now() - started);
    }
    list[label] = { p50: median(times), p95: percentile(times, 95), total };
  }
  await stop(watchpost.child);

  const raw = new SQLite(file, { readonly: true });
  const select = raw.prepare("SELECT * FROM issues WHERE project_id = ? AND status = 'unresolved' ORDER BY last_seen DESC, id DESC LIMIT 25");
  const rawTimes: number[] = [];
  for (let i = 0; i < LIST_RUNS + 5; i++) {
    const started = performance.now();
    select.all(listProject.id);
    if (i >= 5) rawTimes.push(performance.now() - started);
  }
  raw.close();
  const rawP95 = percentile(rawTimes, 95);
  console.log(`  ${'raw SELECT … LIMIT 25 (baseline)'.padEnd(34)} p50 ${median(rawTimes).toFixed(2).padStart(7)} ms   p95 ${rawP95.toFixed(2).padStart(7)} ms`);
  for (const [label, r] of Object.entries(list)) {
    console.log(`  ${`GET issues ${label}`.padEnd(34)} p50 ${r.p50.toFixed(2).padStart(7)} ms   p95 ${r.p95.toFixed(2).padStart(7)} ms   (${fmt(r.total)} matching, ×${(r.p95 / rawP95).toFixed(0)} the raw SELECT)`);
  }
  const worstP95 = Math.max(...Object.values(list).map((r) => r.p95));
  const defaultList = list['default (last seen)'] ?? { p50: 0, p95: 0 };
  console.log(`  target: p95 < 100 ms for every query ${met(worstP95 < 100)} (worst ${worstP95.toFixed(1)} ms)`);
  console.log(`Load average ${load()} at the end (other work on the machine skews every figure above)`);

  report('errors', {
    eventsPerSec: Math.round(errors.perSec),
    p50Ms: round(errors.p50Ms),
    p99Ms: round(errors.p99Ms),
    non200: errors.non200,
    httpErrors: errors.errors,
    peakRssMb: round(peakRssMb),
    serverCores: round(errors.serverCores, 2),
    cpuUsPerEvent: Math.round((errors.serverCores * 1e6) / Math.max(1, errors.perSec)),
    busiestThreadCores: round(errors.threadCores[0] ?? 0, 2),
    avgEnvelopeBytes: Math.round(errors.avgBodyBytes),
    baselineReqPerSec: Math.round(errorPhase.baselinePerSec),
    baselineP99Ms: round(baselineErrors.p99Ms),
    ratio: round(ratio, 3),
    txPerSec: Math.round(tx.perSec),
    txP50Ms: round(tx.p50Ms),
    txP99Ms: round(tx.p99Ms),
    txNon200: tx.non200 + tx.errors,
    txServerCores: round(tx.serverCores, 2),
    txPeakRssMb: round(txPeakRssMb),
    txBaselineReqPerSec: Math.round(txPhase.baselinePerSec),
    txRatio: round(txRatio, 3),
    issuesListP50Ms: round(defaultList.p50, 2),
    issuesListP95Ms: round(worstP95, 2),
    issuesListDefaultP95Ms: round(defaultList.p95, 2),
    issuesListEventsSortP95Ms: round(list['sort=events']?.p95 ?? 0, 2),
    issuesListSearchP95Ms: round(list['search "timed out"']?.p95 ?? 0, 2),
    issuesListEnvironmentP95Ms: round(list['environment=staging']?.p95 ?? 0, 2),
    rawSelectP95Ms: round(rawP95, 3),
    issuesListRatio: round(worstP95 / rawP95, 1),
    seconds: SECONDS,
    connections: CONNECTIONS,
  });
} finally {
  for (const child of running) await stop(child);
  rmSync(dataDir, { recursive: true, force: true });
}
