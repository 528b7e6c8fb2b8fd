import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SCRUB } from '../../errors/scrub.js';
import { WatchpostError } from '../../lib/errors.js';
import { isPacked, unpackWork } from '../packed-work.js';
import { DEFAULT_ENVELOPE_LIMITS, serializeEnvelope } from './envelope.js';
import { processBody, type ProcessTask } from './process.js';
import { ProcessPool, ProcessPoolFullError, ProcessWorkerLostError } from './process-pool.js';

const ctx: ProcessTask['ctx'] = {
  projectId: 7,
  keyId: 'key-1',
  settings: { scrub: DEFAULT_SCRUB, quotaPerMinute: null, quotaPerMonth: null },
  clientIp: '203.0.113.9',
  receivedAt: 1_790_000_000_000,
  maxJsonDepth: 100,
};

function envelope(event: Record<string, unknown>): Buffer {
  return serializeEnvelope({ event_id: '9ec79c33ec9942ab8353589fcb2e04dc' }, [{ header: { type: 'event' }, payload: Buffer.from(JSON.stringify(event)) }]);
}

const event = {
  timestamp: 1_790_000_000,
  platform: 'node',
  level: 'error',
  release: 'api@1.0.0',
  exception: { values: [{ type: 'TypeError', value: 'x is undefined', stacktrace: { frames: [{ filename: '/app/a.js', function: 'f', lineno: 3, in_app: true }] } }] },
  extra: { password: 'hunter2' },
};

const task = (body: Buffer): ProcessTask => ({ body, kind: 'envelope', limits: DEFAULT_ENVELOPE_LIMITS, ctx });

let pool: ProcessPool | null = null;
afterEach(async () => {
  await pool?.close();
  pool = null;
});

