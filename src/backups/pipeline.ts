import { createHash } from 'node:crypto';
import { PassThrough, Transform, Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { BackupTarget } from './types.js';

/** Counts and hashes the bytes passing through (SHA-256 of exactly what is stored). */
export class HashCounter extends Transform {
  readonly #hash = createHash('sha256');
  bytes = 0;

  constructor(private readonly onProgress?: (bytes: number) => void) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null, data?: Buffer) => void): void {
    this.#hash.update(chunk);
    this.bytes += chunk.length;
    this.onProgress?.(this.bytes);
    callback(null, chunk);
  }

  /** The hex digest; call once the stream has ended. */
  digest(): string {
    return this.#hash.digest('hex');
  }
}

/**
 * Writes one stream to several targets at once (3-2-1 backups) with backpressure: a chunk is
 * accepted only when every target has taken it, so memory stays bounded by the slowest target's
 * buffer. A target that fails fails the whole write.
 */
class FanOut extends Writable {
  constructor(private readonly outputs: PassThrough[]) {
    super({ highWaterMark: 1 << 20 });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    let waiting = 0;
    const drained = () => {
      waiting -= 1;
      if (waiting === 0) callback();
    };
    for (const output of this.outputs) {
      if (!output.write(chunk)) {
        waiting += 1;
        output.once('drain', drained);
      }
    }
    if (waiting === 0) callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    for (const output of this.outputs) output.end();
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // Writables destroy themselves after finishing too: only an error may cut the targets off
    // (after a clean finish they still have buffered data to take).
    if (error) for (const output of this.outputs) if (!output.destroyed) output.destroy(error);
    callback(error);
  }
}

export interface StoredFile {
  readonly target: number;
  readonly key: string;
  readonly bytes: number;
}

/**
 * Streams `source` through `transforms` (encryption) and a hash counter to every target under
 * `key`. Resolves when all targets hold the complete file; on any failure or abort, every target's
 * partial upload is discarded (the targets guarantee that) and the error is thrown.
 */
export async function storeStream(
  source: Readable,
  transforms: readonly Transform[],
  targets: readonly BackupTarget[],
  key: string,
  signal: AbortSignal,
  onProgress?: (bytes: number) => void,
): Promise<{ files: StoredFile[]; bytes: number; sha256: string }> {
  const counter = new HashCounter(onProgress);
  const outputs = targets.map(() => new PassThrough({ highWaterMark: 4 << 20 }));
  const fanOut = new FanOut(outputs);
  const uploads = targets.map((target, i) =>
    target.put(key, outputs[i] as PassThrough, signal).catch((error: unknown) => {
      // A target that gave up stops reading: fail the pipeline instead of waiting for a drain.
      fanOut.destroy(error instanceof Error ? error : new Error(String(error)));
      throw error;
    }),
  );
  const streamed = pipeline([source, ...transforms, counter, fanOut], { signal });
  const [pipelineResult, ...results] = await Promise.allSettled([streamed, ...uploads]);
  const failure = [pipelineResult, ...results].find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) {
    // Whatever was complete on some targets is removed too: a backup is all or nothing.
    await Promise.allSettled(targets.map((target, i) => (results[i]?.status === 'fulfilled' ? target.delete(key) : Promise.resolve())));
    throw failure.reason;
  }
  const files = results.map((r, i) => ({ target: i, key, bytes: (r as PromiseFulfilledResult<{ bytes: number }>).value.bytes }));
  return { files, bytes: counter.bytes, sha256: counter.digest() };
}

/**
 * Reads a stored file back while checking its SHA-256. `checked` settles when the whole file has
 * passed: it rejects on a mismatch (and the stream errors), so a consumer that finished happily
 * (pg_restore) still learns the file was damaged.
 */
export function verifyingStream(input: Readable, expectedSha256: string, onProgress?: (bytes: number) => void): { stream: Readable; checked: Promise<void> } {
  const counter = new HashCounter(onProgress);
  let settle: { resolve: () => void; reject: (error: Error) => void } = { resolve: () => undefined, reject: () => undefined };
  const checked = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
  checked.catch(() => undefined);
  const check = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      callback(null, chunk);
    },
    flush(callback) {
      const actual = counter.digest();
      if (actual === expectedSha256) {
        settle.resolve();
        callback();
      } else {
        const error = new Error(`Checksum mismatch: the stored file's SHA-256 is ${actual.slice(0, 16)}…, the backup recorded ${expectedSha256.slice(0, 16)}… (the file is damaged or was replaced)`);
        settle.reject(error);
        callback(error);
      }
    },
  });
  const fail = (error: Error) => {
    settle.reject(error);
    check.destroy(error);
  };
  input.on('error', fail);
  counter.on('error', fail);
  return { stream: input.pipe(counter).pipe(check), checked };
}
