import { z } from 'zod';
import type { ChannelDefinition, NotificationMessage, SendContext } from '../types.js';
import { httpUrlSchema, postJson, urlHost } from './http.js';
import { escapeSlack, headline, isoTime, messageFields, truncate, truncateEscaped } from './text.js';

/**
 * Slack incoming webhook, rendered with Block Kit. The webhook URL embeds its token, so it is the
 * secret. Slack answers 200 "ok"; its errors (404 no_service, 403 invalid_token, 410
 * channel_is_archived) are final and follow the shared status mapping.
 */

export const slackConfigSchema = z.object({ webhookUrl: httpUrlSchema }).strict();

export type SlackConfig = z.infer<typeof slackConfigSchema>;

/** Block Kit limits: header text 150, section text 3000, 10 fields of 2000, button URL 3000. */
const HEADER_MAX = 150;
const SECTION_MAX = 3000;
const FIELDS_MAX = 10;
const FIELD_MAX = 2000;
const URL_MAX = 3000;

/** `{ text, blocks }`: `text` is the fallback shown in notifications and by clients without blocks. */
export function slackPayload(message: NotificationMessage): Record<string, unknown> {
  const title = headline(message);
  const blocks: unknown[] = [{ type: 'header', text: { type: 'plain_text', text: truncate(title, HEADER_MAX), emoji: true } }];
  if (message.text.trim() !== '') {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: truncateEscaped(message.text, SECTION_MAX, escapeSlack) } });
  }
  const fields = messageFields(message).slice(0, FIELDS_MAX);
  if (fields.length > 0) {
    blocks.push({
      type: 'section',
      fields: fields.map((field) => ({ type: 'mrkdwn', text: `*${truncateEscaped(field.name, 200, escapeSlack)}*\n${truncateEscaped(field.value, FIELD_MAX - 210, escapeSlack)}` })),
    });
  }
  const seconds = Math.floor(message.occurredAt / 1000);
  // <!date^…> shows the time in each reader's own timezone; the text after | is the fallback.
  const time = `<!date^${seconds}^{date_short_pretty} {time}|${isoTime(message.occurredAt)}>`;
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `${escapeSlack(message.source)} · ${time}` }] });
  if (message.url && message.url.length <= URL_MAX) {
    blocks.push({
      type: 'actions',
      elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open in Watchpost', emoji: true }, url: message.url }],
    });
  }
  return { text: truncateEscaped(title, SECTION_MAX, escapeSlack), blocks };
}

async function send(config: SlackConfig, message: NotificationMessage, context: SendContext) {
  return postJson(config.webhookUrl, slackPayload(message), context);
}

export const slackChannel: ChannelDefinition<SlackConfig> = {
  type: 'slack',
  label: 'Slack',
  configSchema: slackConfigSchema,
  secretFields: ['webhookUrl'],
  describe: (config) => `Slack incoming webhook (${urlHost(config.webhookUrl)})`,
  send,
};
