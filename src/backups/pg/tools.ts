import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { childEnv, PostgresBackupError, redactText, type PgConnection, type PgTool } from './connection.js';

/** Finding pg_dump / pg_restore / pg_dumpall / psql of the right version, and running them as supervised children. */
// ---------------------------------------------------------------------------------------------
// Finding pg_dump, pg_restore, pg_dumpall and psql

export interface ToolCandidate {
  readonly path: string;
  readonly major: number;
  /** What `--version` printed after "(PostgreSQL)": "15.4 (Debian 15.4-1.pgdg120+1)". */
  readonly version: string;
}

export interface FindToolOptions {
  /** Searched first (WATCHPOST_PG_BIN_DIR); a fitting tool there wins even over an exact match elsewhere. */
  readonly binDir?: string | undefined;
  /** PATH-style list searched last (config passes the process's PATH; src/config is the one reader of the environment). */
  readonly searchPath?: string | undefined;
}

const PG_LIB = '/usr/lib/postgresql';

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function candidatePaths(name: PgTool, major: number, options: FindToolOptions): string[] {
  let installed: string[] = [];
  try {
    installed = readdirSync(PG_LIB).filter((entry) => /^\d+(\.\d+)?$/.test(entry)).sort((a, b) => Number(a) - Number(b));
  } catch {
    // No Debian-style layout: PATH alone.
  }
  // PATH is the operating system's lookup list, not Watchpost configuration, so it is read here.
  const pathList = options.searchPath ?? '';
  const dirs = [
    ...(options.binDir ? [options.binDir] : []),
    join(PG_LIB, String(major), 'bin'),
    ...installed.map((version) => join(PG_LIB, version, 'bin')),
    ...pathList.split(delimiter).filter(Boolean),
  ];
  return [...new Set(dirs.map((dir) => join(dir, name)))].filter(isFile);
}

const probed = new Map<string, ToolCandidate | null>();

/** Runs `<tool> --version`; null when it isn't a PostgreSQL client tool. Cached per file version. */
async function probeTool(path: string): Promise<ToolCandidate | null> {
  const stat = statSync(path);
  const key = `${path}\0${stat.ino}\0${stat.mtimeMs}`;
  const cached = probed.get(key);
  if (cached !== undefined) return cached;
  const output = await new Promise<string>((resolve) => {
    execFile(path, ['--version'], { env: childEnv(), timeout: 5000 }, (error, stdout) => resolve(error ? '' : stdout));
  });
  const match = /\(PostgreSQL\)\s+(\d+)([^\n]*)/.exec(output);
  const candidate = match?.[1] ? { path, major: Number(match[1]), version: `${match[1]}${match[2] ?? ''}`.trim() } : null;
  probed.set(key, candidate);
  return candidate;
}

/**
 * Picks the tool for a server (pg_dump, pg_dumpall, psql) or an archive (pg_restore) of major
 * `requiredMajor`: exactly that major if present, else the lowest newer one. Throws a message
 * that says what to install when nothing fits.
 */
export function chooseTool<T extends { readonly path: string; readonly major: number }>(candidates: readonly T[], requiredMajor: number, name: PgTool): T {
  const fitting = candidates.filter((candidate) => candidate.major >= requiredMajor);
  const exact = fitting.find((candidate) => candidate.major === requiredMajor);
  const chosen = exact ?? [...fitting].sort((a, b) => a.major - b.major)[0];
  if (chosen) return chosen;
  const need =
    name === 'pg_restore'
      ? `This archive was written by pg_dump ${requiredMajor} and needs pg_restore ${requiredMajor} or newer`
      : `PostgreSQL ${requiredMajor} needs ${name} ${requiredMajor} or newer`;
  const found =
    candidates.length > 0
      ? `found ${candidates.map((candidate) => `${name} ${candidate.major} (${candidate.path})`).join(', ')}`
      : `found no ${name} (looked in WATCHPOST_PG_BIN_DIR, ${PG_LIB}/*/bin and PATH)`;
  throw new PostgresBackupError(
    'tool',
    `${need}; ${found}. Install postgresql-client-${requiredMajor} (Debian/Ubuntu: apt-get install postgresql-client-${requiredMajor}) or set WATCHPOST_PG_BIN_DIR.`,
  );
}

/** Finds a client tool that can talk to a server (or read an archive) of `requiredMajor`. */
export async function findTool(name: PgTool, requiredMajor: number, options: FindToolOptions = {}): Promise<ToolCandidate> {
  const override = options.binDir ? join(options.binDir, name) : undefined;
  const candidates: ToolCandidate[] = [];
  for (const path of candidatePaths(name, requiredMajor, options)) {
    const candidate = await probeTool(path);
    if (!candidate) continue;
    candidates.push(candidate);
    // Stop early: nothing can beat an exact match or a fitting tool in the override directory.
    if (candidate.major === requiredMajor || (path === override && candidate.major >= requiredMajor)) return candidate;
  }
  return chooseTool(candidates, requiredMajor, name);
}

// ---------------------------------------------------------------------------------------------
// Child processes

const STDERR_TAIL = 2048;
const KILL_GRACE_MS = 5000;
const PROGRESS_INTERVAL_MS = 250;

interface Supervised {
  /** Resolves on exit 0; rejects with the first failure recorded, or the tool's stderr. */
  readonly exited: Promise<void>;
  /** Records a failure (the first one wins) and stops the process. */
  fail(error: Error): void;
  /** The redacted tail of stderr so far. */
  stderr(): string;
}

