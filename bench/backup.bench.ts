// Backup throughput of a generated PostgreSQL database (default ~1 GB) through Watchpost's pipeline
// (pg_dump -Fc in an exported snapshot with row counts → AES-256-GCM → SHA-256 → local target), run
// by the real CLI (`watchpost backup run --json`) in its own process, against a plain
// `pg_dump -Fc > /dev/null` of the same database in the same run. Then the restore test
// (`watchpost backup verify`): pg_restore into a scratch database and row-count comparison.
// Targets: throughput ratio ≥ 0.9; peak RSS of the Watchpost process < 200 MB, flat with size.
//
//   BENCH_DB_MB=1024        approximate size of the generated database
//   WATCHPOST_TEST_DATABASE_URL / default postgres://postgres@127.0.0.1:5432/postgres
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { report, rssMb } from './lib.js';

const DB_MB = Number(process.env.BENCH_DB_MB ?? 1024);
const SERVER = process.env.WATCHPOST_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const root = join(import.meta.dirname, '..');
const name = `wp_bench_backup_${Date.now().toString(36)}`;
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const met = (ok: boolean) => (ok ? 'MET' : 'MISSED');

function databaseUrl(database: string): string {
  const url = new URL(SERVER);
  url.pathname = `/${database}`;
  url.search = '';
  return url.toString();
}

async function sql(query: string, database = new URL(SERVER).pathname.slice(1) || 'postgres'): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl(database) });
  await client.connect();
  try {
    await client.query(query);
  } finally {
    await client.end();
  }
}

/** Runs a command, sampling its RSS every 100 ms; resolves with wall time, peak RSS and stdout. */
function measured(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ ms: number; peakRssMb: number; stdout: string; status: number | null }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let peak = 0;
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setInterval(() => {
      try {
        peak = Math.max(peak, rssMb(child.pid ?? 0));
      } catch {
        // exited
      }
    }, 100);
    child.once('error', reject);
    child.once('exit', (status) => {
      clearInterval(timer);
      if (status !== 0) process.stderr.write(stderr);
      resolve({ ms: performance.now() - started, peakRssMb: peak, stdout, status });
    });
  });
}

