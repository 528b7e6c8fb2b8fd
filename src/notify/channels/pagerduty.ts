import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { ChannelDefinition, NotificationMessage, SendContext, Severity } from '../types.js';
import { httpUrlSchema, joinUrl, postJson, urlHost } from './http.js';
import { isoTime, messageFields, singleLine, truncate } from './text.js';

/**
 * PagerDuty Events API v2. A trigger opens (or adds to) the incident of its dedup_key, a resolve
 * closes it, so trigger and resolve of one problem must send the same key. PagerDuty answers 202.
 */

const DEFAULT_API = 'https://events.pagerduty.com';

export const pagerdutyConfigSchema = z
  .object({
    /** The integration (routing) key of an Events API v2 integration or event orchestration. */
    routingKey: z.string().trim().regex(/^[A-Za-z0-9]{32}$/, 'Must be the 32-character integration key'),
    /** https://events.eu.pagerduty.com for accounts in the EU service region. */
    apiBaseUrl: httpUrlSchema.default(DEFAULT_API),
  })
  .strict();

export type PagerdutyConfig = z.infer<typeof pagerdutyConfigSchema>;

const SUMMARY_MAX = 1024;
const DEDUP_KEY_MAX = 255;

/** The message's dedupKey, or its hash when longer than PagerDuty allows (cutting could merge two problems). */
export function pagerdutyDedupKey(dedupKey: string): string {
  return dedupKey.length <= DEDUP_KEY_MAX ? dedupKey : `sha256:${createHash('sha256').update(dedupKey).digest('hex')}`;
}

export function pagerdutyEvent(routingKey: string, message: NotificationMessage): Record<string, unknown> {
  const dedupKey = pagerdutyDedupKey(message.dedupKey);
  if (message.action === 'resolve') return { routing_key: routingKey, event_action: 'resolve', dedup_key: dedupKey };
  const severity: Severity = message.action === 'info' ? 'info' : message.severity;
  // fromEntries defines keys (a '__proto__' in data stays a plain key); later entries win.
  const details = Object.fromEntries([
    ...(message.text.trim() === '' ? [] : [['text', message.text] as const]),
    ...messageFields(message).map((field) => [field.name, field.value] as const),
    ...Object.entries(message.data ?? {}),
  ]);
  const event: Record<string, unknown> = {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key: dedupKey,
    payload: {
      summary: truncate(singleLine(message.title), SUMMARY_MAX) || message.event,
      source: 'watchpost',
      severity,
      timestamp: isoTime(message.occurredAt),
      component: message.source,
      class: message.event,
      custom_details: details,
    },
    client: 'Watchpost',
  };
  if (message.url) event.links = [{ href: message.url, text: 'Open in Watchpost' }];
  return event;
}

async function send(config: PagerdutyConfig, message: NotificationMessage, context: SendContext) {
  return postJson(joinUrl(config.apiBaseUrl, 'v2/enqueue'), pagerdutyEvent(config.routingKey, message), context);
}

export const pagerdutyChannel: ChannelDefinition<PagerdutyConfig> = {
  type: 'pagerduty',
  label: 'PagerDuty',
  configSchema: pagerdutyConfigSchema,
  secretFields: ['routingKey'],
  describe: (config) => {
    const region = config.apiBaseUrl === DEFAULT_API ? '' : ` (${urlHost(config.apiBaseUrl)})`;
    return `PagerDuty routing key …${config.routingKey.slice(-4)}${region}`;
  },
  send,
};
