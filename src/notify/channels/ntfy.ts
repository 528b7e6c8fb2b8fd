import { z } from 'zod';
import type { ChannelDefinition, NotificationMessage, SendContext } from '../types.js';
import { displayUrl, httpUrlSchema, joinUrl, post } from './http.js';
import { type Tone, singleLine, toneOf, truncate, truncateBytes } from './text.js';

/**
 * ntfy (ntfy.sh or self-hosted): the body is the message, the rest travels in headers (Title,
 * Priority, Tags, Click). An access token is the secret; note that on a public server an
 * unprotected topic name is itself the only protection, so users should pick an unguessable one.
 */

export const ntfyConfigSchema = z
  .object({
    serverUrl: httpUrlSchema.default('https://ntfy.sh'),
    topic: z.string().trim().regex(/^[-_A-Za-z0-9]{1,64}$/, 'Topics are 1–64 letters, digits, - and _'),
    /** An access token ('tk_…') for protected topics, sent as a Bearer token. */
    token: z.string().trim().regex(/^[\x21-\x7e]{1,200}$/, 'Must be a printable ASCII token').optional(),
    /** A fixed priority (1 min … 5 urgent) for every message; unset = by severity. */
    priority: z.number().int().min(1).max(5).optional(),
  })
  .strict();

export type NtfyConfig = z.infer<typeof ntfyConfigSchema>;

/** ntfy turns bodies over 4096 bytes into attachments (or rejects them when attachments are off). */
const BODY_MAX_BYTES = 4096;

const TONE_TAG: Record<Tone, string> = { problem: 'rotating_light', warning: 'warning', resolved: 'white_check_mark', info: 'information_source' };

/** 5 urgent for critical, 4 high for errors, 3 default for everything else. */
export function ntfyPriority(message: NotificationMessage): number {
  if (message.action !== 'trigger') return 3;
  return message.severity === 'critical' ? 5 : message.severity === 'error' ? 4 : 3;
}

/**
 * An HTTP header value: as is when printable ASCII, else RFC 2047 encoded words (which ntfy decodes),
 * because header values are bytes and fetch refuses anything outside latin1.
 */
export function encodeHeaderValue(value: string): string {
  if (/^[\x20-\x7e]*$/.test(value) && !value.includes('=?')) return value;
  // 45 bytes of UTF-8 are 60 of base64: each word stays within the 75 characters RFC 2047 allows.
  const words: string[] = [];
  let word = '';
  for (const char of value) {
    if (word !== '' && Buffer.byteLength(word + char) > 45) {
      words.push(word);
      word = '';
    }
    word += char;
  }
  if (word !== '') words.push(word);
  return words.map((part) => `=?UTF-8?B?${Buffer.from(part).toString('base64')}?=`).join(' ');
}

export function ntfyRequest(config: NtfyConfig, message: NotificationMessage): { url: string; body: string; headers: Record<string, string> } {
  const tone = toneOf(message);
  const title = truncate(singleLine(message.title), 250);
  const link = message.url ? `\n${message.url}` : '';
  const text = message.text.trim() === '' ? title : message.text;
  const body = truncateBytes(text, Math.max(0, BODY_MAX_BYTES - Buffer.byteLength(link))) + link;
  const headers: Record<string, string> = {
    title: encodeHeaderValue(title),
    priority: String(config.priority ?? ntfyPriority(message)),
    tags: TONE_TAG[tone],
  };
  // URL.href is ASCII (punycode host, percent-encoded path), so it is always a valid header value.
  if (message.url && URL.canParse(message.url)) headers.click = new URL(message.url).href;
  if (config.token) headers.authorization = `Bearer ${config.token}`;
  return { url: joinUrl(config.serverUrl, encodeURIComponent(config.topic)), body, headers };
}

async function send(config: NtfyConfig, message: NotificationMessage, context: SendContext) {
  const request = ntfyRequest(config, message);
  return post({ ...request, contentType: 'text/plain; charset=utf-8' }, context);
}

export const ntfyChannel: ChannelDefinition<NtfyConfig> = {
  type: 'ntfy',
  label: 'ntfy',
  configSchema: ntfyConfigSchema,
  secretFields: ['token'],
  describe: (config) => `ntfy topic ${config.topic} on ${displayUrl(config.serverUrl)}`,
  send,
};
