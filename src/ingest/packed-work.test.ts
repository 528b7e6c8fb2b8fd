import { describe, expect, it } from 'vitest';
import { hasData, isPacked, packWork, unpackWork } from './packed-work.js';
import type { IngestWork } from './service.js';

const work: IngestWork = {
  projectId: 7,
  keyId: 'key-1',
  events: [
    {
      projectId: 7,
      event: { eventId: 'a'.repeat(32), timestamp: 1, receivedAt: 2, platform: 'node', level: 'error', environment: 'production', release: null, transaction: null, userKey: null, tags: [['k', 'v']] },
      grouping: { hash: 'h', variant: 'exception', title: 'Error: boom', culprit: 'x', type: 'Error', value: 'boom' },
      data: Buffer.from([0xff, 1, 2, 3]),
    },
  ],
  spans: null,
  sessions: [],
  checkIns: [],
  size: 1234,
};

describe('packed ingest work', () => {
  it('keeps what the queue needs outside, and unpacks to the same work with Buffer bodies', () => {
    const packed = packWork(work);
    expect(packed).toMatchObject({ projectId: 7, keyId: 'key-1', size: 1234 });
    expect(isPacked(packed)).toBe(true);
    const back = unpackWork(packed);
    expect(back).toEqual(work);
    expect(Buffer.isBuffer(back.events[0]?.data)).toBe(true);
  });

  it('unpacks bytes that crossed a thread as a plain Uint8Array', () => {
    const packed = packWork(work);
    const copied = { ...packed, packed: new Uint8Array(packed.packed) };
    expect(unpackWork(copied)).toEqual(work);
  });

  it('leaves plain work alone, and says whether there is anything to store', () => {
    expect(unpackWork(work)).toBe(work);
    expect(hasData(work)).toBe(true);
    expect(hasData({ ...work, events: [] })).toBe(false);
    expect(hasData(packWork(work))).toBe(true);
  });
});
