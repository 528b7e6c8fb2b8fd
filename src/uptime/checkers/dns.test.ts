import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../test/helpers/net.js';
import { dnsChecker, dnsConfigSchema, isResolverAddress } from './dns.js';
import type { CheckContext } from './types.js';

// A tiny authoritative DNS server over real UDP, enough for the system's resolver library (c-ares)
// to query: it parses the question and answers A, AAAA, TXT and MX from a fixed zone.
const TYPE = { A: 1, MX: 15, TXT: 16, AAAA: 28 } as const;
const RCODE = { ok: 0, servfail: 2, nxdomain: 3 } as const;

function encodeName(name: string): Buffer {
  const labels = name.split('.').filter(Boolean).map((label) => Buffer.concat([Buffer.from([label.length]), Buffer.from(label)]));
  return Buffer.concat([...labels, Buffer.from([0])]);
}

function txt(...chunks: string[]): Buffer {
  return Buffer.concat(chunks.map((chunk) => Buffer.concat([Buffer.from([chunk.length]), Buffer.from(chunk)])));
}

function mx(preference: number, exchange: string): Buffer {
  const pref = Buffer.alloc(2);
  pref.writeUInt16BE(preference);
  return Buffer.concat([pref, encodeName(exchange)]);
}

const ZONE: Record<string, Partial<Record<number, Buffer[]>>> = {
  'example.test': {
    [TYPE.A]: [Buffer.from([192, 0, 2, 10]), Buffer.from([192, 0, 2, 11])],
    [TYPE.TXT]: [txt('v=spf1 -all'), txt('hello ', 'world')],
    [TYPE.MX]: [mx(10, 'mail.example.test'), mx(20, 'Backup.Example.Test')],
  },
  'v6.example.test': {
    [TYPE.AAAA]: [Buffer.from('20010db8000000000000000000000001', 'hex')],
  },
};

