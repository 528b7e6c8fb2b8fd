import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../test/helpers/net.js';
import { httpChecker, httpConfigSchema, statusAccepted } from './http.js';
import type { CheckContext } from './types.js';

function context(timeoutMs = 3000, signal = new AbortController().signal): CheckContext {
  return { signal, timeoutMs, userAgent: 'Watchpost-Test/1.0' };
}

function check(config: Record<string, unknown>, ctx = context()) {
  return httpChecker.check(httpConfigSchema.parse(config), ctx);
}

const JSON_BODY = { data: { status: 'ok', count: 5, ready: true }, items: [{ ok: true }, { ok: false }], tags: ['blue', 'green'] };
const BIG = 5 * 1024 * 1024;

let server: Server;
let base: string;
let other: Server;
let otherBase: string;
const otherSeen: IncomingMessage['headers'][] = [];
/** Server-side sockets, to prove the checker closes its connection on every path. */
const sockets = new Set<Socket>();

function route(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', base);
  const redirect = (status: number, location: string) => res.writeHead(status, { location }).end();
  switch (url.pathname) {
    case '/drop':
      // The server accepts the request, then the connection dies before any answer.
      req.socket.destroy();
      return;
    case '/ok':
      res.writeHead(200, { 'content-type': 'text/plain' }).end('all systems healthy');
      return;
    case '/unavailable':
      res.writeHead(503).end('down for maintenance');
      return;
    case '/moved':
      redirect(301, '/ok');
      return;
    case '/chain': {
      const left = Number(url.searchParams.get('n') ?? 0);
      redirect(302, left > 1 ? `/chain?n=${left - 1}` : '/ok');
      return;
    }
    case '/loop':
      redirect(302, '/loop');
      return;
    case '/see-other':
      redirect(303, '/echo');
      return;
    case '/to-other-origin':
      redirect(307, `${otherBase}/seen`);
      return;
    case '/slow':
      setTimeout(() => res.end('finally'), 250);
      return;
    case '/hang':
      return; // Never answers.
    case '/json':
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(JSON_BODY));
      return;
    case '/big':
      res.on('error', () => undefined); // The checker hangs up after 1 MB.
      res.writeHead(200).end(Buffer.alloc(BIG, 'x'));
      return;
    case '/echo': {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = { method: req.method, custom: req.headers['x-custom'], agent: req.headers['user-agent'], body: Buffer.concat(chunks).toString() };
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      });
      return;
    }
    default:
      res.writeHead(404).end();
  }
}

beforeAll(async () => {
  server = createServer(route);
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  other = createServer((req, res) => {
    otherSeen.push(req.headers);
    res.end('other origin');
  });
  other.listen(0, '127.0.0.1');
  await Promise.all([once(server, 'listening'), once(other, 'listening')]);
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  otherBase = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  other.closeAllConnections();
  await Promise.all([new Promise((r) => server.close(r)), new Promise((r) => other.close(r))]);
});

/** Resolves once the server has no open connections left (the checker destroyed its socket). */
async function allClosed(): Promise<void> {
  // Not events.once: it would reject on the ECONNRESET the server socket sees when the checker hangs up.
  await Promise.all([...sockets].map((s) => new Promise<void>((resolve) => (s.closed ? resolve() : s.once('close', () => resolve())))));
}

