import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

/**
 * Authenticated streaming encryption of backup files: AES-256-GCM over chunks, so a multi-gigabyte
 * dump is encrypted and checked in bounded memory, and nothing unauthenticated is ever emitted.
 *
 * File format, version 1 (all integers big-endian):
 *
 *   header (26 bytes)
 *     0  4  magic 'WPBK'
 *     4  1  format version (1)
 *     5  1  reserved (0)
 *     6 16  file salt (random per file)
 *    22  4  chunk size: plaintext bytes per chunk (1 MiB)
 *   chunks, in order, at least one
 *        4  ciphertext length n (≤ chunk size; GCM ciphertext is as long as its plaintext)
 *        n  ciphertext
 *       16  GCM tag
 *
 * Every chunk but the last holds exactly `chunk size` bytes of plaintext; the last (the "final"
 * chunk) holds the rest, possibly nothing, and is always written.
 *
 * Keys and nonces: HKDF-SHA256(backup key, salt = file salt, info 'watchpost:backup:v1:file')
 * gives a 32-byte file key and an 8-byte nonce prefix. Chunk i's nonce is prefix ‖ u32 i, so a
 * nonce never repeats under a key: the counter differs within a file, the key differs between files.
 *
 * Chunk i's additional data is header ‖ u32 i ‖ final flag (1 byte, 1 on the final chunk). So a
 * changed header, reordered or dropped chunks, a file cut after any chunk (the new last chunk was
 * not sealed as final) and anything appended after the final chunk are all detected. The flag is
 * not stored: a chunk that fails as non-final is tried as final (at most one extra pass, on the
 * last chunk or a corrupt one).
 */

const MAGIC = Buffer.from('WPBK', 'latin1');
/** The format version this module writes and reads. */
export const BACKUP_FORMAT_VERSION = 1;
/** Plaintext bytes per chunk that `encryptStream` writes. */
export const CHUNK_SIZE = 1 << 20;
/** The largest chunk size accepted, so a forged header cannot make the reader buffer gigabytes. */
const MAX_CHUNK_SIZE = 16 << 20;
export const HEADER_LENGTH = MAGIC.length + 1 + 1 + 16 + 4;
const LENGTH_FIELD = 4;
const TAG_LENGTH = 16;
const MAX_CHUNKS = 0xffff_ffff;
const MIN_SECRET_LENGTH = 16;

/** Why decryption failed, for callers that map it to a status or an alert. */
export type BackupCryptoFailure = 'bad-header' | 'unsupported-version' | 'authentication' | 'truncated' | 'trailing-data' | 'corrupt';

export class BackupCryptoError extends Error {
  constructor(
    readonly reason: BackupCryptoFailure,
    message: string,
  ) {
    super(message);
    this.name = 'BackupCryptoError';
  }
}

const badHeader = () => new BackupCryptoError('bad-header', 'Not a Watchpost encrypted backup (bad header)');
const authFailed = (index: number) => new BackupCryptoError('authentication', `Wrong backup key or corrupted data (authentication failed at chunk ${index})`);
const truncated = () => new BackupCryptoError('truncated', 'The backup is truncated: it ends before its final chunk');

/**
 * Derives the 32-byte backup encryption key from a user-provided secret (at least 16 characters).
 * HKDF does not slow down guessing, so the secret must be random, not a password: generate it with
 * `openssl rand -base64 32`. It is independent of WATCHPOST_SECRET_KEY so backups can be restored
 * on another instance with the backup secret alone.
 */
export function backupKey(secret: string): Buffer {
  if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH) {
    throw new RangeError(`The backup encryption secret must be at least ${MIN_SECRET_LENGTH} characters; generate a random one with \`openssl rand -base64 32\``);
  }
  return Buffer.from(hkdfSync('sha256', secret, 'watchpost', 'watchpost:backup:v1', 32));
}

/** A short fingerprint of a key (first 8 hex characters of its SHA-256), stored with each backup to detect a wrong key before decrypting. */
export function keyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

function checkKey(key: Buffer): void {
  if (!Buffer.isBuffer(key) || key.length !== 32) throw new RangeError('A backup key is 32 bytes: derive it with backupKey()');
}

function fileKeys(key: Buffer, salt: Buffer): { fileKey: Buffer; noncePrefix: Buffer } {
  const material = Buffer.from(hkdfSync('sha256', key, salt, 'watchpost:backup:v1:file', 40));
  return { fileKey: material.subarray(0, 32), noncePrefix: material.subarray(32) };
}

function nonceFor(prefix: Buffer, index: number): Buffer {
  const nonce = Buffer.alloc(12);
  prefix.copy(nonce, 0);
  nonce.writeUInt32BE(index, 8);
  return nonce;
}

