/**
 * Small, total helpers for reading SDK JSON: every function accepts anything and never throws, because
 * an SDK bug (a number where a string belongs) must cost a field, not the event.
 */

/** True for a plain JSON object (not an array or null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Assigns an own property even when the key is `__proto__`, which a plain assignment would turn into a
 * prototype change (JSON.parse creates such keys as ordinary own properties).
 */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/** The entries whose value is neither null nor undefined, so the stored JSON has no empty fields. */
export function compact(entries: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(entries)) if (value !== null && value !== undefined) setOwn(out, key, value);
  return out;
}

/** Cuts `text` to at most `max` UTF-16 units, ending in "..." like Sentry, never splitting a surrogate pair. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = Math.max(0, max - 3);
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut--;
  return `${text.slice(0, cut)}...`;
}

/** A non-empty string (numbers and booleans coerced), truncated to `max`; null for anything else. */
export function asString(value: unknown, max: number): string | null {
  let text: string;
  if (typeof value === 'string') text = value;
  else if (typeof value === 'number' && Number.isFinite(value)) text = String(value);
  else if (typeof value === 'boolean' || typeof value === 'bigint') text = String(value);
  else return null;
  return text === '' ? null : truncate(text, max);
}

/** A non-negative integer (numeric strings coerced); null otherwise. */
export function asInt(value: unknown): number | null {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? Math.trunc(n) : null;
}

/** true/false (also "true"/"false", 1/0); null otherwise. */
export function asBool(value: unknown): boolean | null {
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 1) return true;
  if (value === 'false' || value === 0) return false;
  return null;
}

/** The text before the first line break. */
export function firstLine(text: string): string {
  const end = text.search(/\r?\n/);
  return end === -1 ? text : text.slice(0, end);
}

const MAX_DATE_MS = 8.64e15;

/**
 * Epoch milliseconds from Sentry's two timestamp forms: RFC 3339 text or epoch seconds (float, or the
 * same as a numeric string). Numbers above 1e12 can only be milliseconds (as seconds they would be
 * past the year 33,000), so they are taken as such. Null when unparseable.
 */
export function parseTimestamp(value: unknown): number | null {
  let n: number;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(value)) n = Number(value);
  else if (typeof value === 'string') {
    // Date.parse accepts odd forms ("1", "March 7"); require an ISO date at the start.
    if (!/^\d{4}-\d{2}-\d{2}/.test(value)) return null;
    const ms = Date.parse(/[zZ]|[+-]\d{2}:?\d{2}$/.test(value.slice(10)) || value.length === 10 ? value : `${value}Z`);
    return Number.isFinite(ms) ? ms : null;
  } else return null;
  if (!Number.isFinite(n) || n < 0) return null;
  const ms = Math.round(n > 1e12 ? n : n * 1000);
  // Beyond ±8.64e15 ms a JavaScript Date is invalid and can't be written as RFC 3339.
  return ms <= MAX_DATE_MS ? ms : null;
}

/** Limits for {@link trimValue}. */
export interface TrimLimits {
  /** Containers nested deeper than this become "[Object]" / "[Array]" (like the JS SDK's normalize). */
  readonly depth: number;
  readonly stringChars: number;
  /** Items kept per array or object. */
  readonly items: number;
}

/**
 * A JSON-safe copy of arbitrary data within `limits`. Recursion is bounded by `limits.depth`, so deep
 * input cannot blow the stack. Non-finite numbers become null; functions and symbols are dropped.
 */
export function trimValue(value: unknown, limits: TrimLimits, depth = 0): unknown {
  if (typeof value === 'string') return truncate(value, limits.stringChars);
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'boolean' || value === null) return value;
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) {
    if (depth >= limits.depth) return '[Array]';
    const out: unknown[] = [];
    for (const item of value.slice(0, limits.items)) {
      const trimmed = trimValue(item, limits, depth + 1);
      out.push(trimmed === undefined ? null : trimmed);
    }
    return out;
  }
  if (isRecord(value)) {
    if (depth >= limits.depth) return '[Object]';
    const out: Record<string, unknown> = {};
    let count = 0;
    for (const key of Object.keys(value)) {
      if (count++ >= limits.items) break;
      const trimmed = trimValue(value[key], limits, depth + 1);
      if (trimmed !== undefined) setOwn(out, key, trimmed);
    }
    return out;
  }
  return undefined;
}

/** RFC 3339 text (UTC, milliseconds) for epoch milliseconds. */
export function toRfc3339(ms: number): string {
  return new Date(ms).toISOString();
}