function respond(query: Buffer): Buffer | null {
  let offset = 12;
  const labels: string[] = [];
  while (query[offset] !== 0 && offset < query.length) {
    const length = query[offset]!;
    labels.push(query.toString('ascii', offset + 1, offset + 1 + length));
    offset += 1 + length;
  }
  const type = query.readUInt16BE(offset + 1);
  const questionEnd = offset + 5;
  const name = labels.join('.').toLowerCase();
  if (name === 'silent.test') return null;
  const records = ZONE[name]?.[type] ?? [];
  const rcode = name === 'servfail.test' ? RCODE.servfail : ZONE[name] ? RCODE.ok : RCODE.nxdomain;

  const header = Buffer.alloc(12);
  header.writeUInt16BE(query.readUInt16BE(0), 0); // id
  // QR + AA + the query's RD + RA + rcode.
  header.writeUInt16BE(0x8000 | 0x0400 | (query.readUInt16BE(2) & 0x0100) | 0x0080 | rcode, 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(records.length, 6);
  const answers = records.map((data) => {
    const fixed = Buffer.alloc(12);
    fixed.writeUInt16BE(0xc00c, 0); // pointer to the question's name
    fixed.writeUInt16BE(type, 2);
    fixed.writeUInt16BE(1, 4); // IN
    fixed.writeUInt32BE(60, 6);
    fixed.writeUInt16BE(data.length, 10);
    return Buffer.concat([fixed, data]);
  });
  return Buffer.concat([header, query.subarray(12, questionEnd), ...answers]);
}

function context(timeoutMs = 2000): CheckContext {
  return { signal: new AbortController().signal, timeoutMs, userAgent: 'Watchpost-Test/1.0' };
}

describe('dns checker against a real UDP DNS server', () => {
  let server: Socket;
  let resolver: string;

  beforeAll(async () => {
    server = createSocket('udp4');
    server.on('message', (message, peer) => {
      const reply = respond(message);
      if (reply) server.send(reply, peer.port, peer.address);
    });
    server.bind(0, '127.0.0.1');
    await once(server, 'listening');
    resolver = `127.0.0.1:${server.address().port}`;
  });

  afterAll(() => {
    server.close();
  });

  const check = (config: Record<string, unknown>, ctx = context()) => dnsChecker.check(dnsConfigSchema.parse({ resolver, ...config }), ctx);

  it('resolves A records and lists the answers', async () => {
    const outcome = await check({ name: 'example.test' });
    expect(outcome.status).toBe('up');
    expect(outcome.details).toEqual({ answers: ['192.0.2.10', '192.0.2.11'] });
    expect(outcome.message).toMatch(/^Resolved 2 A records in \d+ ms: 192\.0\.2\.10, 192\.0\.2\.11$/);
  });

  it('is up when the expected answer is among them, down otherwise', async () => {
    expect(await check({ name: 'example.test', expected: '192.0.2.11' })).toMatchObject({ status: 'up' });
    expect(await check({ name: 'example.test', expected: '192.0.2.99' })).toMatchObject({
      status: 'down',
      message: 'Expected "192.0.2.99" not among the A records: 192.0.2.10, 192.0.2.11',
      details: { answers: ['192.0.2.10', '192.0.2.11'] },
    });
  });

  it('joins TXT chunks and matches them exactly', async () => {
    const outcome = await check({ name: 'example.test', recordType: 'TXT', expected: 'hello world' });
    expect(outcome).toMatchObject({ status: 'up', details: { answers: ['v=spf1 -all', 'hello world'] } });
    expect((await check({ name: 'example.test', recordType: 'TXT', expected: 'HELLO WORLD' })).status).toBe('down');
  });

  it('matches MX by exchange name, case-insensitively and with or without the trailing dot', async () => {
    const outcome = await check({ name: 'example.test', recordType: 'MX', expected: 'backup.example.test.' });
    expect(outcome).toMatchObject({ status: 'up', details: { answers: ['10 mail.example.test', '20 Backup.Example.Test'] } });
    expect((await check({ name: 'example.test', recordType: 'MX', expected: '10 MAIL.example.test' })).status).toBe('up');
    expect((await check({ name: 'example.test', recordType: 'MX', expected: 'other.example.test' })).status).toBe('down');
  });

  it('compares IPv6 answers in any notation', async () => {
    expect(await check({ name: 'v6.example.test', recordType: 'AAAA', expected: '2001:DB8:0:0:0:0:0:1' })).toMatchObject({
      status: 'up',
      details: { answers: ['2001:db8::1'] },
    });
  });

  it('tells a missing name from a name without records of the type', async () => {
    expect(await check({ name: 'missing.test' })).toEqual({ status: 'down', latencyMs: null, message: 'missing.test does not exist (NXDOMAIN)' });
    expect(await check({ name: 'example.test', recordType: 'AAAA' })).toMatchObject({ status: 'down', message: 'No AAAA records for example.test' });
  });

  it('reports a failing server', async () => {
    expect(await check({ name: 'servfail.test' })).toMatchObject({ status: 'down', message: `DNS server failed to answer (SERVFAIL from ${resolver})` });
  });

  it('times out when the server stays silent', async () => {
    const outcome = await check({ name: 'silent.test' }, context(300));
    expect(outcome.status).toBe('down');
    expect(outcome.message).toMatch(/^Timed out after 300 ms/);
  });

  it('is down when nothing listens at the resolver address', async () => {
    const port = await freePort();
    const outcome = await check({ name: 'example.test', resolver: `127.0.0.1:${port}` }, context(500));
    expect(outcome.status).toBe('down');
    // Linux reports the ICMP port-unreachable as a refusal; elsewhere the query may just time out.
    expect(outcome.message).toMatch(new RegExp(`^(Connection refused by DNS server \\(127\\.0\\.0\\.1:${port}\\)|Timed out after 500 ms)`));
  });
});

describe('dns config', () => {
  it('accepts resolver addresses with and without ports', () => {
    expect(['1.1.1.1', '1.1.1.1:53', '2606:4700::1111', '[2606:4700::1111]:5353'].filter((a) => !isResolverAddress(a))).toEqual([]);
    expect(['dns.google', 'dns.google:53', '1.1.1.1:0', '1.1.1.1:70000', '1.1.1:53', '[1.1.1.1]:53', ''].filter(isResolverAddress)).toEqual([]);
  });

  it('validates names and record types and describes the query', () => {
    const config = dnsConfigSchema.parse({ name: '_sip._tcp.example.com', recordType: 'SRV', resolver: '9.9.9.9' });
    expect(dnsChecker.describe(config)).toBe('SRV _sip._tcp.example.com @ 9.9.9.9');
    expect(dnsChecker.describe(dnsConfigSchema.parse({ name: 'example.com' }))).toBe('A example.com');
    expect(dnsConfigSchema.safeParse({ name: 'exa mple.com' }).success).toBe(false);
    expect(dnsConfigSchema.safeParse({ name: 'example.com', recordType: 'PTR' }).success).toBe(false);
    expect(dnsConfigSchema.safeParse({ name: 'example.com', extra: 1 }).success).toBe(false);
  });
});
