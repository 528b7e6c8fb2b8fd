import { Agent } from 'undici';
import { z } from 'zod';
import { assertHostAllowed, EgressBlockedError, guardedLookup } from '../../lib/egress.js';
import { DeliveryError, type SendContext, type SendResult } from '../types.js';
import { truncate } from './text.js';

/**
 * The HTTP side shared by the channels: one POST with the delivery's abort signal, a bounded read
 * of the answer, and one mapping from the answer to success or a DeliveryError, so every service
 * is retried (or not) by the same rules.
 */

/** Characters of a response kept for the delivery log. */
export const SNIPPET_CHARS = 500;

/** An http(s) URL: other schemes (file:, javascript:, ftp:) are never fetched. */
export const httpUrlSchema = z.url({ protocol: /^https?$/, error: 'Must be an http:// or https:// URL' }).max(2048);

export interface HttpPost {
  readonly url: string;
  readonly body: string;
  readonly contentType: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * The connection pool of every delivery: its lookup refuses link-local and cloud-metadata addresses
 * (lib/egress.ts), so a webhook URL whose name resolves there fails instead of leaking the VM's
 * credentials into the delivery log.
 */
const dispatcher = new Agent({ connect: { lookup: guardedLookup } });

/** Sends one POST; resolves with the status and the start of the body, throws DeliveryError otherwise. */
export async function post(request: HttpPost, context: SendContext): Promise<SendResult> {
  if (!URL.canParse(request.url)) throw new DeliveryError('Invalid URL', { retryable: false });
  const { url, authorization } = splitCredentials(request.url);
  let response: Response;
  try {
    assertHostAllowed(new URL(url).hostname);
  } catch (error) {
    throw new DeliveryError(`Refused: ${(error as Error).message}`, { retryable: false });
  }
  try {
    response = await fetch(url, {
      dispatcher,
      method: 'POST',
      headers: { 'user-agent': context.userAgent, ...authorization, ...request.headers, 'content-type': request.contentType },
      body: request.body,
      signal: context.signal,
      // A followed 301/302 turns the POST into a GET, which many servers answer 200 without
      // delivering anything (ntfy behind an http→https redirect). Better to fail and say so.
      redirect: 'manual',
    });
  } catch (error) {
    throw requestFailure(error, context.signal);
  }
  const body = await readSnippet(response);
  const failure = errorForResponse(response.status, response.headers, body);
  if (failure) throw failure;
  return { status: response.status, response: body };
}

/**
 * fetch refuses URLs with user:password (and its error would quote them in the delivery log), so
 * they travel as Basic authorization instead, as curl does.
 */
function splitCredentials(raw: string): { url: string; authorization: Record<string, string> } {
  const url = new URL(raw);
  if (url.username === '' && url.password === '') return { url: raw, authorization: {} };
  const credentials = `${safeDecode(url.username)}:${safeDecode(url.password)}`;
  url.username = '';
  url.password = '';
  return { url: url.toString(), authorization: { authorization: `Basic ${Buffer.from(credentials).toString('base64')}` } };
}

function safeDecode(component: string): string {
  try {
    return decodeURIComponent(component);
  } catch {
    return component;
  }
}

/** POSTs `payload` as JSON. */
export function postJson(url: string, payload: unknown, context: SendContext, headers?: Readonly<Record<string, string>>): Promise<SendResult> {
  return post({ url, body: JSON.stringify(payload), contentType: 'application/json', headers }, context);
}

/**
 * Reads at most about `maxChars` characters of the body and cancels the rest, so a service that
 * answers with a huge page cannot hold the delivery up. A body that breaks off midway is kept as read.
 */
export async function readSnippet(response: Response, maxChars = SNIPPET_CHARS): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    for (;;) {
      if (text.length > maxChars) break;
      const chunk = await reader.read();
      if (chunk.done) {
        text += decoder.decode();
        break;
      }
      text += decoder.decode(chunk.value as Uint8Array, { stream: true });
    }
  } catch {
    // The status is what matters; keep what arrived.
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return truncate(text.trim(), maxChars);
}

/**
 * Maps an HTTP answer to the delivery outcome: null for 2xx; otherwise a DeliveryError that is
 * retryable for 408, 429 and 5xx (429 and 503 with their Retry-After), final for other statuses, and
 * asks to disable the channel on 410 Gone.
 */
