import { isUtf8 } from 'node:buffer';
import { fail } from '../../lib/errors.js';

const OPEN_BRACKET = 0x5b; // [
const CLOSE_BRACKET = 0x5d; // ]
const OPEN_BRACE = 0x7b; // {
const CLOSE_BRACE = 0x7d; // }
const QUOTE = 0x22; // "
const BACKSLASH = 0x5c; // \

/**
 * Deepest nesting of arrays/objects in JSON text, stopping as soon as `limit` is exceeded.
 * Only structure outside strings counts; the text need not be valid JSON (JSON.parse judges that).
 */
export function jsonNestingDepth(buf: Buffer, limit = Infinity): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < buf.length; i++) {
    const b = buf[i];
    if (inString) {
      // Skipping the escaped byte is enough: an escape never spans more than one ASCII byte
      // that could be a quote or backslash (\uXXXX is plain hex digits).
      if (b === BACKSLASH) i++;
      else if (b === QUOTE) inString = false;
    } else if (b === QUOTE) {
      inString = true;
    } else if (b === OPEN_BRACKET || b === OPEN_BRACE) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if (b === CLOSE_BRACKET || b === CLOSE_BRACE) {
      depth--;
    }
  }
  return deepest;
}

// eslint-disable-next-line no-control-regex -- matching NUL is the point
const NUL = /\u0000/g;

/** JSON.parse reviver: U+0000 → U+FFFD in strings and object keys. */
function withoutNul(_key: string, value: unknown): unknown {
  if (typeof value === 'string') return value.includes('\u0000') ? value.replace(NUL, '\uFFFD') : value;
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    if (!Object.keys(record).some((k) => k.includes('\u0000'))) return value;
    const clean: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(record)) Object.defineProperty(clean, k.replace(NUL, '\uFFFD'), { value: v, enumerable: true, writable: true, configurable: true });
    return clean;
  }
  return value;
}

/**
 * Parses one JSON payload from an SDK, refusing invalid UTF-8 and excessive nesting before
 * JSON.parse runs, so a 10,000-deep array can't reach recursive code downstream. `what` names
 * the payload in error messages ("event item"). Throws 400 WP_ERR_INGEST_MALFORMED.
 */
export function parseJsonPayload(buf: Buffer, what: string, maxDepth = 100): unknown {
  // A BOM is legal at the start of UTF-8 text but JSON.parse rejects it.
  const text = buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? buf.subarray(3) : buf;
  // Buffer#toString would silently turn bad bytes into U+FFFD and store corrupted text.
  if (!isUtf8(text)) throw fail('WP_ERR_INGEST_MALFORMED', `${what} is not valid UTF-8`);
  if (jsonNestingDepth(text, maxDepth) > maxDepth) {
    throw fail('WP_ERR_INGEST_MALFORMED', `${what} is nested deeper than ${maxDepth} levels of arrays and objects`);
  }
  try {
    const source = text.toString('utf8');
    // PostgreSQL text cannot hold NUL, and JSON can only carry it as the escape \u0000: replace it
    // (in keys and values) when present, so one odd string can't fail a whole batch of writes.
    return (source.includes('\\u0000') ? JSON.parse(source, withoutNul) : JSON.parse(source)) as unknown;
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw fail('WP_ERR_INGEST_MALFORMED', `${what} is not valid JSON: ${reason.slice(0, 200)}`);
  }
}

/** True for a JSON object (not an array or null): the shape every header and event must have. */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
