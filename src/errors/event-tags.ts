import type { ExceptionInfo, NormalizedEvent } from './event.js';
import { asString, isRecord, truncate } from './json-values.js';

/** Sentry's limits: tag keys and values at most 200 characters. */
export const TAG_KEY_CHARS = 200;
export const TAG_VALUE_CHARS = 200;
const MAX_TAGS = 200;

/** The event fields tags are derived from. */
type TagSources = Pick<NormalizedEvent, 'level' | 'environment' | 'release' | 'transaction' | 'serverName' | 'exceptions' | 'userKey'>;

function cleanValue(value: unknown): string | null {
  const text = asString(value, TAG_VALUE_CHARS * 4);
  if (text === null) return null;
  // A tag value is one line in Sentry; collapse line breaks rather than drop the tag.
  const oneLine = text.replace(/[\r\n\t]+/g, ' ').trim();
  return oneLine === '' ? null : truncate(oneLine, TAG_VALUE_CHARS);
}

function cleanKey(key: unknown): string | null {
  if (typeof key !== 'string') return null;
  const trimmed = key.trim();
  // Over-long keys are dropped, not cut: cutting could merge two different keys into one.
  return trimmed === '' || trimmed.length > TAG_KEY_CHARS ? null : trimmed;
}

/** The SDK's own tags: an object, or a list of `[key, value]` pairs. Bad entries are skipped. */
function sdkTags(raw: unknown): Array<[unknown, unknown]> {
  if (isRecord(raw)) return Object.entries(raw);
  if (!Array.isArray(raw)) return [];
  const pairs: Array<[unknown, unknown]> = [];
  for (const item of raw) if (Array.isArray(item) && item.length === 2) pairs.push([item[0], item[1]]);
  return pairs;
}

/** A context (browser, os, runtime) by its key, or by its `type` under another key. */
function findContext(contexts: unknown, type: string): Record<string, unknown> | null {
  if (!isRecord(contexts)) return null;
  const direct = contexts[type];
  if (isRecord(direct)) return direct;
  for (const value of Object.values(contexts)) if (isRecord(value) && value.type === type) return value;
  return null;
}

function urlWithoutQuery(url: unknown): string | null {
  if (typeof url !== 'string') return null;
  const end = url.search(/[?#]/);
  return end === -1 ? url : url.slice(0, end);
}

function mechanismTags(exceptions: readonly ExceptionInfo[]): Array<[string, string | null]> {
  const mechanisms = exceptions.map((e) => e.mechanism).filter((m) => m !== null);
  let handled: string | null = null;
  if (mechanisms.some((m) => m.handled === false)) handled = 'no';
  else if (mechanisms.some((m) => m.handled === true)) handled = 'yes';
  const newest = mechanisms.findLast((m) => m.type !== null);
  return [
    ['handled', handled],
    ['mechanism', newest?.type ?? null],
  ];
}

/**
 * The event's tags: the SDK's own (deduplicated, last wins), then the ones derived from the event
 * (level, environment, release, …, browser/os/runtime, url, handled, mechanism). A derived tag
 * replaces an SDK tag of the same key, since it reflects the normalised event.
 */
export function buildTags(raw: Record<string, unknown>, event: TagSources): Array<[string, string]> {
  const tags = new Map<string, string>();
  for (const [k, v] of sdkTags(raw.tags)) {
    const key = cleanKey(k);
    const value = cleanValue(v);
    if (key === null || value === null) continue;
    if (!tags.has(key) && tags.size >= MAX_TAGS) continue;
    tags.set(key, value);
  }

  const derived: Array<[string, string | null]> = [
    ['level', event.level],
    ['environment', event.environment],
    ['release', event.release],
    ['transaction', event.transaction],
    ['server_name', event.serverName],
    ['user', event.userKey],
  ];
  for (const type of ['browser', 'os', 'runtime']) {
    const context = findContext(raw.contexts, type);
    const name = cleanValue(context?.name);
    if (name === null) continue;
    const version = cleanValue(context?.version);
    derived.push([type, version === null ? name : `${name} ${version}`], [`${type}.name`, name]);
  }
  derived.push(['url', isRecord(raw.request) ? urlWithoutQuery(raw.request.url) : null]);
  derived.push(...mechanismTags(event.exceptions));

  for (const [key, value] of derived) {
    const clean = cleanValue(value);
    if (clean === null) continue;
    tags.delete(key);
    tags.set(key, clean);
  }
  return [...tags];
}
