import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DeliveryError } from '../types.js';
import { slackChannel, slackConfigSchema } from './slack.js';
import { startRecordingServer, testContext, testMessage, type RecordingServer } from './testing.js';

let server: RecordingServer;
beforeAll(async () => {
  server = await startRecordingServer();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

interface Block {
  type: string;
  text?: { type: string; text: string };
  fields?: Array<{ type: string; text: string }>;
  elements?: unknown[];
}

async function sent(overrides: Parameters<typeof testMessage>[0] = {}): Promise<{ text: string; blocks: Block[] }> {
  const config = slackConfigSchema.parse({ webhookUrl: `${server.url}/services/T000/B000/XXXX` });
  server.reset();
  await slackChannel.send(config, testMessage(overrides), testContext());
  return JSON.parse(server.only().body) as { text: string; blocks: Block[] };
}

describe('slack channel', () => {
  it('posts Block Kit: header, text, fields, context and a button', async () => {
    const payload = await sent({ text: 'Body with <b> & "quotes"' });
    expect(server.only().path).toBe('/services/T000/B000/XXXX');
    expect(payload).toEqual({
      text: '🔴 API is down',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: '🔴 API is down', emoji: true } },
        { type: 'section', text: { type: 'mrkdwn', text: 'Body with &lt;b&gt; &amp; "quotes"' } },
        {
          type: 'section',
          fields: [
            { type: 'mrkdwn', text: '*Status*\n503' },
            { type: 'mrkdwn', text: '*Region*\neu-west' },
          ],
        },
        { type: 'context', elements: [{ type: 'mrkdwn', text: 'uptime · <!date^1709294340^{date_short_pretty} {time}|2024-03-01T11:59:00.000Z>' }] },
        {
          type: 'actions',
          elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open in Watchpost', emoji: true }, url: 'https://watchpost.example.com/monitors/42' }],
        },
      ],
    });
  });

  it('marks recoveries and info, and leaves out what the message lacks', async () => {
    const resolved = await sent({ action: 'resolve', title: 'API is up', text: '', fields: [], url: undefined });
    expect(resolved.blocks.map((block) => block.type)).toEqual(['header', 'context']);
    expect(resolved.blocks[0]!.text!.text).toBe('✅ API is up');
    expect((await sent({ severity: 'warning' })).text).toBe('🟠 API is down');
    expect((await sent({ action: 'info', title: 'Test' })).text).toBe('ℹ️ Test');
  });

  it('keeps to Block Kit limits', async () => {
    const fields = Array.from({ length: 12 }, (_, i) => ({ name: `F${i}`, value: 'v'.repeat(3000) }));
    const payload = await sent({ title: 'T'.repeat(300), text: '&'.repeat(5000), fields });
    const [header, section, fieldSection] = payload.blocks;
    expect(header!.text!.text).toHaveLength(150);
    expect(section!.text!.text.length).toBeLessThanOrEqual(3000);
    // Cut before escaping: no half '&amp;' at the end.
    expect(section!.text!.text).toMatch(/^(&amp;)+…$/);
    expect(fieldSection!.fields).toHaveLength(10);
    expect(fieldSection!.fields!.every((field) => field.text.length <= 2000)).toBe(true);
  });

  it("treats Slack's 404 no_service as final", async () => {
    server.answer({ status: 404, body: 'no_service' });
    const config = slackConfigSchema.parse({ webhookUrl: server.url });
    const error = await slackChannel.send(config, testMessage(), testContext()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error).toMatchObject({ retryable: false, status: 404, message: 'HTTP 404: no_service' });
  });

  it('keeps the webhook URL secret and shows only its host', () => {
    const config = slackConfigSchema.parse({ webhookUrl: 'https://hooks.slack.com/services/T000/B000/secret-token' });
    expect(slackChannel.describe(config)).toBe('Slack incoming webhook (hooks.slack.com)');
    expect(slackChannel.secretFields).toEqual(['webhookUrl']);
    expect(slackConfigSchema.safeParse({ webhookUrl: 'javascript:alert(1)' }).success).toBe(false);
  });
});
