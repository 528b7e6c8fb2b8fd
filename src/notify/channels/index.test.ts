import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { CHANNEL_TYPES, type ChannelType } from '../types.js';
import { CHANNELS, channelDefinition, isChannelType } from './index.js';

/** A valid configuration per channel whose secrets all contain 'SECRET'. */
const SAMPLES: Record<ChannelType, unknown> = {
  webhook: { url: 'https://example.com/hook', secret: `whsec_SECRET${'A'.repeat(38)}`, headers: { Authorization: 'Bearer SECRET' } },
  slack: { webhookUrl: 'https://hooks.slack.com/services/T0/B0/SECRETtoken' },
  discord: { webhookUrl: 'https://discord.com/api/webhooks/1/SECRETtoken' },
  teams: { webhookUrl: 'https://prod-1.westeurope.logic.azure.com/workflows/x?sig=SECRETsig' },
  email: { to: ['ops@example.com'], smtp: { host: 'smtp.example.com', port: 587, security: 'starttls', user: 'mailer', password: 'SECRETpw', from: 'alerts@example.com' } },
  telegram: { botToken: '123456:SECRETtoken', chatId: '-100200' },
  pagerduty: { routingKey: `SECRET${'a'.repeat(26)}` },
  ntfy: { topic: 'alerts', token: 'tk_SECRET' },
  pushover: { appToken: `SECRET${'a'.repeat(24)}`, userKey: `SECRET${'b'.repeat(24)}` },
};

describe('channel registry', () => {
  it('has one definition per channel type, under its own type', () => {
    expect(Object.keys(CHANNELS).sort()).toEqual([...CHANNEL_TYPES].sort());
    for (const type of CHANNEL_TYPES) {
      expect(channelDefinition(type).type).toBe(type);
      expect(channelDefinition(type).label).not.toBe('');
    }
    expect(isChannelType('slack')).toBe(true);
    expect(isChannelType('carrier-pigeon')).toBe(false);
  });

  it('names only real top-level fields as secret, and never describes a secret', () => {
    for (const type of CHANNEL_TYPES) {
      const definition = CHANNELS[type];
      const schema = definition.configSchema;
      expect(schema, type).toBeInstanceOf(z.ZodObject);
      const keys = Object.keys((schema as z.ZodObject).shape);
      for (const field of definition.secretFields) expect(keys, `${type}.${field}`).toContain(field);
      const config: unknown = schema.parse(SAMPLES[type]);
      const description = definition.describe(config);
      expect(description, type).not.toMatch(/SECRET/);
      expect(description.length, type).toBeGreaterThan(5);
    }
  });

  it('rejects unknown fields and non-http URLs everywhere', () => {
    for (const type of CHANNEL_TYPES) {
      const sample = SAMPLES[type] as Record<string, unknown>;
      expect(CHANNELS[type].configSchema.safeParse({ ...sample, unexpected: true }).success, type).toBe(false);
      for (const key of ['url', 'webhookUrl', 'apiBaseUrl', 'serverUrl']) {
        if (key in (CHANNELS[type].configSchema as z.ZodObject).shape) {
          expect(CHANNELS[type].configSchema.safeParse({ ...sample, [key]: 'file:///etc/passwd' }).success, `${type}.${key}`).toBe(false);
        }
      }
    }
  });
});
