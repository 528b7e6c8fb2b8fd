import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pushoverChannel, pushoverConfigSchema } from './pushover.js';
import { startRecordingServer, testContext, testMessage, type RecordingServer } from './testing.js';

let server: RecordingServer;
beforeAll(async () => {
  server = await startRecordingServer();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const appToken = 'azGDORePK8gMaC0QOYAMyEEuzJnyUi';
const userKey = 'uQiRzpo4DXghDmr9QzzfQu27cmVRsG';

describe('pushover channel', () => {
  it('posts the message form to /1/messages.json', async () => {
    server.answer({ body: '{"status":1,"request":"647d2300-702c-4b38-8b2f-d56326ae460b"}' });
    const config = pushoverConfigSchema.parse({ appToken, userKey, apiBaseUrl: server.url });
    await pushoverChannel.send(config, testMessage(), testContext());
    const request = server.only();
    expect(request.path).toBe('/1/messages.json');
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(request.body))).toEqual({
      token: appToken,
      user: userKey,
      title: 'API is down',
      message: 'GET https://api.example.com/health failed: 503 Service Unavailable',
      priority: '1',
      timestamp: String((Date.UTC(2024, 2, 1, 12, 0, 0) - 60_000) / 1000),
      url: 'https://watchpost.example.com/monitors/42',
      url_title: 'Open in Watchpost',
    });
  });

  it('keeps to the field limits and uses a fixed priority when set', async () => {
    const config = pushoverConfigSchema.parse({ appToken, userKey, apiBaseUrl: server.url, priority: -1 });
    await pushoverChannel.send(config, testMessage({ title: 'T'.repeat(400), text: '😀'.repeat(1000), url: `https://example.com/${'p'.repeat(600)}` }), testContext());
    const form = new URLSearchParams(server.only().body);
    expect(form.get('title')).toHaveLength(250);
    expect(form.get('message')!.length).toBeLessThanOrEqual(1024);
    expect(form.get('message')!.endsWith('😀…')).toBe(true);
    expect(form.has('url')).toBe(false);
    expect(form.get('priority')).toBe('-1');
  });

  it('reports Pushover errors as final', async () => {
    server.answer({ status: 400, body: '{"user":"invalid","errors":["user identifier is invalid"],"status":0}' });
    const config = pushoverConfigSchema.parse({ appToken, userKey, apiBaseUrl: server.url });
    await expect(pushoverChannel.send(config, testMessage(), testContext())).rejects.toMatchObject({
      retryable: false,
      message: 'HTTP 400: user identifier is invalid',
    });
  });

  it('validates and describes without the keys', () => {
    expect(pushoverConfigSchema.safeParse({ appToken, userKey: 'short' }).success).toBe(false);
    expect(pushoverConfigSchema.safeParse({ appToken, userKey, priority: 2 }).success).toBe(false);
    const config = pushoverConfigSchema.parse({ appToken, userKey });
    expect(config.apiBaseUrl).toBe('https://api.pushover.net');
    expect(pushoverChannel.describe(config)).toBe('Pushover user …VRsG');
    expect(pushoverChannel.secretFields).toEqual(['appToken', 'userKey']);
  });
});
