import { parentPort } from 'node:worker_threads';
import { WatchpostError } from '../../lib/errors.js';
import { hasData, isPacked, packWork } from '../packed-work.js';
import { processBody, type ProcessTask } from './process.js';
import type { PooledEnvelope } from './process-pool.js';

/**
 * A processing worker (see process-pool.ts): runs `processBody` for each task it is sent. A
 * WatchpostError crosses back as its code, message and headers so the main thread rethrows the
 * same error; anything else as a message and stack (a bug: answered 500).
 */
export type WorkerReply =
  | { readonly id: number; readonly result: PooledEnvelope }
  | { readonly id: number; readonly failure: { readonly code: WatchpostError['code']; readonly message: string; readonly headers: Record<string, string> } }
  | { readonly id: number; readonly crash: { readonly message: string; readonly stack: string | undefined } };

const port = parentPort;
if (port) {
  port.on('message', (message: { id: number; task: ProcessTask }) => {
    const { id, task } = message;
    processBody(task).then(
      (result) => {
        // Packed once here and moved (not copied) to the main thread, which passes the bytes on.
        const work = hasData(result.work) ? packWork(result.work) : result.work;
        const transfer = isPacked(work) && work.packed.byteLength === work.packed.buffer.byteLength ? [work.packed.buffer as ArrayBuffer] : [];
        port.postMessage({ id, result: { ...result, work } } satisfies WorkerReply, transfer);
      },
      (error: unknown) => {
        if (error instanceof WatchpostError) port.postMessage({ id, failure: { code: error.code, message: error.message, headers: error.headers } } satisfies WorkerReply);
        else {
          const e = error instanceof Error ? error : new Error(String(error));
          port.postMessage({ id, crash: { message: e.message, stack: e.stack } } satisfies WorkerReply);
        }
      },
    );
  });
}
