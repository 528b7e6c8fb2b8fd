import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../test/helpers/net.js';
import { gradeSecurityHeaders, headersChecker, headersConfigSchema } from './headers.js';
import type { CheckContext } from './types.js';

const FULL = {
  'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
  'Content-Security-Policy': "default-src 'self'; script-src 'self' 'nonce-r4nd0m' 'unsafe-inline'; frame-ancestors 'none'",
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'strict-origin-when-cross-origin',
  'Permissions-Policy': 'camera=(), microphone=()',
} as const;
const ALL = Object.keys(FULL);

function without(...names: Array<keyof typeof FULL>): Record<string, string> {
  return Object.fromEntries(Object.entries(FULL).filter(([name]) => !names.includes(name as keyof typeof FULL)));
}

describe('gradeSecurityHeaders', () => {
  it('gives A+ to a full, sound set over https', () => {
    expect(gradeSecurityHeaders(FULL, true)).toEqual({ grade: 'A+', score: 100, present: ALL, missing: [], weak: [] });
  });

  it('gives F with everything missing to a bare response', () => {
    expect(gradeSecurityHeaders({ 'content-type': 'text/html' }, true)).toEqual({ grade: 'F', score: 0, present: [], missing: ALL, weak: [] });
  });

  it('caps a plain-HTTP page at A: HSTS is ignored there', () => {
    expect(gradeSecurityHeaders(FULL, false)).toMatchObject({
      grade: 'A',
      score: 83,
      weak: [{ header: 'Strict-Transport-Security', reason: 'ignored by browsers over plain HTTP' }],
    });
    expect(gradeSecurityHeaders(without('Strict-Transport-Security'), false)).toMatchObject({ grade: 'A', missing: ['Strict-Transport-Security'] });
  });

  it.each([
    ['a short HSTS max-age', { 'Strict-Transport-Security': 'max-age=86400' }, 'A', 'Strict-Transport-Security', 'max-age 86400 is shorter than 180 days (15552000)'],
    ['HSTS turned off', { 'Strict-Transport-Security': 'max-age=0' }, 'A', 'Strict-Transport-Security', 'max-age=0 turns HSTS off'],
    ['HSTS without max-age', { 'Strict-Transport-Security': 'includeSubDomains' }, 'A', 'Strict-Transport-Security', 'no valid max-age'],
    ['CSP with unsafe-eval', { 'Content-Security-Policy': "script-src 'self' 'unsafe-eval'" }, 'A', 'Content-Security-Policy', "script policy allows 'unsafe-eval'"],
    ['CSP with bare unsafe-inline', { 'Content-Security-Policy': "default-src 'self' 'unsafe-inline'" }, 'A', 'Content-Security-Policy', "script policy allows 'unsafe-inline'"],
    ['CSP without a script policy', { 'Content-Security-Policy': "frame-ancestors 'self'" }, 'A', 'Content-Security-Policy', 'no script-src or default-src: scripts are not restricted'],
    ['X-Frame-Options ALLOW-FROM', { 'X-Frame-Options': 'ALLOW-FROM https://a.example', 'Content-Security-Policy': "script-src 'self'" }, 'A', 'X-Frame-Options', '"ALLOW-FROM https://a.example" is not DENY or SAMEORIGIN'],
    ['a wrong X-Content-Type-Options', { 'X-Content-Type-Options': 'sniff' }, 'A', 'X-Content-Type-Options', 'the only valid value is nosniff'],
    ['Referrer-Policy unsafe-url', { 'Referrer-Policy': 'unsafe-url' }, 'A', 'Referrer-Policy', 'unsafe-url sends the full URL to other sites'],
    ['Referrer-Policy no-referrer-when-downgrade', { 'Referrer-Policy': 'no-referrer-when-downgrade' }, 'A', 'Referrer-Policy', 'no-referrer-when-downgrade sends the full URL to other sites'],
    ['an unknown Referrer-Policy', { 'Referrer-Policy': 'sometimes' }, 'A', 'Referrer-Policy', 'no recognised policy'],
  ])('marks %s as weak', (_label, override, grade, header, reason) => {
    const report = gradeSecurityHeaders({ ...FULL, ...override }, true);
    expect(report).toMatchObject({ grade, present: ALL, missing: [] });
    expect(report.weak).toEqual([{ header, reason }]);
  });

  it('lets CSP frame-ancestors stand in for X-Frame-Options', () => {
    const report = gradeSecurityHeaders(without('X-Frame-Options'), true);
    expect(report).toMatchObject({ grade: 'A+', missing: [] });
    expect(report.present).toContain('X-Frame-Options');
  });

  it('gives half credit to the deprecated Feature-Policy', () => {
    const report = gradeSecurityHeaders({ ...without('Permissions-Policy'), 'Feature-Policy': "camera 'none'" }, true);
    expect(report.weak).toEqual([{ header: 'Permissions-Policy', reason: 'only the deprecated Feature-Policy is sent' }]);
  });

  it('reads names in any case, repeated headers and the last known Referrer-Policy of a fallback list', () => {
    const report = gradeSecurityHeaders(
      {
        'strict-transport-security': ['max-age=63072000', 'max-age=10'],
        'CONTENT-SECURITY-POLICY': "default-src 'self'",
        'x-frame-options': 'sameorigin',
        'x-content-type-options': 'NoSniff',
        'referrer-policy': 'unsafe-url, strict-origin',
        'permissions-policy': 'geolocation=()',
        'x-ignored': undefined,
      },
      true,
    );
    expect(report).toMatchObject({ grade: 'A+', weak: [] });
  });

  it.each([
    // Points out of 12 → score → grade.
    [without('Permissions-Policy'), 83, 'A'],
    [without('Permissions-Policy', 'Referrer-Policy'), 67, 'B'],
    [{ ...without('Permissions-Policy', 'Referrer-Policy'), 'Strict-Transport-Security': 'max-age=60' }, 58, 'C'],
    [without('Permissions-Policy', 'Referrer-Policy', 'Strict-Transport-Security'), 50, 'C'],
    [{ 'Content-Security-Policy': "script-src 'unsafe-eval'", 'X-Frame-Options': 'DENY', 'X-Content-Type-Options': 'nosniff' }, 42, 'D'],
    [{ 'X-Frame-Options': 'DENY', 'X-Content-Type-Options': 'nosniff' }, 33, 'D'],
    [{ 'X-Frame-Options': 'DENY', 'Referrer-Policy': 'unsafe-url' }, 25, 'F'],
  ] as const)('scores %j as %i → %s', (headers, score, grade) => {
    expect(gradeSecurityHeaders(headers, true)).toMatchObject({ score, grade });
  });
});

