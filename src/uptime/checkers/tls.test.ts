import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSecureContext, createServer as createTlsServer, type SecureContext } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../test/helpers/net.js';
import { DAY_MS } from './certificate.js';
import { evaluateCertificate, tlsChecker, tlsConfigSchema } from './tls.js';
import type { CheckContext } from './types.js';

function context(timeoutMs = 3000): CheckContext {
  return { signal: new AbortController().signal, timeoutMs, userAgent: 'Watchpost-Test/1.0' };
}

const openssl = (dir: string, args: string[]): void => {
  execFileSync('/usr/bin/openssl', args, { cwd: dir, stdio: 'ignore' });
};

/**
 * Self-signed certificates for one key, each named `<name>.test`. Windows in the past or future use
 * `openssl ca`, whose -startdate/-enddate work in every OpenSSL 3 (req -not_before needs 3.4+).
 */
function makeCertificates(dir: string): Record<string, Buffer> & { key: Buffer } {
  openssl(dir, ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'key.pem']);
  const selfSigned = (name: string, days: number) =>
    openssl(dir, ['req', '-x509', '-key', 'key.pem', '-days', String(days), '-subj', `/CN=${name}.test`, '-addext', `subjectAltName=DNS:${name}.test`, '-out', `${name}.pem`]);
  selfSigned('valid100', 100);
  selfSigned('valid10', 10);
  writeFileSync(join(dir, 'ca.cnf'), ['[ca]', 'default_ca = ca_default', '[ca_default]', 'database = index.txt', 'new_certs_dir = .', 'serial = serial', 'default_md = sha256', 'policy = any', 'copy_extensions = copy', 'unique_subject = no', '[any]', 'commonName = supplied', ''].join('\n'));
  const dated = (name: string, start: string, end: string) => {
    writeFileSync(join(dir, 'index.txt'), '');
    writeFileSync(join(dir, 'serial'), '01\n');
    openssl(dir, ['req', '-new', '-key', 'key.pem', '-subj', `/CN=${name}.test`, '-addext', `subjectAltName=DNS:${name}.test`, '-out', `${name}.csr`]);
    openssl(dir, ['ca', '-batch', '-config', 'ca.cnf', '-selfsign', '-keyfile', 'key.pem', '-in', `${name}.csr`, '-out', `${name}.pem`, '-startdate', start, '-enddate', end, '-notext']);
  };
  dated('expired', '20200101000000Z', '20200201000000Z');
  dated('future', '20990101000000Z', '20991231000000Z');
  const read = (file: string) => readFileSync(join(dir, file));
  return { key: read('key.pem'), valid100: read('valid100.pem'), valid10: read('valid10.pem'), expired: read('expired.pem'), future: read('future.pem') };
}

