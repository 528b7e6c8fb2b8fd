import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { WatchpostError } from '../../lib/errors.js';
import { formatBytes, ONE_SHOT_DECODE_BYTES, readBody, type BodyLimits } from './body.js';

const MiB = 1024 * 1024;
const roomy: BodyLimits = { maxCompressedBytes: 10 * MiB, maxDecompressedBytes: 10 * MiB };

/**
 * A request-like stream that hands out `data` in `chunkSize` pieces, one per event-loop turn as a
 * socket would, and counts how much was pulled.
 */
function source(data: Buffer, chunkSize = 16 * 1024): Readable & { pulled: number } {
  let offset = 0;
  const stream = new Readable({
    read() {
      setImmediate(() => {
        if (offset >= data.length) {
          this.push(null);
          return;
        }
        const chunk = data.subarray(offset, offset + chunkSize);
        offset += chunk.length;
        stream.pulled = offset;
        this.push(chunk);
      });
    },
  }) as Readable & { pulled: number };
  stream.pulled = 0;
  return stream;
}

async function rejection(promise: Promise<unknown>): Promise<WatchpostError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WatchpostError);
  return err as WatchpostError;
}

const encoders: Record<string, (b: Buffer) => Buffer> = {
  gzip: (b) => zlib.gzipSync(b),
  'x-gzip': (b) => zlib.gzipSync(b),
  deflate: (b) => zlib.deflateSync(b),
  br: (b) => zlib.brotliCompressSync(b),
};

