import { describe, expect, it } from 'vitest';
import { BatchWriter, BatchWriterFullError } from './batch-writer.js';

function deferred() {
  let release!: () => void;
  const promise = new Promise<void>((resolve) => (release = resolve));
  return { promise, release };
}

describe('BatchWriter', () => {
  it('resolves submitters only after their batch is written, and groups what arrives meanwhile', async () => {
    const batches: number[][] = [];
    const gate = deferred();
    const writer = new BatchWriter<number>({
      write: async (items) => {
        batches.push(items);
        if (batches.length === 1) await gate.promise;
      },
      maxBatch: 100,
      maxDelayMs: 1,
      maxPending: 1000,
    });
    let firstDone = false;
    const first = writer.submit([1]).then(() => (firstDone = true));
    await new Promise((resolve) => setTimeout(resolve, 10));
    const later = [writer.submit([2]), writer.submit([3])];
    expect(firstDone).toBe(false);
    expect(writer.pending).toBe(3);
    gate.release();
    await Promise.all([first, ...later]);
    expect(batches).toEqual([[1], [2, 3]]);
    expect(writer.pending).toBe(0);
  });

  it('refuses at once when full (by count or weight) instead of queueing', async () => {
    const gate = deferred();
    const writer = new BatchWriter<string>({ write: () => gate.promise, maxBatch: 10, maxDelayMs: 1, maxPending: 3, weigh: (s) => s.length, maxPendingWeight: 10 });
    const accepted = writer.submit(['a', 'b']);
    await expect(writer.submit(['c', 'd'])).rejects.toBeInstanceOf(BatchWriterFullError);
    await expect(writer.submit(['x'.repeat(20)])).rejects.toBeInstanceOf(BatchWriterFullError);
    gate.release();
    await accepted;
    // One item heavier than the whole bound is still taken when nothing else waits.
    const heavy = new BatchWriter<string>({ write: () => Promise.resolve(), maxBatch: 10, maxDelayMs: 1, maxPending: 3, weigh: (s) => s.length, maxPendingWeight: 10 });
    await expect(heavy.submit(['y'.repeat(50)])).resolves.toBeUndefined();
  });

  it('fails only the items the writer reports as failed, or all when it throws', async () => {
    const writer = new BatchWriter<number>({ write: (items) => Promise.resolve(items.map((n) => (n % 2 ? new Error(`odd ${n}`) : null))), maxBatch: 10, maxDelayMs: 1, maxPending: 100 });
    const results = await Promise.allSettled([1, 2, 3, 4].map((n) => writer.submit([n])));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'rejected', 'fulfilled']);
    const broken = new BatchWriter<number>({ write: () => Promise.reject(new Error('disk full')), maxBatch: 10, maxDelayMs: 1, maxPending: 100 });
    await expect(broken.submit([1])).rejects.toThrow('disk full');
  });

  it('close() writes everything accepted and refuses new items', async () => {
    const written: number[] = [];
    const writer = new BatchWriter<number>({ write: (items) => Promise.resolve(void written.push(...items)), maxBatch: 2, maxDelayMs: 1000, maxPending: 100 });
    const pending = writer.submit([1, 2, 3]);
    await writer.close();
    await pending;
    expect(written).toEqual([1, 2, 3]);
    await expect(writer.submit([4])).rejects.toBeInstanceOf(BatchWriterFullError);
  });
});
