import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { encodeHeaderValue, ntfyChannel, ntfyConfigSchema } from './ntfy.js';
import { startRecordingServer, testContext, testMessage, type RecordingServer } from './testing.js';

let server: RecordingServer;
beforeAll(async () => {
  server = await startRecordingServer();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

/** Decodes RFC 2047 B-encoded words the way ntfy (Go's mime.WordDecoder) does. */
function decodeWords(value: string): string {
  const words = value.split(' ').map((word) => {
    const match = /^=\?UTF-8\?B\?([A-Za-z0-9+/=]+)\?=$/.exec(word);
    if (!match) throw new Error(`Not an encoded word: ${word}`);
    return Buffer.from(match[1]!, 'base64');
  });
  return Buffer.concat(words).toString('utf8');
}

describe('ntfy channel', () => {
  it('posts the text with Title, Priority, Tags, Click and the token', async () => {
    server.answer({ body: '{"id":"abc","event":"message"}' });
    const config = ntfyConfigSchema.parse({ serverUrl: `${server.url}/ntfy/`, topic: 'wp-alerts_1', token: 'tk_secret' });
    await ntfyChannel.send(config, testMessage(), testContext());
    const request = server.only();
    expect(request.path).toBe('/ntfy/wp-alerts_1');
    expect(request.body).toBe('GET https://api.example.com/health failed: 503 Service Unavailable\nhttps://watchpost.example.com/monitors/42');
    expect(request.headers).toMatchObject({
      title: 'API is down',
      priority: '5',
      tags: 'rotating_light',
      click: 'https://watchpost.example.com/monitors/42',
      authorization: 'Bearer tk_secret',
      'content-type': 'text/plain; charset=utf-8',
    });
  });

  it('encodes a non-ASCII title as RFC 2047 words', async () => {
    const config = ntfyConfigSchema.parse({ serverUrl: server.url, topic: 'alerts' });
    const title = 'Sauvegarde échouée 🔥 — base de données « prod » indisponible depuis 5 minutes';
    await ntfyChannel.send(config, testMessage({ title, action: 'resolve', url: undefined }), testContext());
    const request = server.only();
    const header = String(request.headers.title);
    expect(header).toMatch(/^[\x20-\x7e]+$/);
    expect(header.split(' ').every((word) => word.length <= 75)).toBe(true);
    expect(decodeWords(header)).toBe(title);
    expect(request.headers).toMatchObject({ priority: '3', tags: 'white_check_mark' });
    expect(request.headers.click).toBeUndefined();
    expect(request.headers.authorization).toBeUndefined();
    // ASCII stays readable.
    expect(encodeHeaderValue('Plain title')).toBe('Plain title');
  });

  it('maps severity to priority unless the channel fixes one, and caps the body at 4096 bytes', async () => {
    const config = ntfyConfigSchema.parse({ serverUrl: server.url, topic: 'alerts' });
    await ntfyChannel.send(config, testMessage({ severity: 'error' }), testContext());
    await ntfyChannel.send(config, testMessage({ severity: 'warning', text: 'é'.repeat(5000) }), testContext());
    await ntfyChannel.send({ ...config, priority: 2 }, testMessage({ severity: 'critical' }), testContext());
    const [error, warning, fixed] = server.requests;
    expect(error!.headers.priority).toBe('4');
    expect(warning!.headers).toMatchObject({ priority: '3', tags: 'warning' });
    expect(Buffer.byteLength(warning!.body)).toBeLessThanOrEqual(4096);
    expect(warning!.body.endsWith('…\nhttps://watchpost.example.com/monitors/42')).toBe(true);
    expect(fixed!.headers.priority).toBe('2');
  });

  it('validates and describes', () => {
    expect(ntfyConfigSchema.parse({ topic: 'alerts' }).serverUrl).toBe('https://ntfy.sh');
    expect(ntfyConfigSchema.safeParse({ topic: 'a/b' }).success).toBe(false);
    expect(ntfyConfigSchema.safeParse({ topic: 'alerts', priority: 6 }).success).toBe(false);
    const config = ntfyConfigSchema.parse({ topic: 'alerts', token: 'tk_secret' });
    expect(ntfyChannel.describe(config)).toBe('ntfy topic alerts on https://ntfy.sh');
    expect(ntfyChannel.secretFields).toEqual(['token']);
  });
});
