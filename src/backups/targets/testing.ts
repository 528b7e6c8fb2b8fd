import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';

/** Test helpers for backup targets: streams made on the fly, so no test holds a whole file in memory. */

export interface GeneratedStream {
  readonly stream: Readable;
  /** SHA-256 (hex) of the bytes emitted so far; the whole stream's once it has ended. */
  digest(): string;
  emitted(): number;
}

/**
 * A stream of `size` random bytes in 64 KiB chunks, produced only as fast as it is read.
 * `atByte` runs once when at least that many bytes have been emitted: the hook to abort midway.
 */
export function generatedStream(size: number, options: { atByte?: number; onByte?: () => void; failAt?: number } = {}): GeneratedStream {
  const hash = createHash('sha256');
  let emitted = 0;
  let hooked = false;
  const stream = new Readable({
    highWaterMark: 64 * 1024,
    read() {
      if (options.failAt !== undefined && emitted >= options.failAt) {
        this.destroy(new Error('generated source failed'));
        return;
      }
      if (emitted >= size) {
        this.push(null);
        return;
      }
      const chunk = randomBytes(Math.min(64 * 1024, size - emitted));
      emitted += chunk.length;
      hash.update(chunk);
      this.push(chunk);
      if (!hooked && options.atByte !== undefined && emitted >= options.atByte) {
        hooked = true;
        options.onByte?.();
      }
    },
  });
  return { stream, digest: () => hash.copy().digest('hex'), emitted: () => emitted };
}

/** Reads a stream to its end, keeping only a hash and a count. */
export async function hashStream(stream: Readable): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { sha256: hash.digest('hex'), bytes };
}
