import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { teamsChannel, teamsConfigSchema } from './teams.js';
import { startRecordingServer, testContext, testMessage, type RecordingServer } from './testing.js';

let server: RecordingServer;
beforeAll(async () => {
  server = await startRecordingServer();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const path = '/workflows/abc/triggers/manual/paths/invoke?api-version=2016-06-01&sig=secret';

describe('teams channel', () => {
  it('posts an Adaptive Card in a message envelope, as Workflows expects', async () => {
    server.answer({ status: 202, body: '' });
    const config = teamsConfigSchema.parse({ webhookUrl: `${server.url}${path}` });
    expect(await teamsChannel.send(config, testMessage(), testContext())).toEqual({ status: 202, response: '' });
    const request = server.only();
    expect(request.path).toBe(path);
    expect(JSON.parse(request.body)).toEqual({
      type: 'message',
      attachments: [
        {
          contentType: 'application/vnd.microsoft.card.adaptive',
          content: {
            $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
            type: 'AdaptiveCard',
            version: '1.2',
            body: [
              { type: 'TextBlock', text: '🔴 API is down', weight: 'Bolder', size: 'Medium', color: 'Attention', wrap: true },
              { type: 'TextBlock', text: 'GET https://api.example.com/health failed: 503 Service Unavailable', wrap: true },
              {
                type: 'FactSet',
                facts: [
                  { title: 'Status', value: '503' },
                  { title: 'Region', value: 'eu-west' },
                ],
              },
              { type: 'TextBlock', text: 'uptime · 2024-03-01T11:59:00.000Z', isSubtle: true, size: 'Small', wrap: true },
            ],
            actions: [{ type: 'Action.OpenUrl', title: 'Open in Watchpost', url: 'https://watchpost.example.com/monitors/42' }],
          },
        },
      ],
    });
  });

  it('colours recoveries good and drops empty parts', async () => {
    const config = teamsConfigSchema.parse({ webhookUrl: server.url });
    await teamsChannel.send(config, testMessage({ action: 'resolve', title: 'API is up', text: '', fields: [], url: undefined }), testContext());
    const card = (JSON.parse(server.only().body) as { attachments: Array<{ content: { body: Array<{ type: string; color?: string }>; actions?: unknown } }> }).attachments[0]!.content;
    expect(card.body.map((block) => block.type)).toEqual(['TextBlock', 'TextBlock']);
    expect(card.body[0]!.color).toBe('Good');
    expect(card.actions).toBeUndefined();
  });

  it('describes the workflow by host only', () => {
    const config = teamsConfigSchema.parse({ webhookUrl: `https://prod-12.westeurope.logic.azure.com:443${path}` });
    expect(teamsChannel.describe(config)).toBe('Teams workflow webhook (prod-12.westeurope.logic.azure.com)');
  });
});
