import { z } from 'zod';
import type { ChannelDefinition, NotificationMessage, SendContext } from '../types.js';
import { httpUrlSchema, postJson, urlHost } from './http.js';
import { TONE_COLOUR, headline, isoTime, messageFields, singleLine, toneOf, truncate } from './text.js';

/**
 * Discord channel webhook with one embed. The webhook URL embeds its token, so it is the secret.
 * `?wait=true` makes Discord answer 200 with the created message instead of an empty 204.
 */

export const discordConfigSchema = z
  .object({
    webhookUrl: httpUrlSchema,
    /** Overrides the webhook's own name for these messages. */
    username: z.string().trim().min(1).max(80).optional(),
  })
  .strict();

export type DiscordConfig = z.infer<typeof discordConfigSchema>;

/** Discord's limits; all text of all embeds together may not pass 6000 characters. */
const CONTENT_MAX = 2000;
const TITLE_MAX = 256;
const DESCRIPTION_MAX = 4096;
const FIELDS_MAX = 25;
const FIELD_NAME_MAX = 256;
const FIELD_VALUE_MAX = 1024;
const EMBED_TOTAL_MAX = 6000;
/** Discord rejects empty field names and values; a zero-width space renders as blank. */
const BLANK = '\u200b';

export function discordPayload(message: NotificationMessage, username = 'Watchpost'): Record<string, unknown> {
  const title = truncate(singleLine(message.title), TITLE_MAX);
  const footer = truncate(`Watchpost · ${message.source}`, 200);
  const fields = messageFields(message)
    .slice(0, FIELDS_MAX)
    .map((field) => ({ name: truncate(field.name, FIELD_NAME_MAX) || BLANK, value: truncate(field.value, FIELD_VALUE_MAX) || BLANK, inline: true }));
  // Keep the total under 6000: drop trailing fields first, then shorten the description.
  const fixed = () => title.length + footer.length + fields.reduce((sum, field) => sum + field.name.length + field.value.length, 0);
  while (fields.length > 0 && fixed() > EMBED_TOTAL_MAX - 500) fields.pop();
  const description = truncate(message.text, Math.min(DESCRIPTION_MAX, EMBED_TOTAL_MAX - fixed()));
  const embed: Record<string, unknown> = { title, color: TONE_COLOUR[toneOf(message)], timestamp: isoTime(message.occurredAt), footer: { text: footer } };
  if (description.trim() !== '') embed.description = description;
  if (message.url) embed.url = message.url;
  if (fields.length > 0) embed.fields = fields;
  return {
    content: truncate(headline(message), CONTENT_MAX),
    username,
    // Titles and texts can quote user input (an error message saying "@everyone"): never ping anyone.
    allowed_mentions: { parse: [] },
    embeds: [embed],
  };
}

function waitUrl(webhookUrl: string): string {
  const url = new URL(webhookUrl);
  url.searchParams.set('wait', 'true');
  return url.toString();
}

async function send(config: DiscordConfig, message: NotificationMessage, context: SendContext) {
  return postJson(waitUrl(config.webhookUrl), discordPayload(message, config.username), context);
}

export const discordChannel: ChannelDefinition<DiscordConfig> = {
  type: 'discord',
  label: 'Discord',
  configSchema: discordConfigSchema,
  secretFields: ['webhookUrl'],
  describe: (config) => `Discord webhook (${urlHost(config.webhookUrl)})${config.username ? ` as ${config.username}` : ''}`,
  send,
};
