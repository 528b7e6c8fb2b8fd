import { z } from 'zod';
import type { ChannelDefinition, NotificationMessage, SendContext } from '../types.js';
import { httpUrlSchema, joinUrl, post } from './http.js';
import { singleLine, truncate } from './text.js';

/**
 * Pushover `messages.json`, sent as a form. Both the application token and the user (or group) key
 * are secrets. Priority 2 (emergency) is left out: it needs retry/expire and acknowledgement.
 */

const KEY = /^[A-Za-z0-9]{30}$/;

export const pushoverConfigSchema = z
  .object({
    appToken: z.string().trim().regex(KEY, 'Must be the 30-character application API token'),
    userKey: z.string().trim().regex(KEY, 'Must be the 30-character user or group key'),
    apiBaseUrl: httpUrlSchema.default('https://api.pushover.net'),
    /** A fixed priority (-2 lowest … 1 high) for every message; unset = by severity. */
    priority: z.number().int().min(-2).max(1).optional(),
  })
  .strict();

export type PushoverConfig = z.infer<typeof pushoverConfigSchema>;

/** Pushover's limits. */
const TITLE_MAX = 250;
const MESSAGE_MAX = 1024;
const URL_MAX = 512;

/** 1 high for critical problems, -1 quiet for info, 0 normal otherwise. */
export function pushoverPriority(message: NotificationMessage): number {
  if (message.action === 'info') return -1;
  return message.action === 'trigger' && message.severity === 'critical' ? 1 : 0;
}

export function pushoverForm(config: PushoverConfig, message: NotificationMessage): URLSearchParams {
  const form = new URLSearchParams({
    token: config.appToken,
    user: config.userKey,
    title: truncate(singleLine(message.title), TITLE_MAX),
    message: truncate(message.text.trim() === '' ? message.title : message.text, MESSAGE_MAX),
    priority: String(config.priority ?? pushoverPriority(message)),
    timestamp: String(Math.floor(message.occurredAt / 1000)),
  });
  // A cut URL would lead nowhere: leave it out when too long.
  if (message.url && message.url.length <= URL_MAX) {
    form.set('url', message.url);
    form.set('url_title', 'Open in Watchpost');
  }
  return form;
}

async function send(config: PushoverConfig, message: NotificationMessage, context: SendContext) {
  const body = pushoverForm(config, message).toString();
  return post({ url: joinUrl(config.apiBaseUrl, '1/messages.json'), body, contentType: 'application/x-www-form-urlencoded' }, context);
}

export const pushoverChannel: ChannelDefinition<PushoverConfig> = {
  type: 'pushover',
  label: 'Pushover',
  configSchema: pushoverConfigSchema,
  secretFields: ['appToken', 'userKey'],
  describe: (config) => `Pushover user …${config.userKey.slice(-4)}`,
  send,
};
