import type { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { fail, type WatchpostError } from '../../lib/errors.js';

/** Byte limits enforced while a request body streams in, before and after decompression. */
export interface BodyLimits {
  maxCompressedBytes: number;
  maxDecompressedBytes: number;
}

type Encoding = 'identity' | Codec;
type Codec = 'gzip' | 'deflate' | 'br';
type Source = NodeJS.ReadableStream | Readable;
type Decoder = zlib.Gunzip | zlib.Inflate | zlib.InflateRaw | zlib.BrotliDecompress;

const ignore = (): void => {};

const UNITS = [
  ['GiB', 1024 ** 3],
  ['MiB', 1024 ** 2],
  ['KiB', 1024],
] as const;

/** Human-readable size for error messages: `formatBytes(1048576)` → "1 MiB". */
export function formatBytes(n: number): string {
  for (const [unit, size] of UNITS) {
    if (n >= size) return `${Number((n / size).toFixed(1))} ${unit}`;
  }
  return n === 1 ? '1 byte' : `${n} bytes`;
}

/** Maps a Content-Encoding header to the decoder we run; anything we can't decode is a 415. */
function normaliseEncoding(header: string | undefined): Encoding {
  const value = (header ?? '').trim().toLowerCase();
  switch (value) {
    case '':
    case 'identity':
      return 'identity';
    case 'gzip':
    case 'x-gzip':
      return 'gzip';
    case 'deflate':
      return 'deflate';
    case 'br':
      return 'br';
    default:
      // Stacked encodings ("gzip, br") are legal HTTP but no Sentry SDK sends them; refusing is
      // clearer than decoding half of them.
      throw fail(
        'WP_ERR_UNSUPPORTED_MEDIA_TYPE',
        `Content-Encoding "${value.slice(0, 40)}" is not supported; use gzip, deflate or br`,
      );
  }
}

/**
 * HTTP "deflate" is meant to be zlib-wrapped (RFC 9110) but some clients send raw deflate, so we
 * sniff the two-byte zlib header: compression method 8, window ≤ 32 KiB, and a header checksum.
 */
function looksLikeZlib(head: Buffer): boolean {
  const b0 = head[0];
  const b1 = head[1];
  if (b0 === undefined || b1 === undefined) return false;
  return (b0 & 0x0f) === 8 && b0 >> 4 <= 7 && (b0 * 256 + b1) % 31 === 0;
}

function createDecoder(codec: Codec, head: Buffer): Decoder {
  switch (codec) {
    case 'gzip':
      return zlib.createGunzip();
    case 'deflate':
      return looksLikeZlib(head) ? zlib.createInflate() : zlib.createInflateRaw();
    case 'br':
      return zlib.createBrotliDecompress();
  }
}

/**
 * Compressed bodies up to this size are decoded in one synchronous call once they are complete:
 * for the few-KiB envelopes SDKs send, a zlib stream costs several times more event-loop time
 * than the work itself. `maxOutputLength` caps the output at the decompressed limit, so a bomb
 * this small stops at the limit too (at most a few ms of inflating); larger bodies stream.
 */
export const ONE_SHOT_DECODE_BYTES = 64 * 1024;

function decodeAtOnce(codec: Codec, input: Buffer, maxOutputLength: number): Buffer {
  switch (codec) {
    case 'gzip':
      return zlib.gunzipSync(input, { maxOutputLength });
    case 'deflate':
      return looksLikeZlib(input) ? zlib.inflateSync(input, { maxOutputLength }) : zlib.inflateRawSync(input, { maxOutputLength });
    case 'br':
      return zlib.brotliDecompressSync(input, { maxOutputLength });
  }
}

/**
 * Reads a request body into one Buffer, decoding Content-Encoding on the fly. Both limits are
 * enforced while streaming, so neither a huge upload nor a zip bomb is ever held in memory.
 * Rejects with WatchpostErrors only: 413 (too large), 415 (encoding), 400 (corrupt or aborted).
 */
export async function readBody(stream: Source, contentEncoding: string | undefined, limits: BodyLimits): Promise<Buffer> {
  let encoding: Encoding;
  try {
    encoding = normaliseEncoding(contentEncoding);
  } catch (err) {
    // Drain what the client still sends so the error reply can be written on this socket.
    stream.resume();
    throw err;
  }
  return collectBody(stream, encoding, limits);
}

function collectBody(stream: Source, encoding: Encoding, limits: BodyLimits): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const output: Buffer[] = [];
    let outputBytes = 0;
    let inputBytes = 0;
    let inputEnded = false;
    let settled = false;
    let decoder: Decoder | undefined;
    // Compressed bytes held back while the body may still fit a one-shot decode.
    let held: Buffer[] = [];
    let heldBytes = 0;

    const detach = (): void => {
      stream.removeListener('data', onData);
      stream.removeListener('end', onEnd);
      stream.removeListener('error', onError);
      stream.removeListener('close', onClose);
      // A plain Readable that errors with no listener would crash the process; we no longer care.
      stream.on('error', ignore);
    };

    const settle = (err: WatchpostError | null): void => {
      if (settled) return;
      settled = true;
      detach();
      if (err) {
        // Stop decoding at once (this is what bounds a zip bomb) and discard, rather than buffer,
        // whatever the client still sends. Destroying the request would kill the socket before our
        // 413 reply could be written; the caller should answer with `Connection: close` instead.
        decoder?.destroy();
        output.length = 0;
        stream.resume();
        reject(err);
      } else {
        resolve(Buffer.concat(output, outputBytes));
      }
    };

    const collect = (chunk: Buffer): void => {
      if (settled) return;
      outputBytes += chunk.length;
      if (outputBytes > limits.maxDecompressedBytes) {
        const what = encoding === 'identity' ? 'body' : 'decompressed body';
        settle(fail('WP_ERR_BODY_TOO_LARGE', `The ${what} exceeds ${formatBytes(limits.maxDecompressedBytes)}`));
        return;
      }
      output.push(chunk);
    };

    const startDecoder = (codec: Codec, first: Buffer): Decoder => {
      const d = createDecoder(codec, first);
      d.on('data', (chunk: Buffer) => collect(chunk));
      d.on('end', () => settle(null));
      d.on('error', (err: Error) =>
        settle(fail('WP_ERR_INGEST_MALFORMED', `Could not decompress the ${codec} body: ${err.message}`)),
      );
      // Backpressure: while zlib is busy, stop reading the socket so its input queue stays small
      // and a rejected bomb leaves most of the upload unread until we drain it.
      d.on('drain', () => {
        if (!settled) stream.resume();
      });
      return d;
    };

    const feed = (codec: Codec, chunk: Buffer): void => {
      if (!decoder) {
        const small = heldBytes + chunk.length <= ONE_SHOT_DECODE_BYTES;
        if (small && !inputEnded) {
          held.push(chunk);
          heldBytes += chunk.length;
          return;
        }
        const first = Buffer.concat([...held, chunk]);
        held = [];
        if (small) {
          let decoded: Buffer;
          try {
            decoded = decodeAtOnce(codec, first, limits.maxDecompressedBytes);
          } catch (err) {
            if ((err as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') settle(fail('WP_ERR_BODY_TOO_LARGE', `The decompressed body exceeds ${formatBytes(limits.maxDecompressedBytes)}`));
            else settle(fail('WP_ERR_INGEST_MALFORMED', `Could not decompress the ${codec} body: ${(err as Error).message}`));
            return;
          }
          collect(decoded);
          settle(null);
          return;
        }
        // Too big to decode in one go: stream it (the first chunk holds the deflate header to sniff).
        decoder = startDecoder(codec, first);
        chunk = first;
      }
      if (chunk.length > 0 && !decoder.write(chunk)) stream.pause();
    };

    function onData(raw: Buffer | string): void {
      const chunk = typeof raw === 'string' ? Buffer.from(raw) : raw;
      inputBytes += chunk.length;
      if (inputBytes > limits.maxCompressedBytes) {
        const what = encoding === 'identity' ? 'body' : 'compressed body';
        settle(fail('WP_ERR_BODY_TOO_LARGE', `The ${what} exceeds ${formatBytes(limits.maxCompressedBytes)}`));
        return;
      }
      if (encoding === 'identity') collect(chunk);
      else feed(encoding, chunk);
    }

    function onEnd(): void {
      inputEnded = true;
      if (encoding === 'identity') {
        settle(null);
        return;
      }
      feed(encoding, Buffer.alloc(0));
      decoder?.end();
    }

    function onError(err: Error): void {
      settle(fail('WP_ERR_INGEST_MALFORMED', `Could not read the request body: ${err.message}`));
    }

    function onClose(): void {
      if (!inputEnded) settle(fail('WP_ERR_INGEST_MALFORMED', 'The client closed the connection before the body was complete'));
    }

    // A stream that already ended would never emit 'end' again and the request would hang.
    if ('readableEnded' in stream && stream.readableEnded) {
      onEnd();
      return;
    }
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
    stream.on('close', onClose);
  });
}