function context(timeoutMs = 3000): CheckContext {
  return { signal: new AbortController().signal, timeoutMs, userAgent: 'Watchpost-Test/1.0' };
}

describe('headers checker against real servers', () => {
  let dir: string;
  let httpsServer: Server;
  let httpServer: Server;
  let httpsBase: string;
  let httpBase: string;

  const routes = (req: IncomingMessage, res: ServerResponse): void => {
    const send = (status: number, headers: OutgoingHttpHeaders = {}): void => {
      res.writeHead(status, headers).end('<html></html>');
    };
    switch (req.url) {
      case '/full':
        return send(200, FULL);
      case '/partial':
        return send(200, { 'Content-Security-Policy': "script-src 'self' 'unsafe-inline'", 'X-Frame-Options': 'DENY', 'X-Content-Type-Options': 'nosniff' });
      case '/to-https':
        return send(301, { location: `${httpsBase}/full` });
      case '/error':
        return send(500, FULL);
      default:
        return send(200);
    }
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'watchpost-headers-'));
    execFileSync('/usr/bin/openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '3', '-subj', '/CN=localhost', '-keyout', 'key.pem', '-out', 'cert.pem'], { cwd: dir, stdio: 'ignore' });
    httpsServer = createHttpsServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, routes);
    httpServer = createServer(routes);
    httpsServer.listen(0, '127.0.0.1');
    httpServer.listen(0, '127.0.0.1');
    await Promise.all([once(httpsServer, 'listening'), once(httpServer, 'listening')]);
    httpsBase = `https://127.0.0.1:${(httpsServer.address() as AddressInfo).port}`;
    httpBase = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    for (const server of [httpsServer, httpServer]) server.closeAllConnections();
    await Promise.all([new Promise((r) => httpsServer.close(r)), new Promise((r) => httpServer.close(r))]);
    rmSync(dir, { recursive: true, force: true });
  });

  const check = (config: Record<string, unknown>) => headersChecker.check(headersConfigSchema.parse({ verifyTls: false, ...config }), context());

  it('grades a full set over https A+', async () => {
    const outcome = await check({ url: `${httpsBase}/full` });
    expect(outcome).toMatchObject({ status: 'up', message: 'Security headers grade A+ (score 100)', details: { grade: 'A+', score: 100, missing: [], statusCode: 200 } });
    expect(outcome.certificate?.subject).toBe('CN=localhost');
  });

  it('grades a page without headers F, listing all as missing, and is degraded below the minimum', async () => {
    const outcome = await check({ url: `${httpsBase}/none` });
    expect(outcome.status).toBe('degraded');
    expect(outcome.details).toMatchObject({ grade: 'F', score: 0, present: [], missing: ALL });
    expect(outcome.message).toBe(`Security headers grade F (score 0); missing ${ALL.join(', ')}`);
  });

  it('grades a partial set and compares it with minGrade', async () => {
    const outcome = await check({ url: `${httpsBase}/partial` });
    expect(outcome).toMatchObject({
      status: 'degraded',
      details: { grade: 'D', score: 42, missing: ['Strict-Transport-Security', 'Referrer-Policy', 'Permissions-Policy'], weak: [{ header: 'Content-Security-Policy', reason: "script policy allows 'unsafe-inline'" }] },
    });
    expect((await check({ url: `${httpsBase}/partial`, minGrade: 'D' })).status).toBe('up');
  });

  it('grades the page a redirect ends at', async () => {
    const outcome = await check({ url: `${httpBase}/to-https` });
    expect(outcome).toMatchObject({ status: 'up', details: { grade: 'A+', redirects: [{ statusCode: 301, url: `${httpsBase}/full` }] } });
  });

  it('does not credit HSTS over plain http, so A+ is out of reach there', async () => {
    expect(await check({ url: `${httpBase}/full` })).toMatchObject({ status: 'up', details: { grade: 'A' } });
    expect((await check({ url: `${httpBase}/full`, minGrade: 'A+' })).status).toBe('degraded');
  });

  it('is down for an error status or an unreachable page', async () => {
    expect(await check({ url: `${httpsBase}/error` })).toMatchObject({ status: 'down', message: 'Expected status 200-399, got 500' });
    expect(await check({ url: `${httpsBase}/full`, verifyTls: true })).toMatchObject({ status: 'down', message: 'TLS error: self-signed certificate' });
    const port = await freePort();
    expect(await check({ url: `http://127.0.0.1:${port}/` })).toEqual({ status: 'down', latencyMs: null, message: `Connection refused (127.0.0.1:${port})` });
  });

  it('has defaults and a readable description', () => {
    const config = headersConfigSchema.parse({ url: 'https://example.com/' });
    expect(config).toEqual({ url: 'https://example.com/', verifyTls: true, minGrade: 'B' });
    expect(headersChecker.describe(config)).toBe('Security headers of https://example.com/');
    expect(headersConfigSchema.safeParse({ url: 'https://example.com/', minGrade: 'E' }).success).toBe(false);
  });
});
