// Load generator for errors.bench.ts, run in its own process so its CPU is not the server's event
// loop: N keep-alive connections each post envelopes back to back (closed loop) for a fixed time.
// Input: one JSON argument (LoadOptions). Output: one JSON line (LoadResult) on stdout.
import { Agent, request } from 'node:http';
import { gzipSync } from 'node:zlib';
import { errorEnvelopes, transactionEnvelopes, type PayloadFactory } from './sentry-payloads.js';

export interface LoadOptions {
  readonly url: string;
  readonly publicKey: string;
  readonly kind: 'error' | 'transaction';
  readonly seconds: number;
  /** Not measured: lets the server's JIT, caches and SQLite pages warm up. */
  readonly warmupSeconds: number;
  readonly connections: number;
}

export interface LoadResult {
  readonly requests: number;
  readonly ok: number;
  readonly non200: number;
  readonly errors: number;
  readonly statuses: Record<string, number>;
  readonly seconds: number;
  readonly perSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly avgBodyBytes: number;
  readonly avgSentBytes: number;
  readonly gzipShare: number;
  /** CPU the generator itself used, in cores (1 = one core busy). */
  readonly generatorCores: number;
  readonly firstError: string | null;
}

const options = JSON.parse(process.argv[2] ?? '{}') as LoadOptions;
const target = new URL(options.url);
const agent = new Agent({ keepAlive: true, maxSockets: options.connections, maxFreeSockets: options.connections });
const factory: PayloadFactory = options.kind === 'error' ? errorEnvelopes(options.publicKey) : transactionEnvelopes(options.publicKey);
const auth = `Sentry sentry_version=7, sentry_client=sentry.javascript.node/8.47.0, sentry_key=${options.publicKey}`;

let measuring = false;
let stopping = false;
const latencies: number[] = [];
const statuses = new Map<number, number>();
let errors = 0;
let firstError: string | null = null;
let bodyBytes = 0;
let sentBytes = 0;
let gzipped = 0;
let sent = 0;

function post(body: Buffer, gzip: boolean): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        headers: {
          'content-type': 'application/x-sentry-envelope',
          'content-length': body.length,
          'x-sentry-auth': auth,
          'user-agent': 'sentry.javascript.node/8.47.0',
          ...(gzip ? { 'content-encoding': 'gzip' } : {}),
        },
      },
      (res) => {
        res.on('data', () => undefined);
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function connectionLoop(index: number): Promise<void> {
  let n = index;
  while (!stopping) {
    const raw = factory.next();
    // Every other request gzipped (level 1 keeps the generator's share of the 2 cores small).
    const gzip = n++ % 2 === 0;
    const body = gzip ? gzipSync(raw, { level: 1 }) : raw;
    const started = performance.now();
    try {
      const status = await post(body, gzip);
      if (!measuring) continue;
      latencies.push(performance.now() - started);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    } catch (error) {
      if (!measuring) continue;
      errors++;
      firstError ??= error instanceof Error ? error.message : String(error);
    }
    sent++;
    bodyBytes += raw.length;
    sentBytes += body.length;
    if (gzip) gzipped++;
  }
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

const loops = Array.from({ length: options.connections }, (_, i) => connectionLoop(i));
await new Promise((resolve) => setTimeout(resolve, options.warmupSeconds * 1000));
measuring = true;
const cpuStart = process.cpuUsage();
const started = performance.now();
await new Promise((resolve) => setTimeout(resolve, options.seconds * 1000));
measuring = false;
const elapsed = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuStart);
stopping = true;
await Promise.allSettled(loops);
agent.destroy();

const sorted = Float64Array.from(latencies).sort();
const ok = statuses.get(200) ?? 0;
const result: LoadResult = {
  requests: latencies.length + errors,
  ok,
  non200: latencies.length - ok,
  errors,
  statuses: Object.fromEntries([...statuses].map(([k, v]) => [String(k), v])),
  seconds: elapsed,
  perSec: ok / elapsed,
  p50Ms: percentile(sorted, 50),
  p99Ms: percentile(sorted, 99),
  maxMs: sorted.at(-1) ?? 0,
  avgBodyBytes: sent > 0 ? bodyBytes / sent : 0,
  avgSentBytes: sent > 0 ? sentBytes / sent : 0,
  gzipShare: sent > 0 ? gzipped / sent : 0,
  generatorCores: (cpu.user + cpu.system) / 1e6 / elapsed,
  firstError,
};
process.stdout.write(`${JSON.stringify(result)}\n`);
