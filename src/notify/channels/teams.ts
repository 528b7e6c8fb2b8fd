import { z } from 'zod';
import type { ChannelDefinition, NotificationMessage, SendContext } from '../types.js';
import { httpUrlSchema, postJson, urlHost } from './http.js';
import { type Tone, headline, isoTime, messageFields, toneOf, truncate } from './text.js';

/**
 * Microsoft Teams through a Workflows webhook ("Post to a channel when a webhook request is
 * received"), which takes an Adaptive Card in a message envelope and answers 202. The URL carries
 * its signature (`sig=`), so it is the secret. Legacy Office 365 connectors are retired.
 */

export const teamsConfigSchema = z.object({ webhookUrl: httpUrlSchema }).strict();

export type TeamsConfig = z.infer<typeof teamsConfigSchema>;

const TITLE_MAX = 256;
/** Teams rejects messages over about 28 KB; these keep a card well below it. */
const TEXT_MAX = 4000;
const FACTS_MAX = 20;
const FACT_TITLE_MAX = 100;
const FACT_VALUE_MAX = 500;

const TITLE_COLOUR: Record<Tone, string> = { problem: 'Attention', warning: 'Warning', resolved: 'Good', info: 'Default' };

export function teamsPayload(message: NotificationMessage): Record<string, unknown> {
  const body: unknown[] = [
    { type: 'TextBlock', text: truncate(headline(message), TITLE_MAX), weight: 'Bolder', size: 'Medium', color: TITLE_COLOUR[toneOf(message)], wrap: true },
  ];
  if (message.text.trim() !== '') body.push({ type: 'TextBlock', text: truncate(message.text, TEXT_MAX), wrap: true });
  const facts = messageFields(message)
    .slice(0, FACTS_MAX)
    .map((field) => ({ title: truncate(field.name, FACT_TITLE_MAX), value: truncate(field.value, FACT_VALUE_MAX) }));
  if (facts.length > 0) body.push({ type: 'FactSet', facts });
  body.push({ type: 'TextBlock', text: `${message.source} · ${isoTime(message.occurredAt)}`, isSubtle: true, size: 'Small', wrap: true });
  const card: Record<string, unknown> = {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: '1.2',
    body,
  };
  if (message.url) card.actions = [{ type: 'Action.OpenUrl', title: 'Open in Watchpost', url: message.url }];
  return { type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: card }] };
}

async function send(config: TeamsConfig, message: NotificationMessage, context: SendContext) {
  return postJson(config.webhookUrl, teamsPayload(message), context);
}

export const teamsChannel: ChannelDefinition<TeamsConfig> = {
  type: 'teams',
  label: 'Microsoft Teams',
  configSchema: teamsConfigSchema,
  secretFields: ['webhookUrl'],
  describe: (config) => `Teams workflow webhook (${urlHost(config.webhookUrl)})`,
  send,
};
