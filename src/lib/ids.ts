import { randomBytes, randomUUID } from 'node:crypto';

/**
 * A UUIDv7 (RFC 9562): 48-bit millisecond timestamp then random bits. Time-ordered, so rows written
 * by several nodes sort by creation and B-tree inserts stay local; random, so nodes never collide.
 * The random part comes from `randomUUID()`, which draws on Node's buffered entropy: a
 * `randomBytes(16)` per id (one per request) cost ~3 % of the ingest path.
 */
export function newId(now: number = Date.now()): string {
  // v4 layout: xxxxxxxx-xxxx-4xxx-Vxxx-xxxxxxxxxxxx (V already carries the RFC variant bits).
  const random = randomUUID();
  const time = now.toString(16).padStart(12, '0');
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${random.slice(15)}`;
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A random token of `length` base62 characters (about 5.95 bits each), without modulo bias. */
export function randomToken(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      // 248 = 62 * 4: bytes at or above it would bias the first characters.
      if (byte < 248) out += BASE62[byte % 62];
      if (out.length === length) break;
    }
  }
  return out;
}

/** Lower-case hex of `bytes` random bytes (ingest public keys are 32 hex chars like Sentry's). */
export function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}
