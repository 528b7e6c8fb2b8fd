import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pagerdutyChannel, pagerdutyConfigSchema } from './pagerduty.js';
import { startRecordingServer, testContext, testMessage, type RecordingServer } from './testing.js';

let server: RecordingServer;
beforeAll(async () => {
  server = await startRecordingServer();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const routingKey = 'e93facc04764012d7bfb002500d5d1a6';
const accepted = '{"status":"success","message":"Event processed","dedup_key":"monitor:42"}';

describe('pagerduty channel', () => {
  it('triggers and resolves the same incident through one dedup_key', async () => {
    server.answer({ status: 202, body: accepted });
    const config = pagerdutyConfigSchema.parse({ routingKey, apiBaseUrl: server.url });
    expect(await pagerdutyChannel.send(config, testMessage(), testContext())).toEqual({ status: 202, response: accepted });
    await pagerdutyChannel.send(config, testMessage({ action: 'resolve', title: 'API is up' }), testContext());

    const [trigger, resolve] = server.requests;
    expect(trigger!.path).toBe('/v2/enqueue');
    expect(JSON.parse(trigger!.body)).toEqual({
      routing_key: routingKey,
      event_action: 'trigger',
      dedup_key: 'monitor:42',
      payload: {
        summary: 'API is down',
        source: 'watchpost',
        severity: 'critical',
        timestamp: '2024-03-01T11:59:00.000Z',
        component: 'uptime',
        class: 'monitor.down',
        custom_details: { text: 'GET https://api.example.com/health failed: 503 Service Unavailable', Status: '503', Region: 'eu-west', monitorId: 42 },
      },
      links: [{ href: 'https://watchpost.example.com/monitors/42', text: 'Open in Watchpost' }],
      client: 'Watchpost',
    });
    expect(JSON.parse(resolve!.body)).toEqual({ routing_key: routingKey, event_action: 'resolve', dedup_key: 'monitor:42' });
  });

  it('sends info messages as info triggers and keeps to the field limits', async () => {
    const config = pagerdutyConfigSchema.parse({ routingKey, apiBaseUrl: server.url });
    const longKey = `deploy:${'x'.repeat(300)}`;
    await pagerdutyChannel.send(config, testMessage({ action: 'info', severity: 'error', title: 'S'.repeat(2000), dedupKey: longKey }), testContext());
    await pagerdutyChannel.send(config, testMessage({ action: 'resolve', dedupKey: longKey }), testContext());
    const [info, resolve] = server.requests.map((request) => JSON.parse(request.body) as { dedup_key: string; payload?: { severity: string; summary: string } });
    expect(info!.payload!.severity).toBe('info');
    expect(info!.payload!.summary).toHaveLength(1024);
    expect(info!.dedup_key.length).toBeLessThanOrEqual(255);
    expect(resolve!.dedup_key).toBe(info!.dedup_key);
  });

  it('validates the key and describes it by its last four characters', () => {
    expect(pagerdutyConfigSchema.safeParse({ routingKey: 'short' }).success).toBe(false);
    const config = pagerdutyConfigSchema.parse({ routingKey });
    expect(config.apiBaseUrl).toBe('https://events.pagerduty.com');
    expect(pagerdutyChannel.describe(config)).toBe('PagerDuty routing key …d1a6');
    const eu = pagerdutyConfigSchema.parse({ routingKey, apiBaseUrl: 'https://events.eu.pagerduty.com' });
    expect(pagerdutyChannel.describe(eu)).toBe('PagerDuty routing key …d1a6 (events.eu.pagerduty.com)');
    expect(pagerdutyChannel.secretFields).toEqual(['routingKey']);
  });
});
