import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NotificationMessage, SendContext } from '../types.js';

/**
 * Test support for the channel tests: a real HTTP server that records what it receives and answers
 * as told, standing in for the SaaS APIs the channels talk to. Not used by the application.
 */

export interface RecordedRequest {
  readonly method: string;
  /** Path and query, as sent. */
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface Answer {
  readonly status?: number;
  readonly body?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Never answer (for timeouts). */
  readonly hang?: boolean;
}

export interface RecordingServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** The answer to every following request (default 200 "ok"). */
  answer(answer: Answer): void;
  /** Forgets recorded requests and goes back to answering 200 "ok". */
  reset(): void;
  /** The only request since the last reset; fails the test if there were none or several. */
  only(): RecordedRequest;
  close(): Promise<void>;
}

export async function startRecordingServer(): Promise<RecordingServer> {
  const requests: RecordedRequest[] = [];
  let current: Answer = {};
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      if (current.hang) return;
      res.writeHead(current.status ?? 200, { 'content-type': 'text/plain; charset=utf-8', ...current.headers });
      res.end(current.body ?? 'ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    answer: (answer) => {
      current = answer;
    },
    reset: () => {
      requests.length = 0;
      current = {};
    },
    only: () => {
      if (requests.length !== 1) throw new Error(`Expected exactly one request, got ${requests.length}`);
      return requests[0]!;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A URL on loopback where nothing listens (connection refused). */
export async function refusedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** 2024-03-01T12:00:00Z */
export const TEST_NOW = Date.UTC(2024, 2, 1, 12, 0, 0);

export function testContext(overrides: Partial<SendContext> = {}): SendContext {
  return {
    signal: AbortSignal.timeout(5_000),
    deliveryId: '01890a5d-ac96-774b-bcce-b302099a8057',
    now: TEST_NOW,
    defaultSmtp: null,
    userAgent: 'Watchpost/test',
    ...overrides,
  };
}

export function testMessage(overrides: Partial<NotificationMessage> = {}): NotificationMessage {
  return {
    event: 'monitor.down',
    source: 'uptime',
    action: 'trigger',
    dedupKey: 'monitor:42',
    severity: 'critical',
    title: 'API is down',
    text: 'GET https://api.example.com/health failed: 503 Service Unavailable',
    url: 'https://watchpost.example.com/monitors/42',
    fields: [
      { name: 'Status', value: '503' },
      { name: 'Region', value: 'eu-west' },
    ],
    occurredAt: TEST_NOW - 60_000,
    data: { monitorId: 42 },
    ...overrides,
  };
}
