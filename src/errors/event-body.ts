import { brotliCompressSync, brotliDecompressSync, constants, inflateRawSync } from 'node:zlib';

/**
 * How an event's normalised JSON is stored (`events.data`): brotli at quality 0, behind a marker
 * byte. Quality 0 compresses a 6 KB event in about half the time raw deflate at level 1 takes, to
 * within a tenth of its size, and compression is a large share of what processing an event costs.
 * The marker 0xFF can never start a raw deflate stream (its block type bits would be 11, which
 * deflate reserves), so rows written before it (raw deflate, no marker) still read.
 */
const BROTLI_MARKER = 0xff;

export function encodeEventBody(json: string): Buffer {
  const compressed = brotliCompressSync(json, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 0,
      // A 64 KiB window: events are a few KB; the default 4 MiB window only costs set-up time.
      [constants.BROTLI_PARAM_LGWIN]: 16,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_SIZE_HINT]: json.length,
    },
  });
  // A buffer of its own (not a slice of a pool or of zlib's output chunk): it crosses threads
  // by copy, and the copy should be the bytes, not the chunk around them.
  const out = Buffer.allocUnsafeSlow(compressed.length + 1);
  out[0] = BROTLI_MARKER;
  compressed.copy(out, 1);
  return out;
}

export function decodeEventBody(data: Uint8Array): string {
  const bytes = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return bytes[0] === BROTLI_MARKER ? brotliDecompressSync(bytes.subarray(1)).toString('utf8') : inflateRawSync(bytes).toString('utf8');
}