describe('http checker against a real server', () => {
  it('is up for a 200 with status, size and timing', async () => {
    const outcome = await check({ url: `${base}/ok` });
    expect(outcome.status).toBe('up');
    expect(outcome.message).toMatch(/^200 OK in \d+ ms$/);
    expect(outcome.details).toEqual({ statusCode: 200, bytes: 'all systems healthy'.length });
    expect(outcome.latencyMs).toBeGreaterThanOrEqual(0);
    expect(outcome.certificate).toBeUndefined();
  });

  it('is down for a status outside the accepted ranges, up when it is accepted', async () => {
    const outcome = await check({ url: `${base}/unavailable` });
    expect(outcome).toMatchObject({ status: 'down', message: 'Expected status 200-299, got 503', details: { statusCode: 503 } });
    expect(outcome.latencyMs).not.toBeNull();
    expect((await check({ url: `${base}/unavailable`, acceptedStatus: ['200-299', '503'] })).status).toBe('up');
  });

  it('follows a redirect chain and reports it', async () => {
    const outcome = await check({ url: `${base}/chain?n=3` });
    expect(outcome.status).toBe('up');
    expect(outcome.details?.redirects).toEqual([
      { statusCode: 302, url: `${base}/chain?n=2` },
      { statusCode: 302, url: `${base}/chain?n=1` },
      { statusCode: 302, url: `${base}/ok` },
    ]);
  });

  it('stops at maxRedirects, and a loop is down with "Too many redirects"', async () => {
    expect(await check({ url: `${base}/chain?n=3`, maxRedirects: 2 })).toMatchObject({ status: 'down', message: 'Too many redirects (more than 2)' });
    expect(await check({ url: `${base}/loop` })).toMatchObject({ status: 'down', message: 'Too many redirects (more than 5)', latencyMs: null });
    await allClosed();
  });

  it('judges the redirect itself when following is off', async () => {
    expect(await check({ url: `${base}/moved`, followRedirects: false })).toMatchObject({ status: 'down', message: 'Expected status 200-299, got 301' });
    expect((await check({ url: `${base}/moved`, followRedirects: false, acceptedStatus: ['301'] })).status).toBe('up');
  });

  it('turns a POST into a GET on 303, like browsers', async () => {
    const outcome = await check({ url: `${base}/see-other`, method: 'POST', body: 'payload', jsonAssertion: { path: 'method', operator: '==', expected: 'GET' } });
    expect(outcome).toMatchObject({ status: 'up' });
  });

  it('drops the Authorization header on a redirect to another origin', async () => {
    otherSeen.length = 0;
    const outcome = await check({ url: `${base}/to-other-origin`, headers: { Authorization: 'Bearer s3cret', 'X-Custom': 'kept' } });
    expect(outcome.status).toBe('up');
    expect(otherSeen).toHaveLength(1);
    expect(otherSeen[0]?.authorization).toBeUndefined();
    expect(otherSeen[0]?.['x-custom']).toBe('kept');
  });

  it('sends method, body, custom headers and the user agent', async () => {
    const outcome = await check({
      url: `${base}/echo`,
      method: 'PUT',
      headers: { 'X-Custom': 'hello', 'Content-Type': 'text/plain' },
      body: 'ping body',
      jsonAssertion: { path: 'body', operator: '==', expected: 'ping body' },
    });
    expect(outcome.status).toBe('up');
    const echoed = await check({ url: `${base}/echo`, method: 'POST', headers: { 'x-custom': 'hello' }, keyword: { value: '"custom":"hello"' } });
    expect(echoed.status).toBe('up');
    expect((await check({ url: `${base}/echo`, keyword: { value: 'Watchpost-Test/1.0' } })).status).toBe('up');
  });

  it('checks keywords present and absent, case-insensitive unless asked', async () => {
    expect((await check({ url: `${base}/ok`, keyword: { value: 'HEALTHY' } })).status).toBe('up');
    expect(await check({ url: `${base}/ok`, keyword: { value: 'HEALTHY', caseSensitive: true } })).toMatchObject({
      status: 'down',
      message: 'Keyword "HEALTHY" not found in the response',
    });
    expect(await check({ url: `${base}/ok`, keyword: { value: 'healthy', mode: 'absent' } })).toMatchObject({
      status: 'down',
      message: 'Keyword "healthy" found in the response',
    });
    expect((await check({ url: `${base}/ok`, keyword: { value: 'error', mode: 'absent' } })).status).toBe('up');
  });

  it.each([
    [{ path: 'data.status', operator: '==', expected: 'ok' }, null],
    [{ path: 'data.count', operator: '>=', expected: '5' }, null],
    [{ path: 'data.count', operator: '==', expected: '5.0' }, null],
    [{ path: 'data.ready', operator: '==', expected: 'true' }, null],
    [{ path: 'items[0].ok', operator: '==', expected: 'true' }, null],
    [{ path: '$.items[1].ok', operator: '!=', expected: 'true' }, null],
    [{ path: 'tags', operator: 'contains', expected: 'green' }, null],
    [{ path: 'data["status"]', operator: 'exists' }, null],
    [{ path: 'data.status', operator: '==', expected: 'degraded' }, 'JSON assertion failed: data.status is "ok", expected == "degraded"'],
    [{ path: 'data.count', operator: '<', expected: '3' }, 'JSON assertion failed: data.count is 5, expected < "3"'],
    [{ path: 'data.status', operator: '>', expected: '3' }, 'JSON assertion failed: data.status is "ok", not a number'],
    [{ path: 'items[5].ok', operator: 'exists' }, 'JSON assertion failed: items[5].ok not found'],
    [{ path: 'tags', operator: 'contains', expected: 'red' }, 'JSON assertion failed: tags is ["blue","green"], expected contains "red"'],
  ])('JSON assertion %j', async (jsonAssertion, failure) => {
    const outcome = await check({ url: `${base}/json`, jsonAssertion });
    if (failure === null) expect(outcome.status).toBe('up');
    else expect(outcome).toMatchObject({ status: 'down', message: failure });
  });

  it('is down when a JSON assertion meets a body that is not JSON', async () => {
    expect(await check({ url: `${base}/ok`, jsonAssertion: { path: 'a', operator: 'exists' } })).toMatchObject({ status: 'down', message: 'Response is not valid JSON' });
  });

  it('is degraded when slower than degradedAboveMs', async () => {
    const outcome = await check({ url: `${base}/slow`, degradedAboveMs: 100 });
    expect(outcome.status).toBe('degraded');
    expect(outcome.message).toMatch(/^200 OK in \d+ ms \(slower than 100 ms\)$/);
    expect(outcome.latencyMs).toBeGreaterThan(100);
  });

  it('times out at timeoutMs and closes its connection', async () => {
    const outcome = await check({ url: `${base}/hang` }, context(200));
    expect(outcome).toEqual({ status: 'down', latencyMs: null, message: 'Timed out after 200 ms' });
    await allClosed();
  });

  it('says "Check cancelled" when the caller aborts for another reason', async () => {
    const controller = new AbortController();
    const pending = check({ url: `${base}/hang` }, context(5000, controller.signal));
    setTimeout(() => controller.abort(), 50);
    expect(await pending).toMatchObject({ status: 'down', message: 'Check cancelled' });
    await allClosed();
  });

  it('reads at most 1 MB of a 5 MB body and hangs up', async () => {
    const outcome = await check({ url: `${base}/big`, keyword: { value: 'not-there' } });
    expect(outcome).toMatchObject({ status: 'down', message: 'Keyword "not-there" not found in the first 1 MB of the response', details: { truncated: true } });
    const bytes = outcome.details?.bytes as number;
    expect(bytes).toBeGreaterThan(1024 * 1024);
    expect(bytes).toBeLessThan(BIG);
    expect((await check({ url: `${base}/big`, keyword: { value: 'xxxx' } })).status).toBe('up');
    await allClosed();
  });

  it('answers HEAD at the headers', async () => {
    expect(await check({ url: `${base}/ok`, method: 'HEAD' })).toMatchObject({ status: 'up', details: { statusCode: 200, bytes: 0 } });
  });

  it('is down with a clear message when the server drops the connection mid-request', async () => {
    const outcome = await check({ url: `${base}/drop` });
    expect(outcome.status).toBe('down');
    expect(outcome.message).toMatch(/^Connection (reset|closed) by the server/);
  });

  it('is down with "Connection refused" for a closed port', async () => {
    const port = await freePort();
    expect(await check({ url: `http://127.0.0.1:${port}/` })).toEqual({ status: 'down', latencyMs: null, message: `Connection refused (127.0.0.1:${port})` });
  });
});

