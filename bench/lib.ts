import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export { freePort } from '../test/helpers/net.js';

/** Resident set size of a process in MB, from /proc (Linux). */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

/** User + system clock ticks in a /proc stat file (fields 14 and 15, counted after the ")" that ends the command name). */
function statTicks(path: string): number {
  const fields = readFileSync(path, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return Number(fields[11] ?? 0) + Number(fields[12] ?? 0);
}

/** CPU a process used (user + system, all threads), in cores, from now until the returned function is called (Linux). */
export function cpuMeter(pid: number): () => number {
  const ticks = () => statTicks(`/proc/${pid}/stat`);
  const start = ticks();
  const started = performance.now();
  // USER_HZ is 100 on every Linux this runs on.
  return () => (ticks() - start) / 100 / ((performance.now() - started) / 1000);
}

/**
 * CPU each thread of a process used, in cores, from now until the returned function is called
 * (Linux), busiest first; threads under 0.02 cores are left out. Shows whether one thread (the
 * main loop, a worker, the writer) is the limit or the work is spread and the machine is full.
 */
export function threadCpuMeter(pid: number): () => number[] {
  const ticks = () => {
    const byThread = new Map<string, number>();
    let tids: string[] = [];
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      return byThread;
    }
    for (const tid of tids) {
      try {
        byThread.set(tid, statTicks(`/proc/${pid}/task/${tid}/stat`));
      } catch {
        // the thread ended
      }
    }
    return byThread;
  };
  const start = ticks();
  const started = performance.now();
  return () => {
    const seconds = (performance.now() - started) / 1000;
    // USER_HZ is 100, as in cpuMeter.
    const cores = [...ticks()].map(([tid, t]) => (t - (start.get(tid) ?? 0)) / 100 / seconds);
    return cores.filter((c) => c >= 0.02).sort((a, b) => b - a);
  };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** Spawns a server and resolves with the ms from spawn until `url` answers 200 (polling every 5 ms). */
export async function timeToReady(command: string, args: string[], env: Record<string, string>, url: string): Promise<{ child: ChildProcess; ms: number }> {
  const started = performance.now();
  const child = spawn(command, args, { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let exited = false;
  child.once('exit', () => (exited = true));
  for (;;) {
    if (exited) throw new Error(`server exited before ready: ${stderr}`);
    try {
      const response = await fetch(url);
      if (response.status === 200) return { child, ms: performance.now() - started };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** Prints the one machine-readable line every benchmark ends with. */
export function report(bench: string, metrics: Record<string, number | string | boolean>): void {
  process.stdout.write(`${JSON.stringify({ bench, metrics })}\n`);
}
