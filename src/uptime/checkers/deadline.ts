import type { CheckContext } from './types.js';

/** Thrown into a check's pending work when its deadline passes or the caller cancels it. */
export class CheckAbortedError extends Error {
  constructor() {
    super('The check was aborted');
    this.name = 'CheckAbortedError';
  }
}

/**
 * One check's time budget. It enforces `context.timeoutMs` itself (the caller's signal may be slower
 * or have no timer), remembers whether it was a timeout or a cancellation so the message can say
 * which, and runs socket work so the socket is destroyed however the attempt ends.
 */
export class Deadline {
  readonly signal: AbortSignal;
  readonly timeoutMs: number;
  readonly #context: CheckContext;
  readonly #controller = new AbortController();
  readonly #started = performance.now();
  readonly #timer: NodeJS.Timeout;
  readonly #onCallerAbort = (): void => this.#controller.abort(this.#context.signal.reason);
  #timedOut = false;

  constructor(context: CheckContext) {
    this.#context = context;
    this.timeoutMs = context.timeoutMs;
    this.signal = this.#controller.signal;
    this.#timer = setTimeout(() => {
      this.#timedOut = true;
      this.#controller.abort(new CheckAbortedError());
    }, context.timeoutMs);
    if (context.signal.aborted) this.#onCallerAbort();
    else context.signal.addEventListener('abort', this.#onCallerAbort, { once: true });
  }

  get aborted(): boolean {
    return this.signal.aborted;
  }

  /** Whole milliseconds since the check started. */
  elapsedMs(): number {
    return Math.round(performance.now() - this.#started);
  }

  /** 'Timed out after 5000 ms', or 'Check cancelled' when the caller aborted for another reason (shutdown). */
  abortMessage(): string {
    const reason: unknown = this.#context.signal.reason;
    const callerTimedOut = reason instanceof Error && reason.name === 'TimeoutError';
    if (this.#timedOut || callerTimedOut || !this.#context.signal.aborted) return `Timed out after ${this.timeoutMs} ms`;
    return 'Check cancelled';
  }

  /**
   * Runs one callback-style attempt as a promise. `start` wires up its socket and returns the cleanup
   * (destroy the socket), which runs exactly once when the attempt resolves, rejects or is aborted.
   */
  run<T>(start: (resolve: (value: T) => void, reject: (error: Error) => void) => () => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.signal.aborted) {
        reject(new CheckAbortedError());
        return;
      }
      let settled = false;
      let cleanup: (() => void) | undefined;
      const settle = (): boolean => {
        if (settled) return false;
        settled = true;
        this.signal.removeEventListener('abort', onAbort);
        cleanup?.();
        return true;
      };
      const onAbort = (): void => {
        if (settle()) reject(new CheckAbortedError());
      };
      this.signal.addEventListener('abort', onAbort, { once: true });
      try {
        cleanup = start(
          (value) => settle() && resolve(value),
          (error) => settle() && reject(error),
        );
      } catch (error) {
        if (settle()) reject(error instanceof Error ? error : new Error(String(error)));
      }
      // Settled synchronously inside `start`, before the cleanup existed.
      if (settled) cleanup?.();
    });
  }

  /** Stops the timer and unhooks from the caller's signal; call in `finally`. */
  dispose(): void {
    clearTimeout(this.#timer);
    this.#context.signal.removeEventListener('abort', this.#onCallerAbort);
  }
}
