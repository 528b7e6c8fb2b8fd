import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loudSkip, testEnv } from '../../../test/helpers/env.js';
import { freePort } from '../../../test/helpers/net.js';
import { encodeCommand, parseReplies, redisChecker, redisConfigSchema } from './redis.js';
import type { CheckContext } from './types.js';

const REDIS_SERVER = '/usr/bin/redis-server';
const redisInstalled = existsSync(REDIS_SERVER);
if (!redisInstalled) {
  if (testEnv.required) throw new Error(`${REDIS_SERVER} is required in CI but missing`);
  loudSkip('Redis checker tests', `${REDIS_SERVER} is not installed`);
}

function context(timeoutMs = 3000): CheckContext {
  return { signal: new AbortController().signal, timeoutMs, userAgent: 'Watchpost-Test/1.0' };
}

/** Starts a throwaway redis-server and resolves once it accepts connections. */
async function startRedis(extraArgs: string[]): Promise<{ process: ChildProcess; port: number }> {
  const port = await freePort();
  const child = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${output}`)));
  });
  return { process: child, port };
}

describe.skipIf(!redisInstalled)('redis checker against a real redis-server', () => {
  let open: { process: ChildProcess; port: number };
  let secured: { process: ChildProcess; port: number };

  beforeAll(async () => {
    [open, secured] = await Promise.all([startRedis([]), startRedis(['--requirepass', 'sup3r-secret'])]);
  });

  afterAll(async () => {
    for (const server of [open, secured]) {
      if (!server || server.process.exitCode !== null) continue;
      const exited = once(server.process, 'exit');
      server.process.kill();
      await exited;
    }
  });

  const check = (url: string, ctx = context()) => redisChecker.check(redisConfigSchema.parse({ url }), ctx);

  it('is up when PING answers PONG', async () => {
    const outcome = await check(`redis://127.0.0.1:${open.port}`);
    expect(outcome).toMatchObject({ status: 'up', details: { tls: false, db: 0 } });
    expect(outcome.message).toMatch(/^PONG in \d+ ms$/);
  });

  it('selects the database in the URL and reports a bad one', async () => {
    expect((await check(`redis://127.0.0.1:${open.port}/3`)).status).toBe('up');
    expect(await check(`redis://127.0.0.1:${open.port}/999`)).toMatchObject({ status: 'down', message: 'Redis error: ERR DB index is out of range' });
  });

  it('authenticates with the password, and with the ACL user:password form', async () => {
    expect((await check(`redis://:sup3r-secret@127.0.0.1:${secured.port}/0`)).status).toBe('up');
    expect((await check(`redis://default:sup3r-secret@127.0.0.1:${secured.port}`)).status).toBe('up');
  });

  it('is down with the server message for a wrong password, without echoing it', async () => {
    const outcome = await check(`redis://:wrong-password@127.0.0.1:${secured.port}`);
    expect(outcome.status).toBe('down');
    expect(outcome.message).toMatch(/^Redis error: WRONGPASS/);
    expect(outcome.message).not.toContain('wrong-password');
  });

  it('is down mentioning NOAUTH when a password is required but not given', async () => {
    expect(await check(`redis://127.0.0.1:${secured.port}`)).toMatchObject({ status: 'down', message: 'Redis error: NOAUTH Authentication required.' });
  });

  it('is down with "Connection refused" for a closed port', async () => {
    const port = await freePort();
    expect(await check(`redis://127.0.0.1:${port}`)).toEqual({ status: 'down', latencyMs: null, message: `Connection refused (127.0.0.1:${port})` });
  });
});

describe('redis checker against things that are not Redis', () => {
  it('is down when the port speaks HTTP', async () => {
    const server = createServer((_req, res) => res.end());
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const outcome = await redisChecker.check({ url: `redis://127.0.0.1:${(server.address() as AddressInfo).port}` }, context());
      expect(outcome).toMatchObject({ status: 'down', message: 'Not a Redis server: unexpected reply "HTTP/1.1 400 Bad Request"' });
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('times out when nothing answers', async () => {
    const closed: Array<Promise<unknown>> = [];
    const server = createNetServer((socket) => {
      closed.push(new Promise((resolve) => socket.once('close', resolve)));
      socket.resume(); // Swallows the commands, never answers.
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const outcome = await redisChecker.check({ url: `redis://127.0.0.1:${(server.address() as AddressInfo).port}` }, context(300));
      expect(outcome).toEqual({ status: 'down', latencyMs: null, message: 'Timed out after 300 ms' });
      await Promise.all(closed); // The checker hung up.
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('RESP and config', () => {
  it('encodes commands as arrays of bulk strings', () => {
    expect(encodeCommand(['AUTH', 'pässword']).toString()).toBe('*2\r\n$4\r\nAUTH\r\n$9\r\npässword\r\n');
  });

  it('parses complete replies and keeps the incomplete rest', () => {
    const { replies, rest } = parseReplies(Buffer.from('+OK\r\n-ERR bad\r\n:42\r\n$5\r\nhello\r\n$-1\r\n$10\r\npart'));
    expect(replies).toEqual([
      { type: 'simple', value: 'OK' },
      { type: 'error', value: 'ERR bad' },
      { type: 'integer', value: '42' },
      { type: 'bulk', value: 'hello' },
      { type: 'bulk', value: null },
    ]);
    expect(rest.toString()).toBe('$10\r\npart');
    expect(() => parseReplies(Buffer.from('SSH-2.0-OpenSSH_9.6\r\n'))).toThrow('Not a Redis server: unexpected reply "SSH-2.0-OpenSSH_9.6"');
  });

  it('accepts redis and rediss URLs with a database number and describes them without the password', () => {
    const config = redisConfigSchema.parse({ url: 'rediss://:secret@cache.example.com:6380/2' });
    expect(redisChecker.describe(config)).toBe('rediss://cache.example.com:6380/2');
    expect(redisChecker.secretFields).toEqual(['url']);
    expect(redisConfigSchema.safeParse({ url: 'http://cache.example.com' }).success).toBe(false);
    expect(redisConfigSchema.safeParse({ url: 'redis://cache.example.com/not-a-db' }).success).toBe(false);
    expect(redisConfigSchema.safeParse({ url: 'redis://cache.example.com', extra: 1 }).success).toBe(false);
  });
});
