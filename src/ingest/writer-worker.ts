import { parentPort } from 'node:worker_threads';
import pino from 'pino';
import { PendingRollup } from '../performance/pending.js';
import { openStorage, type Storage } from '../storage/db.js';
import { unpackWork, type QueuedWork } from './packed-work.js';
import { storeBatch, storeOutcomes, type OutcomeRow, type StoredBatch } from './store.js';

/**
 * The SQLite writer thread (see writer-thread.ts): opens its own connection to the database file
 * and runs the ingest writes it is sent, one after another, so the main thread never blocks on
 * them. Failures cross back as message, code and stack; the main thread rethrows them.
 */
export type WriterRequest =
  | { readonly id: number; readonly op: 'open'; readonly file: string; readonly busyTimeoutMs: number; readonly logLevel: string; readonly turn: Int32Array | null }
  | { readonly id: number; readonly op: 'batch'; readonly batch: QueuedWork[]; readonly keysUsed: string[]; readonly now: number; readonly outcomes?: OutcomeRow[] }
  | { readonly id: number; readonly op: 'outcomes'; readonly rows: OutcomeRow[] }
  | { readonly id: number; readonly op: 'flushRollup' }
  | { readonly id: number; readonly op: 'close' };

export type WriterReply =
  | { readonly id: number; readonly result: StoredBatch | number | null }
  | { readonly id: number; readonly failure: { readonly message: string; readonly code: string | null; readonly stack: string | undefined } };

const port = parentPort;
let storage: Storage | null = null;
/** The performance rollup merges run here too: they are writes, and the heaviest ingest does. */
let rollup: PendingRollup | null = null;
/** Requests run strictly in order (the main thread already serialises batches; this makes sure). */
let queue: Promise<void> = Promise.resolve();

async function handle(request: WriterRequest): Promise<StoredBatch | number | null> {
  switch (request.op) {
    case 'open':
      storage = openStorage({ dialect: 'sqlite', file: request.file }, { busyTimeoutMs: request.busyTimeoutMs, ...(request.turn ? { yieldTo: request.turn } : {}) });
      rollup = new PendingRollup(storage.db, 'sqlite', { log: pino({ level: request.logLevel, base: { thread: 'writer' } }) });
      rollup.start();
      return null;
    case 'batch': {
      if (!storage) throw new Error('the writer thread has no database open');
      // Packed work unpacks with Buffers; plain work's Buffers arrive as Uint8Arrays, and the SQLite
      // driver binds only Buffers as blobs.
      const batch = request.batch.map((queued) => {
        const w = unpackWork(queued);
        return w === queued ? { ...w, events: w.events.map((e) => ({ ...e, data: asBuffer(e.data) })) } : w;
      });
      return storeBatch(storage.db, 'sqlite', batch, request.keysUsed, request.now, request.outcomes ? { outcomes: request.outcomes } : {});
    }
    case 'outcomes':
      if (!storage) throw new Error('the writer thread has no database open');
      await storeOutcomes(storage.db, request.rows);
      return null;
    case 'flushRollup':
      if (!rollup) throw new Error('the writer thread has no database open');
      return rollup.flush();
    case 'close':
      await rollup?.close();
      rollup = null;
      await storage?.close();
      storage = null;
      return null;
  }
}

const asBuffer = (data: Uint8Array): Buffer => (Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength));

function failure(id: number, error: unknown): WriterReply {
  const e = error instanceof Error ? error : new Error(String(error));
  const code = (e as { code?: unknown }).code;
  return { id, failure: { message: e.message, code: typeof code === 'string' ? code : null, stack: e.stack } };
}

if (port) {
  port.on('message', (request: WriterRequest) => {
    queue = queue
      .then(() =>
        handle(request).then(
          (result) => port.postMessage({ id: request.id, result } satisfies WriterReply),
          (error: unknown) => port.postMessage(failure(request.id, error)),
        ),
      )
      // A reply that could not be sent must neither stop the requests behind it nor go unanswered.
      .catch((error: unknown) => port.postMessage(failure(request.id, error)));
  });
}
