import { deserialize, serialize } from 'node:v8';
import type { IngestWork } from './service.js';

/**
 * Work as a processing worker hands it over: serialised once there, and passed on to the SQLite
 * writer thread as bytes. The main thread, which only queues it, never clones its objects (two
 * structured clones per event were a tenth of the main thread's time under load); it unpacks it
 * only when it writes the batch itself (PostgreSQL, or the writer thread is gone).
 */
export interface PackedWork {
  readonly projectId: number;
  readonly keyId: string;
  /** As IngestWork.size: approximate bytes held until committed. */
  readonly size: number;
  readonly packed: Uint8Array;
}

/** What the ingest queue holds. */
export type QueuedWork = IngestWork | PackedWork;

export function packWork(work: IngestWork): PackedWork {
  const packed = serialize(work);
  // Serialised spans can take more bytes than the payload they came from: count what is held.
  return { projectId: work.projectId, keyId: work.keyId, size: Math.max(work.size, packed.byteLength), packed };
}

export function isPacked(work: QueuedWork): work is PackedWork {
  return 'packed' in work;
}

/** The work itself; event bodies come back as Buffers (views into the packed bytes). */
export function unpackWork(work: QueuedWork): IngestWork {
  if (!isPacked(work)) return work;
  const bytes = work.packed;
  return deserialize(Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)) as IngestWork;
}

/** True when there is something to store (a packed work always has: empty work is not packed). */
export function hasData(work: QueuedWork): boolean {
  return isPacked(work) || work.events.length > 0 || work.spans !== null || work.sessions.length > 0 || work.checkIns.length > 0;
}
