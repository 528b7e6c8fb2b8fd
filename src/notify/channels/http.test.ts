import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DeliveryError } from '../types.js';
import { parseRetryAfter, post } from './http.js';
import { refusedUrl, startRecordingServer, testContext, type RecordingServer } from './testing.js';
import { truncate, truncateBytes } from './text.js';

let server: RecordingServer;
beforeAll(async () => {
  server = await startRecordingServer();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

function send(context = testContext()) {
  return post({ url: `${server.url}/hook`, body: '{"a":1}', contentType: 'application/json' }, context);
}

async function failure(promise: Promise<unknown>): Promise<DeliveryError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DeliveryError);
  return error as DeliveryError;
}

describe('post', () => {
  it('sends the body with content type and user agent, and reports the status and the start of the answer', async () => {
    server.answer({ status: 202, body: 'x'.repeat(10_000) });
    const result = await send();
    expect(result.status).toBe(202);
    expect(result.response).toHaveLength(500);
    expect(result.response!.endsWith('…')).toBe(true);
    const request = server.only();
    expect(request).toMatchObject({ method: 'POST', path: '/hook', body: '{"a":1}' });
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['user-agent']).toBe('Watchpost/test');
  });

  it('sends user:password from the URL as Basic authorization (fetch refuses them in the URL)', async () => {
    const withCredentials = server.url.replace('http://', 'http://alice:p%40ss@');
    await post({ url: `${withCredentials}/hook`, body: '', contentType: 'text/plain' }, testContext());
    const request = server.only();
    expect(request.path).toBe('/hook');
    expect(request.headers.authorization).toBe(`Basic ${Buffer.from('alice:p@ss').toString('base64')}`);
  });

  it('retries 5xx and 408, and says why', async () => {
    server.answer({ status: 500, body: 'database exploded' });
    const error = await failure(send());
    expect(error).toMatchObject({ retryable: true, status: 500, response: 'database exploded', disable: false, retryAfterMs: undefined });
    expect(error.message).toBe('HTTP 500: database exploded');
    server.answer({ status: 408, body: '' });
    expect(await failure(send())).toMatchObject({ retryable: true, status: 408 });
  });

  it('honours Retry-After on 429 and 503, in seconds, as an HTTP date, or from a JSON body', async () => {
    server.answer({ status: 429, headers: { 'retry-after': '7' } });
    expect(await failure(send())).toMatchObject({ retryable: true, status: 429, retryAfterMs: 7000 });
    server.answer({ status: 503, headers: { 'retry-after': new Date(Date.now() + 120_000).toUTCString() } });
    const dated = await failure(send());
    expect(dated.retryAfterMs).toBeGreaterThan(100_000);
    expect(dated.retryAfterMs).toBeLessThanOrEqual(120_000);
    // Telegram's shape, without a header.
    server.answer({ status: 429, body: '{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 3","parameters":{"retry_after":3}}' });
    const telegram = await failure(send());
    expect(telegram).toMatchObject({ retryAfterMs: 3000, message: 'HTTP 429: Too Many Requests: retry after 3' });
    // Other statuses don't carry a delay even with the header.
    server.answer({ status: 500, headers: { 'retry-after': '7' } });
    expect((await failure(send())).retryAfterMs).toBeUndefined();
  });

  it('asks to disable the channel on 410 Gone', async () => {
    server.answer({ status: 410, body: 'channel_is_archived' });
    expect(await failure(send())).toMatchObject({ retryable: false, disable: true, status: 410 });
  });

  it('gives up on other 4xx, quoting the service JSON error', async () => {
    server.answer({ status: 404, body: 'no_service' });
    expect(await failure(send())).toMatchObject({ retryable: false, disable: false, status: 404, message: 'HTTP 404: no_service' });
    server.answer({ status: 400, body: '{"status":"invalid event","message":"Event object is invalid","errors":["Length of \'routing_key\' is incorrect"]}' });
    const error = await failure(send());
    expect(error).toMatchObject({ retryable: false, status: 400 });
    expect(error.message).toBe("HTTP 400: Event object is invalid; Length of 'routing_key' is incorrect");
  });

  it('does not follow redirects (a followed POST becomes a GET that delivers nothing)', async () => {
    server.answer({ status: 301, headers: { location: 'https://elsewhere.example.com/hook' } });
    const error = await failure(send());
    expect(error).toMatchObject({ retryable: false, status: 301 });
    expect(error.message).toContain('https://elsewhere.example.com/hook');
    expect(server.requests).toHaveLength(1);
  });

  it('retries when the connection is refused', async () => {
    const error = await failure(post({ url: `${await refusedUrl()}/hook`, body: '', contentType: 'text/plain' }, testContext()));
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/ECONNREFUSED/);
  });

  it('retries when the signal times out before an answer', async () => {
    server.answer({ hang: true });
    const error = await failure(send(testContext({ signal: AbortSignal.timeout(200) })));
    expect(error).toMatchObject({ retryable: true, message: 'Timed out waiting for a response' });
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates and ignores garbage', () => {
    const now = Date.UTC(2024, 0, 1);
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Mon, 01 Jan 2024 00:01:00 GMT', now)).toBe(60_000);
    expect(parseRetryAfter('Sun, 31 Dec 2023 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});

describe('truncate', () => {
  it('cuts to the limit with an ellipsis and never splits a surrogate pair', () => {
    expect(truncate('hello', 5)).toBe('hello');
    expect(truncate('hello world', 5)).toBe('hell…');
    // 'ab' + 😀 (two UTF-16 units): a cut after 'ab\ud83d' would leave half an emoji.
    expect(truncate('ab😀cd', 4)).toBe('ab…');
    expect(truncate('😀😀😀', 4)).toBe('😀…');
    expect(truncate('abc', 0)).toBe('');
  });

  it('cuts UTF-8 by bytes between code points', () => {
    expect(truncateBytes('héllo', 6)).toBe('héllo');
    const cut = truncateBytes('ééééé', 8);
    expect(cut).toBe('éé…');
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(8);
  });
});
