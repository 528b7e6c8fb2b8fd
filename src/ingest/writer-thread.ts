import type { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { siblingModule, startModuleWorker } from '../lib/worker.js';
import type { QueuedWork } from './packed-work.js';
import type { BatchExtras, OutcomeRow, StoredBatch } from './store.js';
import type { WriterReply, WriterRequest } from './writer-worker.js';

/** The writer thread stopped (crashed, or was closed) with requests outstanding. */
export class WriterThreadLostError extends Error {
  constructor(readonly reason: string) {
    super(`The ingest writer thread stopped: ${reason}`);
    this.name = 'WriterThreadLostError';
  }
}

/** An error the writer thread reported, with the SQLite code (SQLITE_BUSY, …) it carried. */
export class WriterThreadError extends Error {
  constructor(
    message: string,
    readonly code: string | null,
    stack: string | undefined,
  ) {
    super(message);
    this.name = 'WriterThreadError';
    if (stack) this.stack = stack;
  }
}

export interface WriterThreadOptions {
  /** The SQLite database file the main connection has open. */
  readonly file: string;
  /** The main connection's write turn (Storage.writeTurn): the thread steps aside while it is raised. */
  readonly turn?: Int32Array | null;
  /**
   * How long the thread's writes wait for the main connection's lock. Longer than the main
   * connection's: a long maintenance transaction (retention, a project delete) makes batches wait,
   * and the ingest queue answers 503 meanwhile, instead of failing them.
   */
  readonly busyTimeoutMs?: number;
  /** The worker module (tests run stand-ins); default writer-worker next to this file. */
  readonly module?: URL;
  readonly log?: Logger;
  /** Called once when the thread stops unexpectedly (the caller takes its work back). */
  readonly onLost?: (reason: string) => void;
}

interface Pending {
  resolve(result: StoredBatch | number | null): void;
  reject(error: unknown): void;
}

/**
 * Ingest's SQLite writes on a thread of their own. better-sqlite3 runs every statement
 * synchronously, so on the main thread a batch of events blocks HTTP for the whole transaction;
 * here the batch runs on a second connection to the same file (WAL: the main connection keeps
 * reading) while the main thread answers requests and fills the next batch. Checkpoints happen on
 * this connection too, since it commits almost every WAL frame.
 *
 * One thread, one request at a time, in order. When the thread dies, its requests fail with
 * WriterThreadLostError and `alive` turns false: the ingest service then writes on the main
 * thread, retrying those requests there.
 */
export class WriterThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private lost: string | null = null;
  private closing = false;

  constructor(private readonly options: WriterThreadOptions) {
    this.worker = startModuleWorker(options.module ?? siblingModule(import.meta.url, 'writer-worker'), { name: 'watchpost-writer' });
    this.worker.unref();
    this.worker.on('message', (reply: WriterReply) => this.settle(reply));
    this.worker.on('error', (error) => {
      options.log?.error({ err: error }, 'the ingest writer thread failed; writing on the main thread from now on');
      this.stop(error.message);
    });
    this.worker.on('exit', (code) => {
      if (!this.closing) options.log?.error({ code }, 'the ingest writer thread exited; writing on the main thread from now on');
      this.stop(`exited with code ${code}`);
    });
    this.send({ id: 0, op: 'open', file: options.file, busyTimeoutMs: options.busyTimeoutMs ?? 30_000, logLevel: options.log?.level ?? 'warn', turn: options.turn ?? null }).catch((error: unknown) => {
      if (this.lost !== null) return;
      options.log?.error({ err: error }, 'the ingest writer thread could not open the database; writing on the main thread');
      this.stop(`could not open the database: ${error instanceof Error ? error.message : String(error)}`);
      void this.worker.terminate();
    });
  }

  /** False once the thread stopped: callers write on their own connection instead. */
  get alive(): boolean {
    return this.lost === null && !this.closing;
  }

  storeBatch(batch: readonly QueuedWork[], keysUsed: readonly string[], now: number, extras: BatchExtras = {}): Promise<StoredBatch> {
    return this.send({ id: 0, op: 'batch', batch: [...batch], keysUsed: [...keysUsed], now, ...(extras.outcomes ? { outcomes: [...extras.outcomes] } : {}) }) as Promise<StoredBatch>;
  }

  async storeOutcomes(rows: readonly OutcomeRow[]): Promise<void> {
    await this.send({ id: 0, op: 'outcomes', rows: [...rows] });
  }

  /** Merges the pending spans into the performance rollups (the thread also does so on a timer). */
  async flushRollup(): Promise<number> {
    return (await this.send({ id: 0, op: 'flushRollup' })) as number;
  }

  /** Lets the requests already sent finish, closes the thread's connection and stops it. */
  async close(): Promise<void> {
    if (this.lost !== null || this.closing) return;
    const closed = this.send({ id: 0, op: 'close' }).catch(() => undefined);
    this.closing = true;
    await closed;
    await this.worker.terminate();
  }

  private send(request: WriterRequest): Promise<StoredBatch | number | null> {
    if (this.lost !== null) return Promise.reject(new WriterThreadLostError(this.lost));
    if (this.closing) return Promise.reject(new WriterThreadLostError('closed'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      try {
        this.worker.postMessage({ ...request, id });
      } catch (error) {
        this.pending.delete(id);
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }

  private settle(reply: WriterReply): void {
    const pending = this.pending.get(reply.id);
    if (!pending) return;
    this.pending.delete(reply.id);
    if ('result' in reply) pending.resolve(reply.result);
    else pending.reject(new WriterThreadError(reply.failure.message, reply.failure.code, reply.failure.stack));
  }

  private stop(reason: string): void {
    if (this.lost === null && !this.closing) this.options.onLost?.(reason);
    this.lost ??= reason;
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) p.reject(new WriterThreadLostError(reason));
  }
}