export function errorForResponse(status: number, headers: Headers, body: string, now = Date.now()): DeliveryError | null {
  if (status >= 200 && status < 300) return null;
  const detail = errorDetail(body);
  const response = body === '' ? undefined : body;
  if (status >= 300 && status < 400) {
    const location = headers.get('location');
    const to = location ? ` to ${truncate(location, 200)}` : '';
    return new DeliveryError(`HTTP ${status}: redirected${to}; use the final URL in the channel settings`, { retryable: false, status, response });
  }
  const message = `HTTP ${status}${detail ? `: ${detail}` : ''}`;
  if (status === 410) {
    return new DeliveryError(`${message} (the endpoint is gone; the channel should be disabled)`, { retryable: false, status, response, disable: true });
  }
  if (status === 408 || status === 429 || status >= 500) {
    const retryAfterMs = status === 429 || status === 503 ? (parseRetryAfter(headers.get('retry-after'), now) ?? bodyRetryAfter(body)) : undefined;
    return new DeliveryError(message, { retryable: true, status, response, retryAfterMs });
  }
  return new DeliveryError(message, { retryable: false, status, response });
}

/** Retry-After as delay-seconds or an HTTP-date, in ms from `now`; undefined when absent or invalid. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  const trimmed = value?.trim();
  if (!trimmed) return undefined;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.ceil(Number(trimmed) * 1000);
  // Every HTTP-date format starts with the day name; Date.parse alone would take '-5' as a year.
  const date = /^[A-Za-z]{3}/.test(trimmed) ? Date.parse(trimmed) : NaN;
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * Telegram (`parameters.retry_after`) and Discord (`retry_after`) also say how long to wait in the
 * JSON body of a 429, in seconds; used when the header is missing.
 */
function bodyRetryAfter(body: string): number | undefined {
  const json = parseObject(body);
  const parameters = json?.parameters;
  const seconds = json?.retry_after ?? (isObject(parameters) ? parameters.retry_after : undefined);
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 0 ? Math.ceil(seconds * 1000) : undefined;
}

/**
 * A readable reason from an error body: the service's own message when it answers JSON (Telegram
 * `description`, PagerDuty `message` + `errors`, Pushover `errors`, ntfy `error`, Discord `message`),
 * else the text itself (Slack's 'invalid_token').
 */
function errorDetail(body: string): string {
  const json = parseObject(body);
  if (!json) return truncate(body.replace(/\s+/g, ' ').trim(), 200);
  const parts: string[] = [];
  for (const key of ['description', 'message', 'error']) {
    const value = json[key];
    if (typeof value === 'string' && value.trim() !== '') parts.push(value.trim());
  }
  const errors = json.errors;
  if (Array.isArray(errors)) parts.push(...errors.filter((e): e is string => typeof e === 'string'));
  return truncate(parts.length > 0 ? parts.join('; ') : body.trim(), 200);
}

function parseObject(body: string): Record<string, unknown> | undefined {
  if (!body.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(body);
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A request that got no answer: timed out, aborted, refused, unresolvable. Always worth retrying. */
export function requestFailure(error: unknown, signal: AbortSignal): DeliveryError {
  if (signal.aborted) {
    const reason: unknown = signal.reason;
    const timedOut = reason instanceof Error && reason.name === 'TimeoutError';
    return new DeliveryError(timedOut ? 'Timed out waiting for a response' : 'Request aborted', { retryable: true });
  }
  // undici reports every network failure as TypeError('fetch failed') with the real one as cause.
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  if (cause instanceof EgressBlockedError || (cause as { code?: unknown } | null)?.code === 'EGRESS_BLOCKED') {
    return new DeliveryError(`Refused: ${(cause as Error).message}`, { retryable: false });
  }
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new DeliveryError(`Request failed: ${reason}`, { retryable: true });
}

/** The URL without credentials, query or fragment: safe to show (`https://example.com/hooks`). */
export function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname === '/' ? '' : parsed.pathname}`;
  } catch {
    return 'an invalid URL';
  }
}

/** Host (and port) of a URL, for describing where a secret URL points without showing it. */
export function urlHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'invalid URL';
  }
}

/** `base` (which may carry a path) joined with `path`, without doubled slashes. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}
