import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateWebhookSecret, verifyStandardWebhook, webhookChannel, webhookConfigSchema } from './webhook.js';
import { startRecordingServer, testContext, testMessage, TEST_NOW, type RecordingServer } from './testing.js';

let server: RecordingServer;
beforeAll(async () => {
  server = await startRecordingServer();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const secret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;

describe('webhook channel', () => {
  it('posts the Standard Webhooks envelope, signed so a receiver can verify it', async () => {
    const config = webhookConfigSchema.parse({ url: `${server.url}/hooks/watchpost`, secret, headers: { Authorization: 'Bearer abc' } });
    const message = testMessage();
    const result = await webhookChannel.send(config, message, testContext());
    expect(result).toEqual({ status: 200, response: 'ok' });

    const request = server.only();
    expect(request.path).toBe('/hooks/watchpost');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers.authorization).toBe('Bearer abc');
    expect(request.headers['webhook-id']).toBe(testContext().deliveryId);
    expect(request.headers['webhook-timestamp']).toBe(String(TEST_NOW / 1000));
    expect(JSON.parse(request.body)).toEqual({
      type: 'monitor.down',
      timestamp: '2024-03-01T11:59:00.000Z',
      data: {
        source: 'uptime',
        action: 'trigger',
        dedupKey: 'monitor:42',
        severity: 'critical',
        title: 'API is down',
        text: message.text,
        url: 'https://watchpost.example.com/monitors/42',
        fields: [
          { name: 'Status', value: '503' },
          { name: 'Region', value: 'eu-west' },
        ],
        occurredAt: '2024-03-01T11:59:00.000Z',
        monitorId: 42,
      },
    });

    // Recompute the signature by the spec, independently of the channel's code.
    const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
    const signed = `${String(request.headers['webhook-id'])}.${String(request.headers['webhook-timestamp'])}.${request.body}`;
    expect(request.headers['webhook-signature']).toBe(`v1,${createHmac('sha256', key).update(signed).digest('base64')}`);

    expect(verifyStandardWebhook(secret, request.headers, request.body, { now: TEST_NOW })).toBe(true);
    expect(verifyStandardWebhook(secret, new Headers(request.headers as Record<string, string>), request.body, { now: TEST_NOW })).toBe(true);
    expect(verifyStandardWebhook(secret, request.headers, request.body.replace('critical', 'info'), { now: TEST_NOW })).toBe(false);
    expect(verifyStandardWebhook(generateWebhookSecret(), request.headers, request.body, { now: TEST_NOW })).toBe(false);
    // Replays outside the five-minute tolerance are refused.
    expect(verifyStandardWebhook(secret, request.headers, request.body, { now: TEST_NOW + 10 * 60_000 })).toBe(false);
    // Several signatures (during a secret rotation): any one may match.
    const rotated = { ...request.headers, 'webhook-signature': `v1,bm90IHRoaXMgb25l ${String(request.headers['webhook-signature'])}` };
    expect(verifyStandardWebhook(secret, rotated, request.body, { now: TEST_NOW })).toBe(true);
  });

  it('lets message data add machine-readable fields', async () => {
    const config = webhookConfigSchema.parse({ url: server.url, secret });
    await webhookChannel.send(config, testMessage({ url: undefined, fields: undefined, data: { issueId: 'abc', count: 3 } }), testContext());
    const { data } = JSON.parse(server.only().body) as { data: Record<string, unknown> };
    expect(data).toMatchObject({ url: null, fields: [], issueId: 'abc', count: 3 });
  });

  it('validates the configuration', () => {
    expect(webhookConfigSchema.safeParse({ url: 'https://example.com/hook' }).success).toBe(true);
    expect(webhookConfigSchema.safeParse({ url: 'ftp://example.com/hook' }).success).toBe(false);
    expect(webhookConfigSchema.safeParse({ url: 'https://example.com', extra: 1 }).success).toBe(false);
    expect(webhookConfigSchema.safeParse({ url: 'https://example.com', secret: 'not-a-secret' }).success).toBe(false);
    expect(webhookConfigSchema.safeParse({ url: 'https://example.com', secret: 'whsec_c2hvcnQ=' }).success).toBe(false);
    expect(webhookConfigSchema.safeParse({ url: 'https://example.com', secret: generateWebhookSecret() }).success).toBe(true);
    expect(webhookConfigSchema.safeParse({ url: 'https://example.com', headers: { 'Webhook-Signature': 'x' } }).success).toBe(false);
    expect(webhookConfigSchema.safeParse({ url: 'https://example.com', headers: { 'X-Bad': 'line\r\nbreak' } }).success).toBe(false);
    const many = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`x-h${i}`, 'v']));
    expect(webhookConfigSchema.safeParse({ url: 'https://example.com', headers: many }).success).toBe(false);
  });

  it('describes the target without its query, and refuses credentials in the (non-secret) URL', () => {
    const config = webhookConfigSchema.parse({ url: 'https://example.com/hook?token=s3cret', secret });
    expect(webhookChannel.describe(config)).toBe('Signed webhook to https://example.com/hook');
    expect(webhookConfigSchema.safeParse({ url: 'https://user:pw@example.com/hook', secret }).success).toBe(false);
    expect(webhookChannel.secretFields).toEqual(['secret', 'headers']);
  });
});