describe('ProcessPool', () => {
  it('returns what processing on the main thread returns, packed, with Buffers for the event bodies', async () => {
    pool = new ProcessPool({ size: 2 });
    const body = envelope(event);
    const [onWorker, inline] = await Promise.all([pool.run(task(body)), processBody(task(body))]);
    expect(isPacked(onWorker.work)).toBe(true);
    const work = unpackWork(onWorker.work);
    expect({ ...onWorker, work }).toEqual(inline);
    const stored = work.events[0];
    expect(Buffer.isBuffer(stored?.data)).toBe(true);
    expect(stored?.event.eventId).toBe('9ec79c33ec9942ab8353589fcb2e04dc');
    expect(onWorker.eventId).toBe('9ec79c33ec9942ab8353589fcb2e04dc');
  });

  it('rethrows a processing error as the same WatchpostError (code, message)', async () => {
    pool = new ProcessPool({ size: 1 });
    const error = await pool.run(task(Buffer.from('{}\n{"type":"event"}\n{not json\n'))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WatchpostError);
    expect((error as WatchpostError).code).toBe('WP_ERR_INGEST_MALFORMED');
    expect((error as WatchpostError).statusCode).toBe(400);
    const inline = await processBody(task(Buffer.from('{}\n{"type":"event"}\n{not json\n'))).catch((e: unknown) => e);
    expect((error as Error).message).toBe((inline as Error).message);
  });

  it('refuses at once when every worker queue is full, and accepts again once it drains', async () => {
    pool = new ProcessPool({ size: 1, maxQueuedPerWorker: 2 });
    const body = envelope(event);
    const first = [pool.run(task(body)), pool.run(task(body))];
    await expect(pool.run(task(body))).rejects.toBeInstanceOf(ProcessPoolFullError);
    await Promise.all(first);
    await expect(pool.run(task(body))).resolves.toMatchObject({ eventId: '9ec79c33ec9942ab8353589fcb2e04dc' });
  });

  it('bounds the body bytes it holds', async () => {
    pool = new ProcessPool({ size: 1, maxQueuedBytes: 1000 });
    const body = envelope({ ...event, extra: { blob: 'x'.repeat(800) } });
    const first = pool.run(task(body));
    await expect(pool.run(task(body))).rejects.toBeInstanceOf(ProcessPoolFullError);
    await first;
  });

  it('fails the tasks of a worker that runs out of heap and starts a new one', async () => {
    pool = new ProcessPool({ size: 1, maxHeapMb: 64 });
    const body = envelope(event);
    await pool.run(task(body)); // the worker is up
    // Two million breadcrumbs parse into far more than 64 MB of objects: the worker is killed.
    const crumbs = `[${Array.from({ length: 2_000_000 }, (_, i) => `{"m":${i}}`).join(',')}]`;
    const huge = Buffer.from(`{}\n{"type":"event"}\n{"message":"big","breadcrumbs":${crumbs}}\n`);
    const limits = { ...DEFAULT_ENVELOPE_LIMITS, maxEventBytes: huge.length, maxAttachmentBytes: huge.length };
    const lost = await pool.run({ ...task(huge), limits }).catch((e: unknown) => e);
    // A ProcessPoolFullError: the route answers 503 with Retry-After, so the SDK retries.
    expect(lost).toBeInstanceOf(ProcessWorkerLostError);
    expect(lost).toBeInstanceOf(ProcessPoolFullError);
    expect((lost as Error).message).toMatch(/memory/i);
    expect(pool.size).toBe(1);
    await expect(pool.run(task(body))).resolves.toMatchObject({ eventId: '9ec79c33ec9942ab8353589fcb2e04dc' });
  }, 30_000); // two worker start-ups from sources and a 22 MB body: slow when the suite runs in parallel

  it('stops a worker stuck on a task, fails what it held with a retryable error, and replaces it', async () => {
    const stuck = new URL('../../../test/fixtures/process-worker-stuck.mjs', import.meta.url);
    pool = new ProcessPool({ size: 1, taskTimeoutMs: 300, module: stuck });
    await expect(pool.run(task(Buffer.from('fine')))).resolves.toMatchObject({ eventId: 'ok' });
    const started = Date.now();
    const [hung, queued] = await Promise.all([pool.run(task(Buffer.from('hang'))), pool.run(task(Buffer.from('fine')))].map((p) => p.catch((e: unknown) => e)));
    expect(hung).toBeInstanceOf(ProcessWorkerLostError);
    expect((hung as Error).message).toMatch(/no answer for 300 ms/);
    expect(queued).toBeInstanceOf(ProcessWorkerLostError);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(pool.size).toBe(1);
    await expect(pool.run(task(Buffer.from('fine')))).resolves.toMatchObject({ eventId: 'ok' });
  }, 30_000);

  it('a busy worker that keeps answering is not mistaken for a stuck one', async () => {
    const stuck = new URL('../../../test/fixtures/process-worker-stuck.mjs', import.meta.url);
    pool = new ProcessPool({ size: 1, taskTimeoutMs: 200, module: stuck });
    for (let round = 0; round < 8; round++) {
      const results = await Promise.all(Array.from({ length: 50 }, () => pool!.run(task(Buffer.from('fine')))));
      expect(results.every((r) => r.eventId === 'ok')).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 60));
    }
  }, 30_000);

  it('falls back to processing on the main thread when workers die three times before answering', async () => {
    const broken = new URL('../../../test/fixtures/process-worker-broken.mjs', import.meta.url);
    pool = new ProcessPool({ size: 1, module: broken });
    expect(pool.size).toBe(1);
    for (let attempt = 1; attempt <= 3; attempt++) {
      await expect(pool.run(task(envelope(event)))).rejects.toBeInstanceOf(ProcessWorkerLostError);
    }
    // The route checks size before every request: 0 sends the envelope down the inline path.
    expect(pool.size).toBe(0);
  }, 30_000);

  it('refuses work once closed', async () => {
    pool = new ProcessPool({ size: 1 });
    await pool.close();
    await expect(pool.run(task(envelope(event)))).rejects.toBeInstanceOf(ProcessPoolFullError);
  });
});
