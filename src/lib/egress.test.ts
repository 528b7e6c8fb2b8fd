import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { S3Target } from '../backups/targets/s3.js';
import { post } from '../notify/channels/http.js';
import { DeliveryError, type SendContext } from '../notify/types.js';
import { httpChecker, httpConfigSchema } from '../uptime/checkers/http.js';
import { redisChecker, redisConfigSchema } from '../uptime/checkers/redis.js';
import { tcpChecker } from '../uptime/checkers/tcp.js';
import { tlsChecker, tlsConfigSchema } from '../uptime/checkers/tls.js';
import type { CheckContext } from '../uptime/checkers/types.js';
import { configureEgress, EgressBlockedError, guardedLookup, isBlockedAddress } from './egress.js';

const METADATA = '169.254.169.254';

function lookup(hostname: string, all: boolean): Promise<{ error: Error | null; address: unknown }> {
  return new Promise((resolve) => guardedLookup(hostname, { all }, (error, address) => resolve({ error, address })));
}

const checkContext = (): CheckContext => ({ signal: new AbortController().signal, timeoutMs: 2000, userAgent: 'Watchpost-Test/1.0' });
const sendContext = (): SendContext => ({ userAgent: 'Watchpost-Test/1.0', signal: AbortSignal.timeout(3000), deliveryId: 'egress-test', now: Date.now(), defaultSmtp: null });

afterEach(() => configureEgress({ allowLinkLocal: false }));

describe('isBlockedAddress', () => {
  it.each([
    METADATA,
    '169.254.0.1',
    '0.0.0.0',
    '100.100.100.200',
    'fe80::1',
    '[fe80::1%eth0]',
    'fd00:ec2::254',
    '::ffff:169.254.169.254',
    '::ffff:a9fe:a9fe',
    '[::ffff:a9fe:a9fe]',
    '0:0:0:0:0:ffff:169.254.169.254',
    '64:ff9b::169.254.169.254',
    '64:ff9b::a9fe:a9fe',
    '::',
  ])('refuses %s', (address) => {
    expect(isBlockedAddress(address)).toBe(true);
  });

  it.each(['127.0.0.1', '::1', '10.0.0.5', '192.168.1.10', '172.16.0.1', '100.100.100.201', '8.8.8.8', '2001:db8::1', '::ffff:10.0.0.1', '64:ff9b::808:808', 'localhost', 'example.com'])(
    'allows %s (loopback and private networks stay reachable)',
    (address) => {
      expect(isBlockedAddress(address)).toBe(false);
    },
  );

  it('allows everything once WATCHPOST_EGRESS_ALLOW_LINK_LOCAL is set', () => {
    configureEgress({ allowLinkLocal: true });
    expect(isBlockedAddress(METADATA)).toBe(false);
    expect(isBlockedAddress('fe80::1')).toBe(false);
  });
});

describe('guardedLookup', () => {
  it('answers like dns.lookup for an allowed name', async () => {
    const single = await lookup('localhost', false);
    expect(single.error).toBeNull();
    expect(['127.0.0.1', '::1']).toContain(single.address);
    const all = await lookup('localhost', true);
    expect(all.error).toBeNull();
    expect(Array.isArray(all.address) && all.address.length).toBeGreaterThan(0);
  });

  it('fails with EgressBlockedError when every address is blocked', async () => {
    // dns.lookup answers an address with itself, so this is the path a name resolving there takes.
    for (const all of [false, true]) {
      const { error } = await lookup(METADATA, all);
      expect(error).toBeInstanceOf(EgressBlockedError);
      expect(error?.message).toContain('169.254.169.254 is a link-local, cloud-metadata or unspecified address');
    }
  });
});

describe('outgoing requests', () => {
  let server: Server;
  let base: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/to-metadata') res.writeHead(302, { location: `http://${METADATA}/latest/meta-data/` }).end();
      else res.end('ok');
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('a webhook delivery to a metadata address fails for good with the reason; local ones still go out', async () => {
    await expect(post({ url: `${base.replace('127.0.0.1', 'localhost')}/hook`, body: '{}', contentType: 'application/json' }, sendContext())).resolves.toEqual({ status: 200, response: 'ok' });
    for (const url of [`http://${METADATA}/latest/meta-data/`, 'http://[::ffff:a9fe:a9fe]/', 'http://user:pw@169.254.170.2/v2/credentials']) {
      const error = await post({ url, body: '{}', contentType: 'application/json' }, sendContext()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DeliveryError);
      expect((error as DeliveryError).retryable).toBe(false);
      expect((error as DeliveryError).message).toMatch(/^Refused: .* is a link-local, cloud-metadata or unspecified address/);
    }
  });

  it('an HTTP monitor is down for a metadata URL and for a redirect that leads there', async () => {
    const direct = await httpChecker.check(httpConfigSchema.parse({ url: `http://${METADATA}/latest/meta-data/` }), checkContext());
    expect(direct).toMatchObject({ status: 'down', message: expect.stringContaining('169.254.169.254 is a link-local') });
    const redirected = await httpChecker.check(httpConfigSchema.parse({ url: `${base}/to-metadata` }), checkContext());
    expect(redirected).toMatchObject({ status: 'down', message: expect.stringContaining('169.254.169.254 is a link-local') });
    const fine = await httpChecker.check(httpConfigSchema.parse({ url: `${base}/ok` }), checkContext());
    expect(fine.status).toBe('up');
  });

  it('TCP, TLS and Redis monitors are down for a metadata address', async () => {
    const redis = await redisChecker.check(redisConfigSchema.parse({ url: `redis://${METADATA}:6379` }), checkContext());
    expect(redis).toMatchObject({ status: 'down', message: expect.stringContaining('169.254.169.254 is a link-local') });
    const tcp = await tcpChecker.check({ host: METADATA, port: 80 }, checkContext());
    expect(tcp).toEqual({ status: 'down', latencyMs: null, message: expect.stringContaining('169.254.169.254 is a link-local') });
    const tls = await tlsChecker.check(tlsConfigSchema.parse({ host: METADATA, port: 443 }), checkContext());
    expect(tls).toMatchObject({ status: 'down', message: expect.stringContaining('169.254.169.254 is a link-local') });
  });

  it('an S3 backup target with a metadata endpoint is refused when it is set up', () => {
    const config = { kind: 's3' as const, bucket: 'latest', prefix: 'meta-data', region: 'us-east-1', forcePathStyle: true, accessKeyId: 'a', secretAccessKey: 'b' };
    expect(() => new S3Target({ ...config, endpoint: `http://${METADATA}` })).toThrow(/S3 endpoint refused: 169\.254\.169\.254 is a link-local/);
    expect(() => new S3Target({ ...config, endpoint: 'http://127.0.0.1:9000' })).not.toThrow();
  });
});