describe('readBody', () => {
  it('returns a plain body unchanged for absent, empty and identity encodings', async () => {
    const body = Buffer.from('{"event_id":"abc"}\n{"type":"event"}\n{}');
    for (const enc of [undefined, '', 'identity', ' IDENTITY ']) {
      expect(await readBody(source(body, 7), enc, roomy)).toEqual(body);
    }
  });

  it('round-trips gzip, x-gzip, zlib deflate, raw deflate and brotli at any chunking', async () => {
    const withRaw: Record<string, (b: Buffer) => Buffer> = { ...encoders, 'deflate (raw)': (b) => zlib.deflateRawSync(b) };
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 5000 }),
        fc.constantFrom(...Object.keys(withRaw)),
        fc.integer({ min: 1, max: 300 }),
        async (bytes, name, chunkSize) => {
          const plain = Buffer.from(bytes);
          const encoded = withRaw[name]!(plain);
          const header = name.replace(' (raw)', '');
          expect(await readBody(source(encoded, chunkSize), header, roomy)).toEqual(plain);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('treats the encoding case-insensitively and ignores surrounding whitespace', async () => {
    const plain = Buffer.from('hello');
    expect(await readBody(source(zlib.gzipSync(plain)), '  GZip ', roomy)).toEqual(plain);
    expect(await readBody(source(zlib.brotliCompressSync(plain)), 'BR', roomy)).toEqual(plain);
  });

  it('refuses zstd, compress and stacked encodings with 415', async () => {
    for (const enc of ['zstd', 'compress', 'gzip, br']) {
      const err = await rejection(readBody(source(Buffer.from('x')), enc, roomy));
      expect(err.statusCode).toBe(415);
      expect(err.code).toBe('WP_ERR_UNSUPPORTED_MEDIA_TYPE');
      expect(err.message).toContain(`"${enc}" is not supported`);
    }
  });

  it('stops reading a plain body at the compressed limit with 413', async () => {
    const big = source(Buffer.alloc(3 * MiB, 0x61), 64 * 1024);
    const err = await rejection(readBody(big, undefined, { maxCompressedBytes: MiB, maxDecompressedBytes: 10 * MiB }));
    expect(err.statusCode).toBe(413);
    expect(err.message).toBe('The body exceeds 1 MiB');
  });

  it('enforces the compressed limit before decompressing', async () => {
    const random = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7919) % 251));
    const gz = zlib.gzipSync(random, { level: 0 });
    const err = await rejection(readBody(source(gz), 'gzip', { maxCompressedBytes: 100_000, maxDecompressedBytes: 10 * MiB }));
    expect(err.statusCode).toBe(413);
    expect(err.message).toContain('compressed body exceeds');
  });

  it('rejects a body that decompresses past the limit with 413 naming the limit', async () => {
    for (const [name, encode] of Object.entries(encoders)) {
      const err = await rejection(readBody(source(encode(Buffer.alloc(3 * MiB))), name, { ...roomy, maxDecompressedBytes: MiB }));
      expect(err.statusCode).toBe(413);
      expect(err.message).toBe('The decompressed body exceeds 1 MiB');
    }
  });

  it('accepts a body exactly at the decompressed limit', async () => {
    const plain = Buffer.alloc(MiB, 0x20);
    expect(await readBody(source(zlib.gzipSync(plain)), 'gzip', { ...roomy, maxDecompressedBytes: MiB })).toHaveLength(MiB);
  });

  it('decodes small bodies in one go and larger ones as a stream, with the same result', async () => {
    // Incompressible bytes, so the compressed size lands on either side of the one-shot bound.
    for (const size of [ONE_SHOT_DECODE_BYTES - 1000, ONE_SHOT_DECODE_BYTES + 1000, 3 * ONE_SHOT_DECODE_BYTES]) {
      const plain = randomBytes(size);
      for (const [name, encode] of Object.entries(encoders)) {
        const encoded = name === 'br' ? zlib.brotliCompressSync(plain, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } }) : encode(plain);
        expect(encoded.length > ONE_SHOT_DECODE_BYTES).toBe(size > ONE_SHOT_DECODE_BYTES);
        expect((await readBody(source(encoded, 8192), name, roomy)).equals(plain)).toBe(true);
      }
    }
  });

  it('stops a bomb small enough for the one-shot decode at the limit, in bounded memory', async () => {
    const bomb = zlib.gzipSync(Buffer.alloc(40 * MiB), { level: 9 });
    expect(bomb.length).toBeLessThan(ONE_SHOT_DECODE_BYTES);
    global.gc?.();
    const before = process.memoryUsage();
    const err = await rejection(readBody(source(bomb), 'gzip', { maxCompressedBytes: 10 * MiB, maxDecompressedBytes: MiB }));
    const after = process.memoryUsage();
    expect(err.statusCode).toBe(413);
    expect(err.message).toBe('The decompressed body exceeds 1 MiB');
    expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(16 * MiB);
  });

  describe('zip bomb', () => {
    let bomb: Buffer;
    const bombSize = 200 * 1000 * 1000;

    beforeAll(async () => {
      // Compress 200 MB of zeros as a stream so the test itself never holds 200 MB.
      const gzip = zlib.createGzip({ level: 9 });
      const parts: Buffer[] = [];
      gzip.on('data', (c: Buffer) => parts.push(c));
      const done = new Promise((resolve) => gzip.on('end', resolve));
      const zeros = Buffer.alloc(MiB);
      for (let written = 0; written < bombSize; written += zeros.length) {
        if (!gzip.write(zeros.subarray(0, Math.min(zeros.length, bombSize - written)))) {
          await new Promise((resolve) => gzip.once('drain', resolve));
        }
      }
      gzip.end();
      await done;
      bomb = Buffer.concat(parts);
    });

    it('is refused with 413 after about the limit, reading only a little of the upload', async () => {
      expect(bomb.length).toBeLessThan(bombSize / 500);
      global.gc?.();
      const before = process.memoryUsage();
      const input = source(bomb, 4096);
      const err = await rejection(readBody(input, 'gzip', { maxCompressedBytes: 10 * MiB, maxDecompressedBytes: MiB }));
      const after = process.memoryUsage();
      expect(err.statusCode).toBe(413);
      expect(err.message).toContain('decompressed body exceeds 1 MiB');
      // Backpressure: when we gave up, most of the compressed upload had not even been read.
      expect(input.pulled).toBeLessThan(bomb.length / 2);
      expect(after.rss - before.rss).toBeLessThan(64 * MiB);
      expect(after.heapUsed + after.arrayBuffers - (before.heapUsed + before.arrayBuffers)).toBeLessThan(64 * MiB);
      // The rest of the upload is drained, not left hanging.
      await new Promise((resolve) => input.once('end', resolve));
    });
  });

  it('answers 400 for truncated or corrupt compressed data', async () => {
    const gz = zlib.gzipSync(Buffer.from('{"message":"hello world"}'.repeat(50)));
    const truncated = await rejection(readBody(source(gz.subarray(0, gz.length - 10)), 'gzip', roomy));
    expect(truncated.statusCode).toBe(400);
    expect(truncated.code).toBe('WP_ERR_INGEST_MALFORMED');
    expect(truncated.message).toMatch(/^Could not decompress the gzip body: /);

    const notGzip = await rejection(readBody(source(Buffer.from('plain text, not gzip')), 'gzip', roomy));
    expect(notGzip.statusCode).toBe(400);
    const badDeflate = await rejection(readBody(source(Buffer.from([0x78, 0x9c, 0xff, 0xff, 0xff])), 'deflate', roomy));
    expect(badDeflate.message).toMatch(/^Could not decompress the deflate body: /);
    const badBr = await rejection(readBody(source(Buffer.from('not brotli at all, clearly')), 'br', roomy));
    expect(badBr.statusCode).toBe(400);
  });

  it('answers 400 when the client stream fails mid-body', async () => {
    const failing = new Readable({
      read() {
        this.destroy(new Error('socket hang up'));
      },
    });
    const err = await rejection(readBody(failing, undefined, roomy));
    expect(err.statusCode).toBe(400);
    expect(err.message).toContain('socket hang up');
  });
});

describe('formatBytes', () => {
  it('names sizes the way limits are configured', () => {
    expect(formatBytes(MiB)).toBe('1 MiB');
    expect(formatBytes(20 * MiB)).toBe('20 MiB');
    expect(formatBytes(100 * 1024)).toBe('100 KiB');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(200 * 1024 ** 3)).toBe('200 GiB');
    expect(formatBytes(512)).toBe('512 bytes');
    expect(formatBytes(1)).toBe('1 byte');
  });
});