describe('http checker against a self-signed https server', () => {
  let dir: string;
  let tlsServer: Server;
  let url: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'watchpost-http-'));
    execFileSync('/usr/bin/openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '3', '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ], { stdio: 'ignore' });
    tlsServer = createHttpsServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (_req, res) => res.end('secure hello'));
    tlsServer.listen(0, '127.0.0.1');
    await once(tlsServer, 'listening');
    url = `https://127.0.0.1:${(tlsServer.address() as AddressInfo).port}/`;
  });

  afterAll(async () => {
    tlsServer.closeAllConnections();
    await new Promise((r) => tlsServer.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  it('is down with a TLS message when verifying', async () => {
    expect(await check({ url })).toEqual({ status: 'down', latencyMs: null, message: 'TLS error: self-signed certificate' });
  });

  it('is up without verification and reports the certificate', async () => {
    const outcome = await check({ url, verifyTls: false, keyword: { value: 'secure hello' } });
    expect(outcome.status).toBe('up');
    expect(outcome.certificate).toMatchObject({ subject: 'CN=localhost', issuer: 'CN=localhost' });
    expect(outcome.certificate?.daysLeft).toBeGreaterThanOrEqual(2);
    expect(outcome.certificate?.daysLeft).toBeLessThanOrEqual(3);
    expect(outcome.certificate!.validTo - outcome.certificate!.validFrom).toBe(3 * 86_400_000);
  });

  it('is down when the scheme does not match what the port speaks', async () => {
    const plainToTls = await check({ url: url.replace('https:', 'http:') });
    expect(plainToTls).toMatchObject({ status: 'down', latencyMs: null });
    // The TLS server hangs up on the plain request (reset or orderly close, depending on timing).
    expect(plainToTls.message).toMatch(/^Connection (reset|closed) by the server \(127\.0\.0\.1:\d+\)$/);
    const port = new URL(base).port;
    expect(await check({ url: `https://127.0.0.1:${port}/ok` })).toEqual({
      status: 'down',
      latencyMs: null,
      message: `TLS error: wrong version number (is 127.0.0.1:${port} speaking TLS?)`,
    });
  });
});

describe('http config', () => {
  it('fills defaults, describes the target, and refuses credentials in the (non-secret) URL', () => {
    const config = httpConfigSchema.parse({ url: 'https://example.com/health?x=1' });
    expect(config).toMatchObject({ method: 'GET', acceptedStatus: ['200-299'], followRedirects: true, maxRedirects: 5, verifyTls: true });
    expect(httpChecker.describe(config)).toBe('GET https://example.com/health?x=1');
    expect(httpConfigSchema.safeParse({ url: 'https://user:pw@example.com/health' }).error?.issues[0]?.message).toMatch(/Authorization header/);
    expect(httpChecker.secretFields).toEqual(['headers', 'body']);
  });

  it.each([
    ['an ftp URL', { url: 'ftp://example.com/' }, 'url'],
    ['a non-URL', { url: 'not a url' }, 'url'],
    ['an unknown method', { url: 'https://example.com', method: 'TRACE' }, 'method'],
    ['a status pattern', { url: 'https://example.com', acceptedStatus: ['2xx'] }, 'acceptedStatus'],
    ['a reversed range', { url: 'https://example.com', acceptedStatus: ['299-200'] }, 'acceptedStatus'],
    ['31 headers', { url: 'https://example.com', headers: Object.fromEntries(Array.from({ length: 31 }, (_, i) => [`x-h${i}`, 'v'])) }, 'headers'],
    ['a header with a line break', { url: 'https://example.com', headers: { 'x-a': 'line\r\nbreak' } }, 'headers'],
    ['a Content-Length header', { url: 'https://example.com', headers: { 'Content-Length': '5' } }, 'headers'],
    ['a body over 64 KB', { url: 'https://example.com', body: 'x'.repeat(64 * 1024 + 1) }, 'body'],
    ['a JSON assertion without expected value', { url: 'https://example.com', jsonAssertion: { path: 'a', operator: '==' } }, 'jsonAssertion'],
    ['a malformed JSON path', { url: 'https://example.com', jsonAssertion: { path: 'a..b', operator: 'exists' } }, 'jsonAssertion'],
    ['an unknown field', { url: 'https://example.com', unknownField: 1 }, ''],
  ])('rejects %s', (_label, input, field) => {
    const result = httpConfigSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path[0] ?? '').toBe(field);
  });

  it('matches status ranges', () => {
    expect(statusAccepted(204, ['200-299'])).toBe(true);
    expect(statusAccepted(301, ['200-299', '301'])).toBe(true);
    expect(statusAccepted(302, ['200-299', '301'])).toBe(false);
  });
});
