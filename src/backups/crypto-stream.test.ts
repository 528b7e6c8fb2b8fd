import { randomBytes } from 'node:crypto';
import { Readable, Writable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BackupCryptoError, CHUNK_SIZE, HEADER_LENGTH, backupKey, decryptStream, encryptStream, keyId } from './crypto-stream.js';

const KEY = backupKey('test secret: correct horse battery staple');
const OTHER_KEY = backupKey('another secret of enough length');
const TAG = 16;
const LEN = 4;

/** Cuts `data` into pieces whose sizes cycle through `sizes`. */
function split(data: Buffer, sizes: readonly number[]): Buffer[] {
  const pieces: Buffer[] = [];
  let offset = 0;
  for (let i = 0; offset < data.length; i++) {
    const size = sizes[i % sizes.length] ?? data.length;
    pieces.push(data.subarray(offset, offset + size));
    offset += size;
  }
  return pieces;
}

/** Streams `input` (in pieces) through `transform`; returns what came out and the error, if any. */
async function run(transform: Transform, input: Buffer, sizes: readonly number[] = [64 * 1024]): Promise<{ output: Buffer; error: Error | null }> {
  const out: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      out.push(chunk);
      callback();
    },
  });
  let error: Error | null = null;
  await pipeline(Readable.from(split(input, sizes)), transform, sink).catch((e: unknown) => {
    error = e instanceof Error ? e : new Error(String(e));
  });
  return { output: Buffer.concat(out), error };
}

async function encrypt(data: Buffer, chunkSize?: number, sizes?: readonly number[]): Promise<Buffer> {
  const { output, error } = await run(encryptStream(KEY, chunkSize === undefined ? {} : { chunkSize }), data, sizes);
  if (error) throw error;
  return output;
}

async function decrypt(data: Buffer, key = KEY, sizes?: readonly number[]): Promise<Buffer> {
  const { output, error } = await run(decryptStream(key), data, sizes);
  if (error) throw error;
  return output;
}

/** The failure reason decrypting `data` gives, or 'ok'. */
async function failure(data: Buffer, key = KEY): Promise<string> {
  const { error } = await run(decryptStream(key), data);
  if (error === null) return 'ok';
  expect(error).toBeInstanceOf(BackupCryptoError);
  return (error as BackupCryptoError).reason;
}

/** Byte offset where chunk `i` starts, for a file whose non-final chunks hold `chunkSize` bytes. */
const chunkStart = (i: number, chunkSize = CHUNK_SIZE) => HEADER_LENGTH + i * (LEN + chunkSize + TAG);

describe('backupKey and keyId', () => {
  it('derives a stable 32-byte key that differs per secret', () => {
    expect(KEY).toHaveLength(32);
    expect(backupKey('test secret: correct horse battery staple').equals(KEY)).toBe(true);
    expect(OTHER_KEY.equals(KEY)).toBe(false);
  });

  it('refuses a short secret and says how to make a good one', () => {
    expect(() => backupKey('too short')).toThrow(/at least 16 characters.*openssl rand -base64 32/);
  });

  it('fingerprints a key with 8 hex characters', () => {
    expect(keyId(KEY)).toMatch(/^[0-9a-f]{8}$/);
    expect(keyId(backupKey('test secret: correct horse battery staple'))).toBe(keyId(KEY));
    expect(keyId(OTHER_KEY)).not.toBe(keyId(KEY));
  });

  it('rejects a key that was not derived (wrong length)', () => {
    expect(() => encryptStream(Buffer.alloc(16))).toThrow(/32 bytes/);
    expect(() => decryptStream(Buffer.from('secret'))).toThrow(/32 bytes/);
  });
});