describe('tls checker against real TLS servers', () => {
  let dir: string;
  let server: Server;
  let port: number;
  const contexts = new Map<string, SecureContext>();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'watchpost-tls-'));
    const certs = makeCertificates(dir);
    for (const name of ['valid100', 'valid10', 'expired', 'future']) contexts.set(`${name}.test`, createSecureContext({ key: certs.key, cert: certs[name] }));
    // One server, the certificate chosen by SNI; unknown names get valid100's.
    server = createTlsServer({ key: certs.key, cert: certs.valid100, SNICallback: (name, cb) => cb(null, contexts.get(name) ?? contexts.get('valid100.test')) }, (socket) => socket.end());
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  const check = (config: Record<string, unknown>, ctx = context()) => tlsChecker.check(tlsConfigSchema.parse({ host: '127.0.0.1', port, ...config }), ctx);

  it('is up for a certificate far from expiry, with its details', async () => {
    const outcome = await check({ servername: 'valid100.test', verifyChain: false });
    expect(outcome).toMatchObject({ status: 'up', message: 'Certificate valid, expires in 99 days' });
    expect(outcome.details).toEqual({
      daysLeft: 99,
      subject: 'CN=valid100.test',
      issuer: 'CN=valid100.test',
      fingerprint256: expect.stringMatching(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/),
      validTo: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      authorized: false,
      authorizationError: 'DEPTH_ZERO_SELF_SIGNED_CERT',
    });
    expect(outcome.certificate).toMatchObject({ subject: 'CN=valid100.test', daysLeft: 99 });
    expect(outcome.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('is down for a self-signed certificate when the chain is verified (the default)', async () => {
    expect(await check({ servername: 'valid100.test' })).toMatchObject({ status: 'down', message: 'Certificate not trusted: self-signed certificate' });
  });

  it('is degraded within the largest warning threshold', async () => {
    expect(await check({ servername: 'valid10.test', verifyChain: false })).toMatchObject({ status: 'degraded', message: 'Certificate expires in 9 days' });
    expect((await check({ servername: 'valid10.test', verifyChain: false, warnDays: [7, 3] })).status).toBe('up');
  });

  it('is down for an expired certificate, saying how long ago', async () => {
    const daysAgo = Math.floor((Date.now() - Date.UTC(2020, 1, 1)) / DAY_MS);
    const outcome = await check({ servername: 'expired.test', verifyChain: false });
    expect(outcome).toMatchObject({ status: 'down', message: `Certificate expired ${daysAgo} days ago`, details: { validTo: '2020-02-01T00:00:00.000Z' } });
  });

  it('is down for a certificate that is not valid yet', async () => {
    expect(await check({ servername: 'future.test', verifyChain: false })).toMatchObject({
      status: 'down',
      message: 'Certificate is not valid until 2099-01-01T00:00:00.000Z',
    });
  });

  it('is down when the certificate is for another name, even without chain verification', async () => {
    expect(await check({ servername: 'other.test', verifyChain: false })).toMatchObject({
      status: 'down',
      message: 'Certificate does not match other.test (it is for DNS:valid100.test)',
    });
  });

  it('is down when the port does not speak TLS', async () => {
    const http = createHttpServer((_req, res) => res.end());
    http.listen(0, '127.0.0.1');
    await once(http, 'listening');
    const httpPort = (http.address() as AddressInfo).port;
    try {
      expect(await check({ port: httpPort })).toMatchObject({ status: 'down', latencyMs: null, message: `TLS error: wrong version number (is 127.0.0.1:${httpPort} speaking TLS?)` });
    } finally {
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
    }
  });

  it('times out when the handshake never finishes, and hangs up', async () => {
    const closed: Array<Promise<unknown>> = [];
    const silent = createNetServer((socket) => {
      closed.push(new Promise((resolve) => socket.once('close', resolve)));
      socket.resume(); // Read (and ignore) the ClientHello, so the checker's hang-up is seen.
    });
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    try {
      const outcome = await check({ port: (silent.address() as AddressInfo).port }, context(300));
      expect(outcome).toEqual({ status: 'down', latencyMs: null, message: 'Timed out after 300 ms' });
      await Promise.all(closed);
    } finally {
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('is down with "Connection refused" for a closed port', async () => {
    const closedPort = await freePort();
    expect(await check({ port: closedPort })).toEqual({ status: 'down', latencyMs: null, message: `Connection refused (127.0.0.1:${closedPort})` });
  });
});

describe('evaluateCertificate', () => {
  const now = Date.UTC(2026, 5, 15, 12);
  const from = now - 30 * DAY_MS;
  const at = (days: number) => now + days * DAY_MS;

  it.each([
    ['far from expiry', at(90.5), [30, 14, 7], 'up', 'Certificate valid, expires in 90 days', 90],
    ['exactly at the largest threshold', at(30.2), [7, 30, 14], 'degraded', 'Certificate expires in 30 days', 30],
    ['just outside it', at(31), [30, 14, 7], 'up', 'Certificate valid, expires in 31 days', 31],
    ['one day left', at(1.5), [30], 'degraded', 'Certificate expires in 1 day', 1],
    ['hours left', at(0.25), [30], 'degraded', 'Certificate expires within a day', 0],
    ['no thresholds', at(2), [], 'up', 'Certificate valid, expires in 2 days', 2],
    ['expired hours ago', at(-0.25), [30], 'down', 'Certificate expired today', 0],
    ['expired a day ago', at(-1.5), [30], 'down', 'Certificate expired 1 day ago', -1],
    ['expired 3 days ago', at(-3.2), [30], 'down', 'Certificate expired 3 days ago', -3],
  ] as const)('%s', (_label, validTo, warnDays, status, message, daysLeft) => {
    expect(evaluateCertificate(from, validTo, now, warnDays)).toEqual({ status, message, daysLeft });
  });

  it('is down before the certificate starts', () => {
    expect(evaluateCertificate(at(2), at(100), now, [30])).toMatchObject({ status: 'down', message: `Certificate is not valid until ${new Date(at(2)).toISOString()}` });
  });
});

describe('tls config', () => {
  it('defaults port, thresholds and chain verification', () => {
    const config = tlsConfigSchema.parse({ host: 'example.com' });
    expect(config).toEqual({ host: 'example.com', port: 443, warnDays: [30, 14, 7], verifyChain: true });
    expect(tlsChecker.describe(config)).toBe('example.com:443');
    expect(tlsConfigSchema.safeParse({ host: 'example.com', warnDays: [0] }).success).toBe(false);
    expect(tlsConfigSchema.safeParse({ host: 'example.com', servername: 'not a name' }).success).toBe(false);
    expect(tlsConfigSchema.safeParse({ host: 'example.com', extra: 1 }).success).toBe(false);
  });
});
