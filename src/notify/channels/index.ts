import { CHANNEL_TYPES, type ChannelDefinition, type ChannelType } from '../types.js';
import { discordChannel } from './discord.js';
import { emailChannel } from './email.js';
import { ntfyChannel } from './ntfy.js';
import { pagerdutyChannel } from './pagerduty.js';
import { pushoverChannel } from './pushover.js';
import { slackChannel } from './slack.js';
import { teamsChannel } from './teams.js';
import { telegramChannel } from './telegram.js';
import { webhookChannel } from './webhook.js';

/**
 * Each channel's config has its own type; callers hold configs only as validated by that
 * channel's `configSchema`, so the registry erases the type parameter.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above: one registry over nine config types
export type AnyChannelDefinition = ChannelDefinition<any>;

/** Every notification channel type, by type. Adding a channel = adding a file and a line here. */
export const CHANNELS: Record<ChannelType, AnyChannelDefinition> = {
  webhook: webhookChannel,
  slack: slackChannel,
  discord: discordChannel,
  teams: teamsChannel,
  email: emailChannel,
  telegram: telegramChannel,
  pagerduty: pagerdutyChannel,
  ntfy: ntfyChannel,
  pushover: pushoverChannel,
};

/** The definition of one channel type. */
export function channelDefinition(type: ChannelType): AnyChannelDefinition {
  return CHANNELS[type];
}

export function isChannelType(value: string): value is ChannelType {
  return (CHANNEL_TYPES as readonly string[]).includes(value);
}

export { generateWebhookSecret, verifyStandardWebhook } from './webhook.js';
