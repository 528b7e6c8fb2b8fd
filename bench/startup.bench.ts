// Cold start to ready, and idle memory, of a Watchpost node on SQLite, against a no-op Fastify
// server started the same way in the same run. Targets: ready < 1.5 s, idle RSS < 120 MB.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, median, report, rssMb, stop, timeToReady } from './lib.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const IDLE_MS = 3000;
const root = join(import.meta.dirname, '..');

async function measure(kind: 'baseline' | 'watchpost' | 'watchpost-warm', dataDir: string): Promise<{ readyMs: number; rssMb: number }> {
  const port = await freePort();
  const { child, ms } =
    kind === 'baseline'
      ? await timeToReady(process.execPath, [join(root, 'bench/baselines/noop-fastify.mjs')], { PORT: String(port) }, `http://127.0.0.1:${port}/health`)
      : await timeToReady(
          process.execPath,
          [join(root, 'dist/cli/main.js'), 'start'],
          { WATCHPOST_PORT: String(port), WATCHPOST_HOST: '127.0.0.1', WATCHPOST_DATA_DIR: dataDir, WATCHPOST_LOG_LEVEL: 'warn' },
          `http://127.0.0.1:${port}/api/health/ready`,
        );
  await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
  const rss = rssMb(child.pid ?? 0);
  await stop(child);
  return { readyMs: ms, rssMb: rss };
}

const results: Record<string, Array<{ readyMs: number; rssMb: number }>> = { baseline: [], watchpost: [], 'watchpost-warm': [] };
for (let i = 0; i < RUNS; i++) {
  const dataDir = mkdtempSync(join(tmpdir(), 'wp-bench-start-'));
  results.baseline?.push(await measure('baseline', dataDir));
  results.watchpost?.push(await measure('watchpost', dataDir)); // fresh data dir: creates the database and key
  results['watchpost-warm']?.push(await measure('watchpost-warm', dataDir)); // existing database
  rmSync(dataDir, { recursive: true, force: true });
}

const summary = Object.fromEntries(
  Object.entries(results).map(([kind, runs]) => [kind, { readyMs: median(runs.map((r) => r.readyMs)), rssMb: median(runs.map((r) => r.rssMb)) }]),
) as Record<'baseline' | 'watchpost' | 'watchpost-warm', { readyMs: number; rssMb: number }>;

const line = (label: string, value: { readyMs: number; rssMb: number }) => `  ${label.padEnd(34)} ready ${value.readyMs.toFixed(0).padStart(5)} ms   idle RSS ${value.rssMb.toFixed(1).padStart(6)} MB`;
console.log(`Startup (median of ${RUNS} runs, SQLite, ${IDLE_MS / 1000} s idle before RSS)`);
console.log(line('no-op Fastify (baseline)', summary.baseline));
console.log(line('Watchpost, first start (empty dir)', summary.watchpost));
console.log(line('Watchpost, restart (existing db)', summary['watchpost-warm']));
const readyRatio = summary.watchpost.readyMs / summary.baseline.readyMs;
const rssRatio = summary.watchpost.rssMb / summary.baseline.rssMb;
console.log(`  ratio to baseline: ready ×${readyRatio.toFixed(2)}, RSS ×${rssRatio.toFixed(2)}`);
console.log(`  targets: ready < 1500 ms ${summary.watchpost.readyMs < 1500 ? 'MET' : 'MISSED'}, idle RSS < 120 MB ${summary.watchpost.rssMb < 120 ? 'MET' : 'MISSED'}`);
report('startup', {
  readyMs: Math.round(summary.watchpost.readyMs),
  restartReadyMs: Math.round(summary['watchpost-warm'].readyMs),
  idleRssMb: Math.round(summary.watchpost.rssMb * 10) / 10,
  baselineReadyMs: Math.round(summary.baseline.readyMs),
  baselineRssMb: Math.round(summary.baseline.rssMb * 10) / 10,
  readyRatio: Math.round(readyRatio * 100) / 100,
  rssRatio: Math.round(rssRatio * 100) / 100,
});
