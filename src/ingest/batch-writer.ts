/**
 * Group commit for high-volume ingest. Requests submit items and wait; items are written in batches
 * (one transaction per batch) when the batch is full or a short delay has passed, and each
 * submitter's promise settles only after its batch committed — so a 200 means the data is on disk.
 * While one batch is written the next one fills. Memory is bounded: when `maxPending` items are
 * waiting, `submit` refuses at once (the caller answers 503 with Retry-After) instead of queueing.
 */
export interface BatchWriterOptions<T> {
  /**
   * Writes one batch. A throw fails every submitter of the batch; returning an array fails only the
   * items whose entry is an error (the writer isolated them, e.g. by retrying one by one).
   */
  readonly write: (items: T[]) => Promise<ReadonlyArray<unknown> | void>;
  /** Items per transaction. */
  readonly maxBatch: number;
  /** Longest wait for more items before a partial batch is written. */
  readonly maxDelayMs: number;
  /** Items accepted but not yet committed (waiting plus being written) before `submit` refuses. */
  readonly maxPending: number;
  /** Optional size of an item (bytes, say) and the most accepted-but-uncommitted weight allowed. */
  readonly weigh?: (item: T) => number;
  readonly maxPendingWeight?: number;
  /** Observes every flush (metrics). */
  readonly onFlush?: (info: { items: number; durationMs: number; failed: boolean }) => void;
}

export class BatchWriterFullError extends Error {
  constructor() {
    super('The ingest buffer is full');
    this.name = 'BatchWriterFullError';
  }
}

interface Waiting<T> {
  readonly item: T;
  readonly weight: number;
  resolve(): void;
  reject(error: unknown): void;
}

export class BatchWriter<T> {
  private queue: Waiting<T>[] = [];
  private inFlight = 0;
  private weight = 0;
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> | null = null;
  private closed = false;

  constructor(private readonly options: BatchWriterOptions<T>) {}

  /** Items accepted and not yet committed. */
  get pending(): number {
    return this.queue.length + this.inFlight;
  }

  /** True when `n` more items of `weight` in all would be refused. */
  wouldOverflow(n: number, weight = 0): boolean {
    const maxWeight = this.options.maxPendingWeight ?? Infinity;
    return this.pending + n > this.options.maxPending || (this.weight > 0 && this.weight + weight > maxWeight);
  }

  /** Resolves when the items are committed; throws BatchWriterFullError at once when the buffer is full. */
  submit(items: readonly T[]): Promise<void> {
    if (items.length === 0) return Promise.resolve();
    if (this.closed) return Promise.reject(new BatchWriterFullError());
    const weights = items.map((item) => this.options.weigh?.(item) ?? 0);
    const total = weights.reduce((a, b) => a + b, 0);
    if (this.wouldOverflow(items.length, total)) return Promise.reject(new BatchWriterFullError());
    this.weight += total;
    const done = items.map(
      (item, i) =>
        new Promise<void>((resolve, reject) => {
          this.queue.push({ item, weight: weights[i] ?? 0, resolve, reject });
        }),
    );
    this.schedule();
    return Promise.all(done).then(() => undefined);
  }

  private schedule(): void {
    if (this.writing) return; // the running flush picks the queue up when it ends
    if (this.queue.length >= this.options.maxBatch) {
      this.startFlush();
    } else if (this.timer === null) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.startFlush();
      }, this.options.maxDelayMs);
    }
  }

  private startFlush(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.writing || this.queue.length === 0) return;
    const batch = this.queue.splice(0, this.options.maxBatch);
    this.inFlight = batch.length;
    const started = performance.now();
    this.writing = this.options
      .write(batch.map((w) => w.item))
      .then(
        (outcome) => {
          const errors = Array.isArray(outcome) ? outcome : [];
          this.options.onFlush?.({ items: batch.length, durationMs: performance.now() - started, failed: errors.some((e) => e != null) });
          batch.forEach((w, i) => {
            const error: unknown = errors[i];
            if (error != null) w.reject(error);
            else w.resolve();
          });
        },
        (error: unknown) => {
          this.options.onFlush?.({ items: batch.length, durationMs: performance.now() - started, failed: true });
          for (const w of batch) w.reject(error);
        },
      )
      .finally(() => {
        this.inFlight = 0;
        for (const w of batch) this.weight -= w.weight;
        this.writing = null;
        // Whatever arrived while we wrote goes next, without waiting for the timer: group commit.
        if (this.queue.length > 0) this.startFlush();
      });
  }

  /** Writes everything accepted so far and refuses new items. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.writing || this.queue.length > 0) {
      if (!this.writing) this.startFlush();
      await this.writing;
    }
  }
}
