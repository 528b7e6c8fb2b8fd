import type { NotificationMessage } from '../types.js';

/**
 * Text helpers shared by the channels: length limits that never split a character, escaping for
 * the markup each service speaks, and one mapping from a message to its look (emoji, colour).
 */

/** Shortens `text` to at most `max` UTF-16 units, ending in '…', without splitting a surrogate pair. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  let end = max - 1;
  // A high surrogate at the cut would leave half an emoji, which services reject or render as '?'.
  if (end > 0 && isHighSurrogate(text.charCodeAt(end - 1))) end -= 1;
  return `${text.slice(0, end)}…`;
}

/** Truncates then escapes, so the escaped text fits `max` and no entity (`&amp;`) is cut in half. */
export function truncateEscaped(text: string, max: number, escape: (text: string) => string): string {
  let limit = max;
  for (;;) {
    const escaped = escape(truncate(text, limit));
    if (escaped.length <= max || limit <= 0) return escaped;
    limit = Math.min(limit - 1, Math.floor((limit * max) / escaped.length));
  }
}

/** Shortens `text` to at most `maxBytes` of UTF-8, ending in '…', cutting only between code points. */
export function truncateBytes(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  if (maxBytes < 3) return '';
  const budget = maxBytes - 3; // '…' is three bytes
  let bytes = 0;
  let end = 0;
  for (const char of text) {
    const size = Buffer.byteLength(char);
    if (bytes + size > budget) break;
    bytes += size;
    end += char.length;
  }
  return `${text.slice(0, end)}…`;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** One line: control characters and line breaks become spaces (titles, subjects, HTTP headers). */
export function singleLine(text: string): string {
  // eslint-disable-next-line no-control-regex -- removing control characters is the point
  return text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
}

/** Escapes text for HTML bodies and attribute values (email, Telegram). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c] ?? c);
}

const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for Slack mrkdwn, where only &, < and > are control characters. */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** How a message looks: a problem (critical/error), a warning, a recovery, or neither. */
export type Tone = 'problem' | 'warning' | 'resolved' | 'info';

export function toneOf(message: NotificationMessage): Tone {
  if (message.action === 'resolve') return 'resolved';
  if (message.action === 'info') return 'info';
  if (message.severity === 'critical' || message.severity === 'error') return 'problem';
  return message.severity === 'warning' ? 'warning' : 'info';
}

export const TONE_EMOJI: Record<Tone, string> = { problem: '🔴', warning: '🟠', resolved: '✅', info: 'ℹ️' };

/** RGB colours (red, amber, green, grey) for services that take one: Discord embeds, email. */
export const TONE_COLOUR: Record<Tone, number> = { problem: 0xd92d20, warning: 0xf79009, resolved: 0x12b76a, info: 0x98a2b3 };

/** The title with its emoji: '🔴 API is down'. */
export function headline(message: NotificationMessage): string {
  return `${TONE_EMOJI[toneOf(message)]} ${singleLine(message.title)}`;
}

/** Unix ms as an ISO 8601 string (UTC). */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** The message's facts, without empty names (services reject blank field names). */
export function messageFields(message: NotificationMessage): ReadonlyArray<{ readonly name: string; readonly value: string }> {
  return (message.fields ?? []).filter((field) => field.name.trim() !== '');
}