const dataDir = mkdtempSync(join(tmpdir(), 'wp-bench-backup-'));
const targetDir = mkdtempSync(join(tmpdir(), 'wp-bench-backup-files-'));
try {
  console.log(`Backup (PostgreSQL, generated database of ~${fmt(DB_MB)} MB; load average ${loadavg().map((n) => n.toFixed(2)).join(' ')} at start)`);
  await sql(`CREATE DATABASE ${name}`);
  const generateStarted = performance.now();
  // ~1 KB rows of independent random hex: about half compressible, like mixed application data
  // (a repeated string would compress 30× and flatter every figure).
  const rows = Math.round((DB_MB * 1024 * 1024) / 1100);
  await sql('CREATE TABLE events (id bigint PRIMARY KEY, at timestamptz NOT NULL, kind text NOT NULL, payload text NOT NULL)', name);
  const batch = 200_000;
  for (let start = 1; start <= rows; start += batch) {
    const end = Math.min(rows, start + batch - 1);
    await sql(`INSERT INTO events SELECT g, now() - g * interval '1 second', 'kind-' || (g % 37), ${Array.from({ length: 30 }, () => 'md5(random()::text)').join(' || ')} FROM generate_series(${start}, ${end}) g`, name);
  }
  await sql('CREATE TABLE customers (id int PRIMARY KEY, email text)', name);
  await sql("INSERT INTO customers SELECT g, 'user' || g || '@example.com' FROM generate_series(1, 100000) g", name);
  const client = new pg.Client({ connectionString: databaseUrl(name) });
  await client.connect();
  const size = Number((await client.query<{ s: string }>('SELECT pg_database_size(current_database()) AS s')).rows[0]?.s ?? 0);
  await client.end();
  console.log(`  generated ${fmt(rows)} rows, database size ${fmt(size / 1024 / 1024)} MB, in ${((performance.now() - generateStarted) / 1000).toFixed(0)} s`);

  // Baseline: plain pg_dump -Fc to /dev/null, same compression level as Watchpost uses.
  const baseline = await measured('sh', ['-c', `pg_dump -Fc --compress=6 --no-password -d "$BENCH_URL" > /dev/null`], { PATH: process.env.PATH, BENCH_URL: databaseUrl(name) });
  if (baseline.status !== 0) throw new Error('pg_dump baseline failed');
  console.log(`  pg_dump -Fc > /dev/null (baseline)   ${(baseline.ms / 1000).toFixed(1)} s   ${fmt(size / 1024 / 1024 / (baseline.ms / 1000), 1)} MB/s of database`);

  const env = {
    PATH: process.env.PATH,
    WATCHPOST_DATA_DIR: dataDir,
    WATCHPOST_LOG_LEVEL: 'warn',
    WATCHPOST_BACKUP_KEY: 'bench-backup-key-0123456789abcdef',
    SOURCE_URL: databaseUrl(name),
  };
  const cli = (...args: string[]) => {
    const result = spawnSync(process.execPath, [join(root, 'dist/cli/main.js'), ...args], { env, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`watchpost ${args.join(' ')}: ${result.stderr}`);
    return result.stdout;
  };
  cli('user', 'create', '--email', 'bench@example.com', '--password', 'bench-password-123', '--admin', '--org', 'Bench');
  const project = JSON.parse(cli('project', 'create', 'bench', '--json')) as { id: number };
  cli('backup', 'source', 'add', '--project', String(project.id), '--name', 'bench-db', '--url-env', 'SOURCE_URL', '--target', `local:${targetDir}`, '--json');

  const run = await measured(process.execPath, [join(root, 'dist/cli/main.js'), 'backup', 'run', '--source', 'bench-db', '--json'], env);
  if (run.status !== 0) throw new Error('watchpost backup run failed');
  const backup = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as { id: string; status: string; sizeBytes: number; durationMs: number };
  const ratio = baseline.ms / backup.durationMs;
  console.log(
    `  watchpost backup run                 ${(backup.durationMs / 1000).toFixed(1)} s   ${fmt(size / 1024 / 1024 / (backup.durationMs / 1000), 1)} MB/s of database, file ${fmt(backup.sizeBytes / 1024 / 1024)} MB (encrypted), peak RSS ${fmt(run.peakRssMb, 1)} MB (CLI process, whole run ${(run.ms / 1000).toFixed(1)} s)`,
  );
  console.log(`  throughput ratio ×${ratio.toFixed(2)} (target ≥ 0.9 ${met(ratio >= 0.9)}); peak RSS < 200 MB ${met(run.peakRssMb < 200)}`);

  const verify = await measured(process.execPath, [join(root, 'dist/cli/main.js'), 'backup', 'verify', backup.id, '--json'], env);
  const verified = JSON.parse(verify.stdout.trim().split('\n').at(-1) ?? '{}') as { status: string; restoreDurationMs: number; reason: string | null };
  console.log(`  watchpost backup verify              ${verified.status}, restore ${(verified.restoreDurationMs / 1000).toFixed(1)} s (the measured RTO), peak RSS ${fmt(verify.peakRssMb, 1)} MB${verified.reason ? `, ${verified.reason}` : ''}`);
  console.log(`Load average ${loadavg().map((n) => n.toFixed(2)).join(' ')} at the end`);
  report('backup', {
    databaseMb: Math.round(size / 1024 / 1024),
    backupSeconds: Math.round(backup.durationMs / 100) / 10,
    baselineSeconds: Math.round(baseline.ms / 100) / 10,
    ratio: Math.round(ratio * 100) / 100,
    peakRssMb: Math.round(run.peakRssMb * 10) / 10,
    verifyStatus: verified.status,
    restoreSeconds: Math.round(verified.restoreDurationMs / 100) / 10,
  });
} finally {
  await sql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(targetDir, { recursive: true, force: true });
}