function aadFor(header: Buffer, index: number, final: boolean): Buffer {
  const aad = Buffer.alloc(header.length + 5);
  header.copy(aad, 0);
  aad.writeUInt32BE(index, header.length);
  aad[header.length + 4] = final ? 1 : 0;
  return aad;
}

export interface EncryptOptions {
  /** Plaintext bytes per chunk; tests use small ones to cross many chunk boundaries. */
  readonly chunkSize?: number;
}

class EncryptTransform extends Transform {
  readonly #header: Buffer;
  readonly #fileKey: Buffer;
  readonly #noncePrefix: Buffer;
  readonly #pending: Buffer;
  #filled = 0;
  #index = 0;
  #headerSent = false;

  constructor(key: Buffer, chunkSize: number) {
    super();
    const salt = randomBytes(16);
    this.#header = Buffer.alloc(HEADER_LENGTH);
    MAGIC.copy(this.#header, 0);
    this.#header[4] = BACKUP_FORMAT_VERSION;
    this.#header[5] = 0;
    salt.copy(this.#header, 6);
    this.#header.writeUInt32BE(chunkSize, 22);
    ({ fileKey: this.#fileKey, noncePrefix: this.#noncePrefix } = fileKeys(key, salt));
    this.#pending = Buffer.alloc(chunkSize);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.#sendHeader();
      let offset = 0;
      while (offset < chunk.length) {
        const copied = chunk.copy(this.#pending, this.#filled, offset);
        this.#filled += copied;
        offset += copied;
        // A full chunk is sealed as non-final at once: the final chunk is whatever is left at the end.
        if (this.#filled === this.#pending.length) this.#seal(false);
      }
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      this.#sendHeader();
      this.#seal(true);
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  #sendHeader(): void {
    if (this.#headerSent) return;
    this.#headerSent = true;
    this.push(this.#header);
  }

  #seal(final: boolean): void {
    if (this.#index > MAX_CHUNKS) throw new Error('The backup is too large to encrypt in one file (2^32 chunks)');
    const cipher = createCipheriv('aes-256-gcm', this.#fileKey, nonceFor(this.#noncePrefix, this.#index), { authTagLength: TAG_LENGTH });
    cipher.setAAD(aadFor(this.#header, this.#index, final));
    const length = Buffer.alloc(LENGTH_FIELD);
    length.writeUInt32BE(this.#filled);
    const body = Buffer.concat([cipher.update(this.#pending.subarray(0, this.#filled)), cipher.final()]);
    this.push(Buffer.concat([length, body, cipher.getAuthTag()]));
    this.#index += 1;
    this.#filled = 0;
  }
}

/** Input bytes waiting to be parsed, kept as the pieces they arrived in (no concatenation per write). */
class ByteQueue {
  #parts: Buffer[] = [];
  #length = 0;

  get length(): number {
    return this.#length;
  }

  push(part: Buffer): void {
    if (part.length === 0) return;
    this.#parts.push(part);
    this.#length += part.length;
  }

  /** The first `n` bytes without consuming them (n ≤ length). */
  peek(n: number): Buffer {
    const first = this.#parts[0];
    if (first && first.length >= n) return first.subarray(0, n);
    return Buffer.concat(this.#parts, n);
  }

  /** Removes and returns the first `n` bytes (n ≤ length). */
  take(n: number): Buffer {
    const first = this.#parts[0];
    if (first && first.length >= n) {
      if (first.length === n) this.#parts.shift();
      else this.#parts[0] = first.subarray(n);
      this.#length -= n;
      return first.subarray(0, n);
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const part = this.#parts[0] as Buffer;
      const used = part.copy(out, filled, 0, n - filled);
      filled += used;
      if (used === part.length) this.#parts.shift();
      else this.#parts[0] = part.subarray(used);
    }
    this.#length -= n;
    return out;
  }
}

type DecryptState = { step: 'header' } | { step: 'length' } | { step: 'body'; length: number } | { step: 'done' };

class DecryptTransform extends Transform {
  readonly #key: Buffer;
  readonly #queue = new ByteQueue();
  #state: DecryptState = { step: 'header' };
  #header: Buffer = Buffer.alloc(0);
  #fileKey: Buffer = Buffer.alloc(0);
  #noncePrefix: Buffer = Buffer.alloc(0);
  #chunkSize = 0;
  #index = 0;

  constructor(key: Buffer) {
    super();
    this.#key = key;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#queue.push(chunk);
    try {
      this.#drain();
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    if (this.#state.step === 'done') return callback();
    // An empty file, or one cut inside the magic, is not recognisably ours.
    if (this.#state.step === 'header' && this.#queue.length < MAGIC.length) return callback(badHeader());
    callback(truncated());
  }

  #drain(): void {
    for (;;) {
      const state = this.#state;
      switch (state.step) {
        case 'header': {
          // Check the magic as soon as it can be, so a wrong file fails at once.
          const seen = Math.min(this.#queue.length, MAGIC.length);
          if (!this.#queue.peek(seen).equals(MAGIC.subarray(0, seen))) throw badHeader();
          if (this.#queue.length < HEADER_LENGTH) return;
          this.#readHeader(this.#queue.take(HEADER_LENGTH));
          this.#state = { step: 'length' };
          break;
        }
        case 'length': {
          if (this.#queue.length < LENGTH_FIELD) return;
          const length = this.#queue.take(LENGTH_FIELD).readUInt32BE(0);
          if (length > this.#chunkSize) {
            throw new BackupCryptoError('corrupt', `Corrupted backup: chunk ${this.#index} declares ${length} bytes, more than the ${this.#chunkSize}-byte chunk size`);
          }
          this.#state = { step: 'body', length };
          break;
        }
        case 'body': {
          if (this.#queue.length < state.length + TAG_LENGTH) return;
          this.#openChunk(this.#queue.take(state.length + TAG_LENGTH), state.length);
          break;
        }
        case 'done': {
          if (this.#queue.length > 0) {
            throw new BackupCryptoError('trailing-data', 'Unexpected data after the final chunk: the backup was appended to or corrupted');
          }
          return;
        }
      }
    }
  }

  #readHeader(header: Buffer): void {
    const version = header[4];
    if (version !== BACKUP_FORMAT_VERSION) {
      throw new BackupCryptoError('unsupported-version', `Unsupported Watchpost backup format version ${version} (this version of Watchpost reads version ${BACKUP_FORMAT_VERSION})`);
    }
    const chunkSize = header.readUInt32BE(22);
    if (header[5] !== 0 || chunkSize === 0 || chunkSize > MAX_CHUNK_SIZE) throw badHeader();
    this.#header = Buffer.from(header);
    this.#chunkSize = chunkSize;
    ({ fileKey: this.#fileKey, noncePrefix: this.#noncePrefix } = fileKeys(this.#key, header.subarray(6, 22)));
  }

  #openChunk(chunk: Buffer, length: number): void {
    if (this.#index > MAX_CHUNKS) throw new BackupCryptoError('corrupt', 'Corrupted backup: more chunks than the format allows');
    const body = chunk.subarray(0, length);
    const tag = chunk.subarray(length);
    const middle = this.#tryOpen(body, tag, false);
    if (middle) {
      this.push(middle);
      this.#index += 1;
      this.#state = { step: 'length' };
      return;
    }
    const last = this.#tryOpen(body, tag, true);
    if (!last) throw authFailed(this.#index);
    this.push(last);
    this.#state = { step: 'done' };
  }

  /** The plaintext when the chunk authenticates with this final flag, else null. Nothing is emitted before the tag checks. */
  #tryOpen(body: Buffer, tag: Buffer, final: boolean): Buffer | null {
    const decipher = createDecipheriv('aes-256-gcm', this.#fileKey, nonceFor(this.#noncePrefix, this.#index), { authTagLength: TAG_LENGTH });
    decipher.setAAD(aadFor(this.#header, this.#index, final));
    decipher.setAuthTag(tag);
    const plaintext = decipher.update(body);
    try {
      decipher.final();
    } catch {
      return null;
    }
    return plaintext;
  }
}

/** A Transform that encrypts a byte stream into the format above; the output starts with the header. */
export function encryptStream(key: Buffer, options: EncryptOptions = {}): Transform {
  checkKey(key);
  const chunkSize = options.chunkSize ?? CHUNK_SIZE;
  if (!Number.isSafeInteger(chunkSize) || chunkSize < 1 || chunkSize > MAX_CHUNK_SIZE) {
    throw new RangeError(`Chunk size must be between 1 and ${MAX_CHUNK_SIZE} bytes`);
  }
  return new EncryptTransform(key, chunkSize);
}

/**
 * A Transform that decrypts what `encryptStream` wrote. It emits a chunk's plaintext only after
 * that chunk authenticated, and errors with a BackupCryptoError on a wrong key, damage, truncation
 * or appended data. The stream's successful end is the proof the whole file was intact.
 */
export function decryptStream(key: Buffer): Transform {
  checkKey(key);
  return new DecryptTransform(key);
}