export function abortError(name: string, signal: AbortSignal | undefined): PostgresBackupError {
  const reason: unknown = signal?.reason;
  return new PostgresBackupError('aborted', `${name} stopped: ${reason instanceof Error ? reason.message : 'cancelled'}`);
}

export function throwIfAborted(signal: AbortSignal | undefined, name: string): void {
  if (signal?.aborted) throw abortError(name, signal);
}

const terminating = new WeakSet<ChildProcess>();

/** SIGTERM, then SIGKILL if the process is still there after a grace period. */
export function terminate(child: ChildProcess): void {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined || terminating.has(child)) return;
  terminating.add(child);
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
  timer.unref();
  child.once('exit', () => clearTimeout(timer));
}

const HINTS: ReadonlyArray<[RegExp, string]> = [
  [/server version mismatch/i, 'the tool is older than the server: install the matching postgresql-client or set WATCHPOST_PG_BIN_DIR'],
  [/could not read from input file: end of file|unexpected end of file/i, 'the archive ends early: truncated (an incomplete upload or download?) or corrupted'],
  [/did not find magic string|does not appear to be a valid archive/i, 'the input is not a pg_dump archive (or is still encrypted)'],
  [/could not uncompress data|invalid (block type|distance|stored block|code)|incorrect (data|header) check/i, 'the archive is corrupted'],
  [/unsupported version .* in file header/i, 'the archive was written by a newer pg_dump than this pg_restore'],
];

export function toolFailure(name: string, code: number | null, signal: NodeJS.Signals | null, stderr: string): PostgresBackupError {
  const how = code !== null ? `exit code ${code}` : `killed by ${signal ?? 'a signal'}`;
  const hint = HINTS.find(([pattern]) => pattern.test(stderr))?.[1];
  const detail = stderr.trim() || '(no error output)';
  return new PostgresBackupError(name === 'pg_restore' ? 'restore' : 'dump', `${name} failed (${how})${hint ? `: ${hint}` : ''}. ${detail}`);
}

export function supervise(child: ChildProcess, name: string, secrets: readonly (string | undefined)[], signal: AbortSignal | undefined): Supervised {
  let stderr = '';
  let failure: Error | undefined;
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (text: string) => {
    stderr = (stderr + text).slice(-2 * STDERR_TAIL);
  });
  const tail = (): string => redactText(stderr, secrets).slice(-STDERR_TAIL);
  const fail = (error: Error): void => {
    failure ??= error;
    terminate(child);
  };
  const onAbort = (): void => fail(abortError(name, signal));
  const exited = new Promise<void>((resolve, reject) => {
    child.once('error', (error) => {
      failure ??= new PostgresBackupError('tool', `Cannot run ${name}: ${error.message}`, { cause: error });
      // A process that never started emits no 'close' we can rely on.
      if (child.pid === undefined) reject(failure);
    });
    child.once('close', (code, exitSignal) => {
      signal?.removeEventListener('abort', onAbort);
      if (failure) reject(failure);
      else if (code === 0) resolve();
      else reject(toolFailure(name, code, exitSignal, tail()));
    });
  });
  if (signal?.aborted) onAbort();
  else signal?.addEventListener('abort', onAbort, { once: true });
  return { exited, fail, stderr: tail };
}

/** Calls onProgress at most ~4 times a second, and always for the final figure. */
export function throttled(onProgress: ((bytes: number) => void) | undefined): (bytes: number, final?: boolean) => void {
  let last = 0;
  return (bytes, final = false) => {
    const now = Date.now();
    if (!onProgress || (!final && now - last < PROGRESS_INTERVAL_MS)) return;
    last = now;
    try {
      onProgress(bytes);
    } catch {
      // A failing progress callback must not break the backup.
    }
  };
}

export interface DumpHandle<T> {
  /** The tool's output. Ends only after the tool exited 0; otherwise it is destroyed with the error. */
  readonly stream: Readable;
  readonly done: Promise<T>;
}

/**
 * Spawns a tool whose stdout is the product. The stream is fed through a PassThrough that is ended
 * only once the exit code is known, so a consumer (a target's put) never sees a clean end of a
 * truncated dump.
 */
export function spawnToStream(
  tool: ToolCandidate,
  name: 'pg_dump' | 'pg_dumpall',
  args: readonly string[],
  conn: PgConnection,
  options: { signal?: AbortSignal | undefined; onProgress?: ((bytes: number) => void) | undefined; onFirstByte?: () => void },
): { stream: PassThrough; bytes: Promise<number> } {
  const child = spawn(tool.path, args, { env: childEnv(conn), stdio: ['ignore', 'pipe', 'pipe'] });
  const supervised = supervise(child, name, [conn.password], options.signal);
  const stream = new PassThrough();
  // Consumers attach their own listeners; this one only keeps an unobserved failure from crashing the process.
  stream.on('error', () => undefined);
  let bytes = 0;
  let finished = false;
  const progress = throttled(options.onProgress);
  child.stdout?.on('data', (chunk: Buffer) => {
    if (bytes === 0) options.onFirstByte?.();
    bytes += chunk.length;
    progress(bytes);
  });
  child.stdout?.pipe(stream, { end: false });
  stream.once('close', () => {
    if (!finished) supervised.fail(new PostgresBackupError('dump', `The ${name} output was closed before ${name} finished`));
  });
  const result = supervised.exited.then(
    () => {
      finished = true;
      progress(bytes, true);
      stream.end();
      return bytes;
    },
    (error: unknown) => {
      finished = true;
      stream.destroy(error as Error);
      throw error;
    },
  );
  return { stream, bytes: result };
}

