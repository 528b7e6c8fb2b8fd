import { fail } from '../../lib/errors.js';
import { formatBytes } from './body.js';
import { isJsonObject, parseJsonPayload } from './json.js';

/** Per-envelope limits; all sizes are payload bytes after decompression. */
export interface EnvelopeLimits {
  /** Most items one envelope may carry. */
  maxItems: number;
  /** `event`, `transaction` and `span` items. */
  maxEventBytes: number;
  /** `check_in` items. */
  maxCheckInBytes: number;
  /** `session` and `sessions` items. */
  maxSessionBytes: number;
  /** `client_report` items. */
  maxClientReportBytes: number;
  /** `attachment` and every type not listed above. */
  maxAttachmentBytes: number;
  /** Nesting limit for the envelope header and item headers (callers reuse it for payloads). */
  maxJsonDepth: number;
}

/** Watchpost's defaults, matching Sentry's own limits where Sentry documents one. */
export const DEFAULT_ENVELOPE_LIMITS: EnvelopeLimits = Object.freeze({
  maxItems: 100,
  maxEventBytes: 1024 * 1024,
  maxCheckInBytes: 100 * 1024,
  maxSessionBytes: 100 * 1024,
  maxClientReportBytes: 4 * 1024,
  maxAttachmentBytes: 20 * 1024 * 1024,
  maxJsonDepth: 100,
});

/** One item: its parsed header and its raw payload (a view into the request body, not a copy). */
export interface EnvelopeItem {
  readonly type: string;
  readonly header: Record<string, unknown>;
  readonly payload: Buffer;
}

/** A parsed envelope; item payloads are left for the caller to parse by type. */
export interface Envelope {
  readonly header: Record<string, unknown>;
  readonly items: EnvelopeItem[];
}

const NEWLINE = 0x0a;

/** Which size limit applies to an item type. Unknown types get the attachment limit. */
export function itemSizeLimit(type: string, limits: EnvelopeLimits): number {
  switch (type) {
    case 'event':
    case 'transaction':
    case 'span':
      return limits.maxEventBytes;
    case 'check_in':
      return limits.maxCheckInBytes;
    case 'session':
    case 'sessions':
      return limits.maxSessionBytes;
    case 'client_report':
      return limits.maxClientReportBytes;
    default:
      return limits.maxAttachmentBytes;
  }
}

/** End of the line starting at `from`: the index of the next `\n`, or the body's length. */
function lineEnd(body: Buffer, from: number): number {
  const i = body.indexOf(NEWLINE, from);
  return i === -1 ? body.length : i;
}

/** Types may contain anything; keep error messages short and printable. */
function printable(type: string): string {
  const shown = type.length > 40 ? `${type.slice(0, 40)}…` : type;
  return JSON.stringify(shown).slice(1, -1);
}

/**
 * Parses a Sentry envelope (header line, then header line + payload per item) from a fully read,
 * decompressed body. Works on byte offsets: payloads are `subarray` views, never decoded or copied.
 * Throws 400 WP_ERR_INGEST_MALFORMED for bad structure, 413 WP_ERR_BODY_TOO_LARGE for limits.
 */
export function parseEnvelope(body: Buffer, limits: EnvelopeLimits = DEFAULT_ENVELOPE_LIMITS): Envelope {
  const headerEnd = lineEnd(body, 0);
  const header = parseJsonPayload(body.subarray(0, headerEnd), 'envelope header', limits.maxJsonDepth);
  if (!isJsonObject(header)) throw fail('WP_ERR_INGEST_MALFORMED', 'envelope header is not a JSON object');

  const items: EnvelopeItem[] = [];
  let eventLike: string | undefined;
  let pos = headerEnd + 1;
  while (pos < body.length) {
    // Blank lines where an item header is due: SDKs and proxies add trailing newlines. An item
    // header is never empty, so skipping them is unambiguous.
    if (body[pos] === NEWLINE) {
      pos++;
      continue;
    }
    const n = items.length + 1;
    if (n > limits.maxItems) {
      throw fail('WP_ERR_BODY_TOO_LARGE', `envelope has more than ${limits.maxItems} items`);
    }
    const itemHeaderEnd = lineEnd(body, pos);
    const itemHeader = parseJsonPayload(body.subarray(pos, itemHeaderEnd), `item ${n} header`, limits.maxJsonDepth);
    if (!isJsonObject(itemHeader)) throw fail('WP_ERR_INGEST_MALFORMED', `item ${n} header is not a JSON object`);
    const type = itemHeader.type;
    if (typeof type !== 'string' || type === '') {
      throw fail('WP_ERR_INGEST_MALFORMED', `item ${n} header has no "type" string`);
    }
    const label = `item ${n} (${printable(type)})`;
    const limit = itemSizeLimit(type, limits);
    const tooLarge = (): Error =>
      fail('WP_ERR_BODY_TOO_LARGE', `${label} is larger than the ${formatBytes(limit)} limit for ${printable(type)} items`);

    // The payload starts after the header's newline; a header at the very end has an empty one.
    const start = Math.min(itemHeaderEnd + 1, body.length);
    let end: number;
    if (itemHeader.length !== undefined) {
      const length = itemHeader.length;
      if (typeof length !== 'number' || !Number.isSafeInteger(length) || length < 0) {
        throw fail('WP_ERR_INGEST_MALFORMED', `${label} has an invalid length: expected a non-negative integer`);
      }
      // Check the declared size before trusting it, so the message says "too large", not "lying".
      if (length > limit) throw tooLarge();
      end = start + length;
      if (end > body.length) {
        throw fail('WP_ERR_INGEST_MALFORMED', `${label} declares length ${length} but only ${body.length - start} bytes follow`);
      }
      if (end < body.length && body[end] !== NEWLINE) {
        throw fail(
          'WP_ERR_INGEST_MALFORMED',
          `${label} declares length ${length} but the payload is not followed by a newline (wrong length?)`,
        );
      }
    } else {
      end = lineEnd(body, start);
      if (end - start > limit) throw tooLarge();
    }

    if (type === 'event' || type === 'transaction') {
      if (eventLike !== undefined) {
        throw fail('WP_ERR_INGEST_MALFORMED', `envelope has more than one event or transaction item (${eventLike} and ${type})`);
      }
      eventLike = type;
    }
    items.push({ type, header: itemHeader, payload: body.subarray(start, end) });
    pos = end + 1;
  }
  return { header, items };
}

/** An item for serializeEnvelope: objects are JSON-encoded, strings UTF-8, Buffers sent as-is. */
export interface EnvelopeItemInput {
  header: Record<string, unknown>;
  payload: Buffer | string | object;
}

/**
 * Builds an envelope the way the Sentry SDKs do (no trailing newline). Item headers are written
 * exactly as given: set `length` yourself for payloads that may contain a newline. Used by tests
 * and tools; throws RangeError for a payload that could not be framed.
 */
export function serializeEnvelope(header: Record<string, unknown>, items: readonly EnvelopeItemInput[]): Buffer {
  const parts: Buffer[] = [Buffer.from(JSON.stringify(header))];
  for (const item of items) {
    const payload = Buffer.isBuffer(item.payload)
      ? item.payload
      : Buffer.from(typeof item.payload === 'string' ? item.payload : JSON.stringify(item.payload));
    if (item.header.length === undefined && payload.includes(NEWLINE)) {
      throw new RangeError('An envelope item payload containing a newline needs a "length" in its header');
    }
    parts.push(Buffer.from(`\n${JSON.stringify(item.header)}\n`), payload);
  }
  return Buffer.concat(parts);
}
