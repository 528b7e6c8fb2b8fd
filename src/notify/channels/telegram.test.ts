import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { telegramChannel, telegramConfigSchema } from './telegram.js';
import { startRecordingServer, testContext, testMessage, type RecordingServer } from './testing.js';

let server: RecordingServer;
beforeAll(async () => {
  server = await startRecordingServer();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const botToken = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';

/** What Telegram counts against its 4096 limit: the text with tags removed and entities decoded. */
function parsedLength(html: string): number {
  return html
    .replace(/<[^>]+>/g, '')
    .replace(/&(lt|gt|amp|quot|#39);/g, '_').length;
}

describe('telegram channel', () => {
  it('calls sendMessage with the token in the path and HTML-formatted text', async () => {
    server.answer({ body: '{"ok":true,"result":{"message_id":7}}' });
    const config = telegramConfigSchema.parse({ botToken, chatId: -1001234567890, apiBaseUrl: `${server.url}/` });
    const result = await telegramChannel.send(config, testMessage({ text: 'Error: <script>alert("x")</script> & more' }), testContext());
    expect(result.response).toBe('{"ok":true,"result":{"message_id":7}}');
    const request = server.only();
    expect(request.path).toBe(`/bot${botToken}/sendMessage`);
    expect(JSON.parse(request.body)).toEqual({
      chat_id: '-1001234567890',
      parse_mode: 'HTML',
      disable_web_page_preview: true,
      text: [
        '<b>🔴 API is down</b>',
        'Error: &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more',
        '',
        '<b>Status:</b> 503',
        '<b>Region:</b> eu-west',
        '',
        '<a href="https://watchpost.example.com/monitors/42">Open in Watchpost</a>',
        '<i>uptime · 2024-03-01T11:59:00.000Z</i>',
      ].join('\n'),
    });
  });

  it('shortens the text so the parsed message fits 4096 characters', async () => {
    const config = telegramConfigSchema.parse({ botToken, chatId: '@watchpost_alerts', apiBaseUrl: server.url });
    await telegramChannel.send(config, testMessage({ text: '<&>'.repeat(3000) }), testContext());
    const { text, chat_id } = JSON.parse(server.only().body) as { text: string; chat_id: string };
    expect(chat_id).toBe('@watchpost_alerts');
    expect(parsedLength(text)).toBeLessThanOrEqual(4096);
    expect(parsedLength(text)).toBeGreaterThan(4000);
    expect(text).toContain('…');
    expect(text).not.toMatch(/&[a-z]*…/); // no entity cut in half
  });

  it('honours retry_after from a 429 body', async () => {
    server.answer({ status: 429, body: '{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 12","parameters":{"retry_after":12}}' });
    const config = telegramConfigSchema.parse({ botToken, chatId: '42', apiBaseUrl: server.url });
    await expect(telegramChannel.send(config, testMessage(), testContext())).rejects.toMatchObject({ retryable: true, retryAfterMs: 12_000 });
    server.answer({ status: 400, body: '{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}' });
    await expect(telegramChannel.send(config, testMessage(), testContext())).rejects.toMatchObject({
      retryable: false,
      message: 'HTTP 400: Bad Request: chat not found',
    });
  });

  it('validates and describes without the token', () => {
    expect(telegramConfigSchema.parse({ botToken, chatId: '42' }).apiBaseUrl).toBe('https://api.telegram.org');
    expect(telegramConfigSchema.safeParse({ botToken: 'nope', chatId: '42' }).success).toBe(false);
    expect(telegramConfigSchema.safeParse({ botToken, chatId: 'not a chat' }).success).toBe(false);
    const config = telegramConfigSchema.parse({ botToken, chatId: '-100200' });
    expect(telegramChannel.describe(config)).toBe('Telegram chat -100200');
    expect(telegramChannel.secretFields).toEqual(['botToken']);
  });
});
