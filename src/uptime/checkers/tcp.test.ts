import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../test/helpers/net.js';
import { tcpChecker, tcpConfigSchema } from './tcp.js';
import type { CheckContext } from './types.js';

function context(timeoutMs = 2000): CheckContext {
  return { signal: new AbortController().signal, timeoutMs, userAgent: 'Watchpost-Test/1.0' };
}

describe('tcp checker', () => {
  let server: Server;
  let port: number;
  const closed: Array<Promise<unknown>> = [];

  beforeAll(async () => {
    server = createServer((socket: Socket) => {
      closed.push(new Promise((resolve) => socket.once('close', resolve)));
      socket.on('error', () => undefined);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('is up for an open port and closes the connection at once', async () => {
    const outcome = await tcpChecker.check(tcpConfigSchema.parse({ host: '127.0.0.1', port }), context());
    expect(outcome.status).toBe('up');
    expect(outcome.message).toMatch(new RegExp(`^Connected to 127\\.0\\.0\\.1:${port} in \\d+ ms$`));
    expect(outcome.latencyMs).toBeGreaterThanOrEqual(0);
    // The server sees the checker hang up; nothing is left open.
    expect(closed).toHaveLength(1);
    await Promise.all(closed);
  });

  it('is down with "Connection refused" for a closed port', async () => {
    const closedPort = await freePort();
    expect(await tcpChecker.check({ host: '127.0.0.1', port: closedPort }, context())).toEqual({
      status: 'down',
      latencyMs: null,
      message: `Connection refused (127.0.0.1:${closedPort})`,
    });
  });

  it('times out when the handshake never completes', async () => {
    // A listener whose process is blocked never accepts: once its accept queue (backlog + 1) is
    // full, the kernel drops further SYNs, so the next connect hangs like one to a dead host.
    // (An "unroutable" address is no good here: sandboxes and proxies may accept anything.)
    const child = spawn(
      process.execPath,
      ['-e', `require('net').createServer().listen({ port: 0, host: '127.0.0.1', backlog: 1 }, function () { process.stdout.write(this.address().port + '\\n'); Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); })`],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const fillers: Socket[] = [];
    try {
      const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
      const blockedPort = Number(chunk.toString().trim());
      for (let i = 0; i < 2; i++) {
        const filler = connect({ host: '127.0.0.1', port: blockedPort });
        fillers.push(filler);
        await once(filler, 'connect');
      }
      const outcome = await tcpChecker.check({ host: '127.0.0.1', port: blockedPort }, context(300));
      expect(outcome).toEqual({ status: 'down', latencyMs: null, message: 'Timed out after 300 ms' });
    } finally {
      for (const filler of fillers) filler.destroy();
      child.kill();
    }
  });

  it('reports an unknown host', async () => {
    const outcome = await tcpChecker.check({ host: 'no-such-host.invalid', port: 80 }, context());
    expect(outcome).toMatchObject({ status: 'down', latencyMs: null });
    expect(outcome.message).toMatch(/no-such-host\.invalid/);
  });

  it('validates its config and describes the target', () => {
    expect(tcpChecker.describe({ host: '::1', port: 5432 })).toBe('[::1]:5432');
    expect(tcpChecker.describe({ host: 'db.example.com', port: 5432 })).toBe('db.example.com:5432');
    expect(tcpConfigSchema.safeParse({ host: 'db.example.com', port: 0 }).success).toBe(false);
    expect(tcpConfigSchema.safeParse({ host: 'db.example.com', port: 70000 }).success).toBe(false);
    expect(tcpConfigSchema.safeParse({ host: 'bad host!', port: 80 }).success).toBe(false);
    expect(tcpConfigSchema.safeParse({ host: 'db.example.com', port: 80, extra: true }).success).toBe(false);
  });
});
