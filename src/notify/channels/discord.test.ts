import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { discordChannel, discordConfigSchema } from './discord.js';
import { startRecordingServer, testContext, testMessage, type RecordingServer } from './testing.js';

let server: RecordingServer;
beforeAll(async () => {
  server = await startRecordingServer();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

interface Embed {
  title: string;
  description?: string;
  color: number;
  fields?: Array<{ name: string; value: string; inline: boolean }>;
  footer: { text: string };
}

async function sent(overrides: Parameters<typeof testMessage>[0] = {}, username?: string) {
  const config = discordConfigSchema.parse({ webhookUrl: `${server.url}/api/webhooks/123/token?thread_id=9`, username });
  server.reset();
  await discordChannel.send(config, testMessage(overrides), testContext());
  return JSON.parse(server.only().body) as { content: string; username: string; embeds: Embed[] };
}

describe('discord channel', () => {
  it('posts one embed and waits for the created message', async () => {
    server.answer({ status: 200, body: '{"id":"1","type":0}' });
    const config = discordConfigSchema.parse({ webhookUrl: `${server.url}/api/webhooks/123/token?thread_id=9`, username: 'Ops bot' });
    const result = await discordChannel.send(config, testMessage(), testContext());
    expect(result).toEqual({ status: 200, response: '{"id":"1","type":0}' });
    const request = server.only();
    expect(request.path).toBe('/api/webhooks/123/token?thread_id=9&wait=true');
    expect(JSON.parse(request.body)).toEqual({
      content: '🔴 API is down',
      username: 'Ops bot',
      allowed_mentions: { parse: [] },
      embeds: [
        {
          title: 'API is down',
          description: 'GET https://api.example.com/health failed: 503 Service Unavailable',
          url: 'https://watchpost.example.com/monitors/42',
          color: 0xd92d20,
          fields: [
            { name: 'Status', value: '503', inline: true },
            { name: 'Region', value: 'eu-west', inline: true },
          ],
          timestamp: '2024-03-01T11:59:00.000Z',
          footer: { text: 'Watchpost · uptime' },
        },
      ],
    });
  });

  it('is green for recoveries and grey for info', async () => {
    expect((await sent({ action: 'resolve' })).embeds[0]!.color).toBe(0x12b76a);
    expect((await sent({ action: 'info' })).embeds[0]!.color).toBe(0x98a2b3);
    expect((await sent()).username).toBe('Watchpost');
  });

  it('keeps to the embed limits, including 6000 characters in all', async () => {
    const fields = Array.from({ length: 30 }, (_, i) => ({ name: `N${i}`.padEnd(300, 'n'), value: 'v'.repeat(2000) }));
    const payload = await sent({ title: 'T'.repeat(500), text: 'x'.repeat(10_000), fields: [{ name: 'Empty', value: '' }, ...fields] });
    const embed = payload.embeds[0]!;
    expect(embed.title).toHaveLength(256);
    expect(embed.fields!.length).toBeLessThanOrEqual(25);
    expect(embed.fields![0]).toEqual({ name: 'Empty', value: '\u200b', inline: true });
    for (const field of embed.fields!) {
      expect(field.name.length).toBeLessThanOrEqual(256);
      expect(field.value.length).toBeLessThanOrEqual(1024);
    }
    const total = embed.title.length + (embed.description?.length ?? 0) + embed.footer.text.length + embed.fields!.reduce((n, f) => n + f.name.length + f.value.length, 0);
    expect(total).toBeLessThanOrEqual(6000);
    expect(payload.content.length).toBeLessThanOrEqual(2000);
    const long = await sent({ text: 'y'.repeat(5000), fields: [] });
    expect(long.embeds[0]!.description).toHaveLength(4096);
  });

  it('describes the webhook by host only', () => {
    const config = discordConfigSchema.parse({ webhookUrl: 'https://discord.com/api/webhooks/123/secret' });
    expect(discordChannel.describe(config)).toBe('Discord webhook (discord.com)');
    expect(discordChannel.secretFields).toEqual(['webhookUrl']);
  });
});
