import type { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { fail } from '../../lib/errors.js';
import { siblingModule, startModuleWorker } from '../../lib/worker.js';
import type { QueuedWork } from '../packed-work.js';
import type { ProcessedEnvelope, ProcessTask } from './process.js';
import type { WorkerReply } from './process-worker.js';

export interface ProcessPoolOptions {
  /** Worker threads; 0 means the pool is never used (processing stays on the main thread). */
  readonly size: number;
  /** Tasks one worker may hold (running plus queued) before `run` refuses. */
  readonly maxQueuedPerWorker?: number;
  /** Body bytes all workers may hold before `run` refuses (memory stays bounded under overload). */
  readonly maxQueuedBytes?: number;
  /** Heap limit of each worker; a worker that exceeds it dies and is replaced (default 512). */
  readonly maxHeapMb?: number;
  /**
   * How long a worker may go without answering while it holds tasks (default 10 s). A worker
   * stuck on one task (a pathological input, a bug) is stopped and replaced; its tasks get 503.
   */
  readonly taskTimeoutMs?: number;
  /** The worker module (tests run stand-ins); default process-worker next to this file. */
  readonly module?: URL;
  readonly log?: Logger;
}

/**
 * What a worker hands back: the work packed (packed-work.ts) whenever there is anything to store,
 * so event bodies need no Buffer fix-up after the structured clone.
 */
export type PooledEnvelope = Omit<ProcessedEnvelope, 'work'> & { readonly work: QueuedWork };

/** Every worker's queue is full: the caller answers 503 with Retry-After. */
export class ProcessPoolFullError extends Error {
  constructor() {
    super('Every ingest processing worker is busy');
    this.name = 'ProcessPoolFullError';
  }
}

/**
 * The worker holding the task died (out of heap, a crash): the request is answered 503 with
 * Retry-After like any overload, so the SDK sends it again.
 */
export class ProcessWorkerLostError extends ProcessPoolFullError {
  constructor(readonly reason: string) {
    super();
    this.message = `The ingest processing worker stopped: ${reason}`;
    this.name = 'ProcessWorkerLostError';
  }
}

/** Workers that die before answering anything, in a row, before the pool gives up on threads. */
const MAX_FAILED_STARTS = 3;

interface Pending {
  readonly bytes: number;
  resolve(result: PooledEnvelope): void;
  reject(error: unknown): void;
}

interface Slot {
  worker: Worker;
  readonly pending: Map<number, Pending>;
  answered: boolean;
  /** When the worker last answered, or was given work while idle (the stall clock). */
  progressAt: number;
  /** Why the pool stopped this worker, when it did. */
  stoppedFor: string | null;
}

const DEFAULT_TASK_TIMEOUT_MS = 10_000;

/**
 * Worker threads that turn authenticated envelope bodies into the work to store (parsing, PII
 * scrubbing, normalising, grouping, compressing: about a fifth of the CPU an error event costs),
 * so the main thread spends its time on HTTP and the database. Tasks go to the least busy worker;
 * a worker that dies fails its tasks (the clients retry) and is replaced.
 */
export class ProcessPool {
  private readonly slots: Slot[] = [];
  private nextId = 1;
  private closed = false;
  private readonly maxQueued: number;
  private queuedBytes = 0;
  private failedStarts = 0;
  private watchdog: NodeJS.Timeout | null = null;

  constructor(private readonly options: ProcessPoolOptions) {
    this.maxQueued = options.maxQueuedPerWorker ?? 1024;
  }

  /** Workers in use; 0 after workers kept dying before answering (processing then stays inline). */
  get size(): number {
    return this.failedStarts >= MAX_FAILED_STARTS ? 0 : this.options.size;
  }

  /** Processes the task on a worker; throws ProcessPoolFullError at once when every queue is full. */
  run(task: ProcessTask): Promise<PooledEnvelope> {
    if (this.closed) return Promise.reject(new ProcessPoolFullError());
    const slot = this.leastBusy();
    const bytes = task.body.byteLength;
    if (slot.pending.size >= this.maxQueued || (this.queuedBytes > 0 && this.queuedBytes + bytes > (this.options.maxQueuedBytes ?? Infinity))) {
      return Promise.reject(new ProcessPoolFullError());
    }
    const id = this.nextId++;
    // A copy of exactly the body, moved to the worker: cloning the Buffer itself would copy the
    // whole (possibly shared, pooled) ArrayBuffer under it.
    const body = new Uint8Array(task.body);
    this.queuedBytes += bytes;
    return new Promise<PooledEnvelope>((resolve, reject) => {
      if (slot.pending.size === 0) slot.progressAt = Date.now();
      slot.pending.set(id, { bytes, resolve, reject });
      try {
        slot.worker.postMessage({ id, task: { ...task, body } }, [body.buffer]);
      } catch (error) {
        slot.pending.delete(id);
        this.queuedBytes -= bytes;
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }

  /** Fails what is still running and stops the workers. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = null;
    const slots = this.slots.splice(0);
    for (const slot of slots) this.failAll(slot, new ProcessPoolFullError());
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
  }

  private leastBusy(): Slot {
    while (this.slots.length < this.options.size) this.slots.push(this.start());
    this.watchdog ??= this.startWatchdog();
    let best = this.slots[0] as Slot;
    for (const slot of this.slots) if (slot.pending.size < best.pending.size) best = slot;
    return best;
  }

  /**
   * Workers process their tasks one after another, so one that holds tasks and has not answered
   * for the timeout is stuck on the task in front: it is taken out of rotation and terminated, and
   * its tasks fail with ProcessWorkerLostError (503, the SDKs retry) once it has exited.
   */
  private startWatchdog(): NodeJS.Timeout {
    const timeout = this.options.taskTimeoutMs ?? DEFAULT_TASK_TIMEOUT_MS;
    const timer = setInterval(() => {
      const now = Date.now();
      for (const slot of [...this.slots]) {
        if (slot.pending.size === 0 || now - slot.progressAt < timeout) continue;
        slot.stoppedFor = `no answer for ${timeout} ms (a task is stuck)`;
        this.slots.splice(this.slots.indexOf(slot), 1);
        this.options.log?.error({ tasks: slot.pending.size, timeoutMs: timeout }, 'an ingest processing worker is stuck on a task; stopping it and starting a new one');
        void slot.worker.terminate();
      }
    }, Math.max(10, Math.min(1000, timeout / 4)));
    timer.unref();
    return timer;
  }

  private start(): Slot {
    const worker = startModuleWorker(this.options.module ?? siblingModule(import.meta.url, 'process-worker'), {
      name: 'watchpost-ingest',
      // A worker holds one envelope per task; a runaway one is stopped instead of growing.
      resourceLimits: { maxOldGenerationSizeMb: this.options.maxHeapMb ?? 512 },
    });
    const slot: Slot = { worker, pending: new Map(), answered: false, progressAt: Date.now(), stoppedFor: null };
    worker.unref();
    worker.on('message', (reply: WorkerReply) => {
      slot.answered = true;
      slot.progressAt = Date.now();
      this.failedStarts = 0;
      this.settle(slot, reply);
    });
    let gone = false;
    // 'error' is followed by 'exit': the worker is lost (and counted) once.
    const lost = (exitReason: string) => {
      if (gone) return;
      gone = true;
      const reason = slot.stoppedFor ?? exitReason;
      // Out of the rotation at once, so no new task lands on a worker that is going away.
      const index = this.slots.indexOf(slot);
      if (index >= 0 && !this.closed) this.slots.splice(index, 1);
      this.failAll(slot, new ProcessWorkerLostError(reason));
      if (!slot.answered && !this.closed && ++this.failedStarts === MAX_FAILED_STARTS) {
        this.options.log?.error({ reason }, `ingest processing workers died ${MAX_FAILED_STARTS} times before answering; processing on the main thread from now on`);
      }
    };
    worker.on('error', (error) => {
      this.options.log?.error({ err: error }, 'ingest processing worker failed; starting a new one');
      lost(error.message);
    });
    worker.on('messageerror', (error) => this.options.log?.error({ err: error }, 'an ingest processing worker reply could not be read'));
    worker.on('exit', (code) => lost(`exited with code ${code}`));
    return slot;
  }

  private settle(slot: Slot, reply: WorkerReply): void {
    const pending = slot.pending.get(reply.id);
    if (!pending) return;
    slot.pending.delete(reply.id);
    this.queuedBytes -= pending.bytes;
    if ('result' in reply) pending.resolve(reply.result);
    else if ('failure' in reply) pending.reject(fail(reply.failure.code, reply.failure.message, reply.failure.headers));
    else {
      const error = new Error(reply.crash.message);
      error.stack = reply.crash.stack;
      pending.reject(error);
    }
  }

  private failAll(slot: Slot, error: unknown): void {
    const pending = [...slot.pending.values()];
    slot.pending.clear();
    for (const p of pending) {
      this.queuedBytes -= p.bytes;
      p.reject(error);
    }
  }
}