describe('round trip', () => {
  const sizes: Array<[string, number]> = [
    ['empty', 0],
    ['1 byte', 1],
    ['exactly 1 MiB', CHUNK_SIZE],
    ['5 MiB + 17', 5 * CHUNK_SIZE + 17],
  ];

  it.each(sizes)('%s, written and read in odd-sized pieces', async (_name, size) => {
    const data = randomBytes(size);
    const encrypted = await encrypt(data, undefined, [1, 7, 65_539, 999_983]);
    // Full chunks, then a final chunk with the remainder (empty when the size is a multiple).
    const chunks = Math.floor(size / CHUNK_SIZE) + 1;
    expect(encrypted).toHaveLength(HEADER_LENGTH + chunks * (LEN + TAG) + size);
    expect(encrypted.subarray(0, 4).toString('latin1')).toBe('WPBK');
    const decrypted = await decrypt(encrypted, KEY, [3, CHUNK_SIZE + 5, 13, 4096]);
    expect(decrypted.equals(data)).toBe(true);
  });

  it('never encrypts the same data to the same bytes (random salt per file)', async () => {
    const data = Buffer.alloc(1000, 'a');
    const [a, b] = await Promise.all([encrypt(data), encrypt(data)]);
    expect(a.equals(b)).toBe(false);
    expect(a.includes(data.subarray(0, 32))).toBe(false);
  });

  it('round-trips random sizes, chunk sizes and split points', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 3000 }),
        fc.integer({ min: 1, max: 257 }),
        fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 1, maxLength: 8 }),
        fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 1, maxLength: 8 }),
        async (bytes, chunkSize, writeSizes, readSizes) => {
          const data = Buffer.from(bytes);
          const encrypted = await encrypt(data, chunkSize, writeSizes);
          expect((await decrypt(encrypted, KEY, readSizes)).equals(data)).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('tampering and damage', () => {
  it('rejects a wrong key at the first chunk', async () => {
    const encrypted = await encrypt(randomBytes(5000));
    await expect(decrypt(encrypted, OTHER_KEY)).rejects.toThrow('Wrong backup key or corrupted data (authentication failed at chunk 0)');
  });

  it('rejects a flipped bit anywhere in the file', async () => {
    // 100 bytes in 32-byte chunks: header, three full chunks and a 4-byte final chunk; every bit.
    const encrypted = await encrypt(randomBytes(100), 32);
    const reasons = new Set<string>();
    for (let bit = 0; bit < encrypted.length * 8; bit++) {
      const damaged = Buffer.from(encrypted);
      damaged[bit >> 3]! ^= 1 << (bit & 7);
      const reason = await failure(damaged);
      expect(reason, `bit ${bit} (byte ${bit >> 3})`).not.toBe('ok');
      reasons.add(reason);
    }
    expect([...reasons].sort()).toEqual(['authentication', 'bad-header', 'corrupt', 'truncated', 'unsupported-version']);
  });

  it('rejects flipped bits in a full-size file: header, length, ciphertext and tag', async () => {
    const encrypted = await encrypt(randomBytes(2 * CHUNK_SIZE + 100));
    // [what, byte offset, xor mask, expected error]
    const positions: Array<[string, number, number, RegExp]> = [
      ['magic', 0, 0x01, /bad header/],
      ['version', 4, 0x01, /Unsupported Watchpost backup format version 0/],
      ['reserved', 5, 0x01, /bad header/],
      ['salt', 10, 0x01, /authentication failed at chunk 0/],
      ['chunk size', 23, 0x80, /authentication failed at chunk 0/],
      ['length of chunk 1, made smaller', chunkStart(1) + 1, 0x10, /authentication failed at chunk 1/],
      ['length of chunk 1, made larger', chunkStart(1), 0x80, /Corrupted backup: chunk 1 declares 2148532224 bytes/],
      ['ciphertext of chunk 0', chunkStart(0) + LEN + 12_345, 0x01, /authentication failed at chunk 0/],
      ['tag of chunk 1', chunkStart(2) - 1, 0x01, /authentication failed at chunk 1/],
      ['ciphertext of the final chunk', chunkStart(2) + LEN + 50, 0x01, /authentication failed at chunk 2/],
      ['tag of the final chunk', encrypted.length - 1, 0x01, /authentication failed at chunk 2/],
    ];
    for (const [what, offset, mask, message] of positions) {
      const damaged = Buffer.from(encrypted);
      damaged[offset]! ^= mask;
      await expect(decrypt(damaged), what).rejects.toThrow(message);
    }
  });

  it('emits nothing from a chunk that fails authentication', async () => {
    const data = randomBytes(3 * CHUNK_SIZE + 10);
    const encrypted = await encrypt(data);
    encrypted[chunkStart(2) + LEN + 7]! ^= 1;
    const { output, error } = await run(decryptStream(KEY), encrypted);
    expect(error).toBeInstanceOf(BackupCryptoError);
    // Exactly the two chunks before the damaged one, which did authenticate.
    expect(output.equals(data.subarray(0, 2 * CHUNK_SIZE))).toBe(true);
  });

  it('rejects reordered, dropped and repeated chunks', async () => {
    const encrypted = await encrypt(randomBytes(3 * CHUNK_SIZE + 10));
    const chunk = (i: number) => encrypted.subarray(chunkStart(i), chunkStart(i + 1));
    const header = encrypted.subarray(0, HEADER_LENGTH);
    const tail = encrypted.subarray(chunkStart(3));
    await expect(decrypt(Buffer.concat([header, chunk(1), chunk(0), chunk(2), tail]))).rejects.toThrow('authentication failed at chunk 0');
    await expect(decrypt(Buffer.concat([header, chunk(0), chunk(2), tail]))).rejects.toThrow('authentication failed at chunk 1');
    await expect(decrypt(Buffer.concat([header, chunk(0), chunk(0), chunk(1), chunk(2), tail]))).rejects.toThrow('authentication failed at chunk 1');
    // A chunk moved into another file (different salt, so different key and nonces).
    const other = await encrypt(randomBytes(3 * CHUNK_SIZE + 10));
    await expect(decrypt(Buffer.concat([header, chunk(0), other.subarray(chunkStart(1), chunkStart(2)), chunk(2), tail]))).rejects.toThrow('authentication failed at chunk 1');
  });

  it('rejects a file cut anywhere, including exactly at a chunk boundary', async () => {
    const data = randomBytes(2 * CHUNK_SIZE + CHUNK_SIZE / 2);
    const encrypted = await encrypt(data);
    const cuts = [
      10, // inside the header
      HEADER_LENGTH, // header only
      HEADER_LENGTH + 2, // inside the first length
      chunkStart(0) + LEN + 1000, // inside a ciphertext
      chunkStart(1) - 3, // inside a tag
      chunkStart(1), // after chunk 0
      chunkStart(2), // after chunk 1: the final chunk is missing
      encrypted.length - 1, // inside the final tag
    ];
    for (const cut of cuts) {
      await expect(decrypt(encrypted.subarray(0, cut)), `cut at ${cut}`).rejects.toThrow('The backup is truncated: it ends before its final chunk');
    }
  });

  it('catches a cut before an empty final chunk by the missing final flag alone', async () => {
    // Exactly 2 MiB: two full chunks, then an empty final chunk (length 0 + tag = 20 bytes).
    const data = randomBytes(2 * CHUNK_SIZE);
    const encrypted = await encrypt(data);
    expect(encrypted.length - chunkStart(2)).toBe(LEN + TAG);
    const { output, error } = await run(decryptStream(KEY), encrypted.subarray(0, chunkStart(2)));
    // Both chunks authenticated (as non-final) and were passed on; only the end gives it away.
    expect(output.equals(data)).toBe(true);
    expect(error).toMatchObject({ reason: 'truncated', message: 'The backup is truncated: it ends before its final chunk' });
  });

  it('rejects a cut at every byte of a small file', async () => {
    const encrypted = await encrypt(randomBytes(100), 32);
    for (let cut = 0; cut < encrypted.length; cut++) {
      expect(await failure(encrypted.subarray(0, cut)), `cut at ${cut}`).toBe(cut < 4 ? 'bad-header' : 'truncated');
    }
  });

  it('rejects anything appended after the final chunk', async () => {
    const encrypted = await encrypt(randomBytes(5000));
    const finalChunk = encrypted.subarray(chunkStart(0));
    const appended = [Buffer.from([0]), randomBytes(100), finalChunk, await encrypt(randomBytes(10))];
    for (const extra of appended) {
      await expect(decrypt(Buffer.concat([encrypted, extra]))).rejects.toThrow('Unexpected data after the final chunk');
    }
  });

  it('rejects a file that is not an encrypted backup', async () => {
    await expect(decrypt(Buffer.from('PGDMP\x01\x0f\x00\x04\x08\x08\x01\x01'))).rejects.toThrow('Not a Watchpost encrypted backup (bad header)');
    await expect(decrypt(Buffer.alloc(0))).rejects.toThrow('Not a Watchpost encrypted backup (bad header)');
    await expect(decrypt(Buffer.from('WP'))).rejects.toThrow('bad header');
  });

  it('refuses a future format version and a forged huge chunk size', async () => {
    const encrypted = await encrypt(randomBytes(100));
    const v2 = Buffer.from(encrypted);
    v2[4] = 2;
    await expect(decrypt(v2)).rejects.toThrow('Unsupported Watchpost backup format version 2');
    const huge = Buffer.from(encrypted);
    huge.writeUInt32BE(0x8000_0000, 22);
    await expect(decrypt(huge)).rejects.toThrow('bad header');
  });

  it('rejects random damage and cuts', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 600 }), fc.integer({ min: 1, max: 64 }), fc.nat(), fc.integer({ min: 1, max: 255 }), async (bytes, chunkSize, at, xor) => {
        const encrypted = await encrypt(Buffer.from(bytes), chunkSize);
        const damaged = Buffer.from(encrypted);
        damaged[at % damaged.length]! ^= xor;
        expect(await failure(damaged)).not.toBe('ok');
        expect(await failure(encrypted.subarray(0, at % encrypted.length))).not.toBe('ok');
      }),
      { numRuns: 150 },
    );
  });
});

describe('backpressure', () => {
  it('stops accepting plaintext while nobody reads the ciphertext', () => {
    const stream = encryptStream(KEY);
    const piece = Buffer.alloc(64 * 1024);
    let accepted = 0;
    while (stream.write(piece) && accepted < 64 * CHUNK_SIZE) accepted += piece.length;
    expect(accepted).toBeLessThan(2 * CHUNK_SIZE);
    stream.destroy();
  });

  it('stops accepting ciphertext while nobody reads the plaintext', async () => {
    const encrypted = await encrypt(randomBytes(16 * CHUNK_SIZE));
    const stream = decryptStream(KEY);
    let accepted = 0;
    for (const piece of split(encrypted, [64 * 1024])) {
      accepted += piece.length;
      if (!stream.write(piece)) break;
    }
    expect(accepted).toBeLessThan(3 * CHUNK_SIZE);
    stream.destroy();
  });
});
