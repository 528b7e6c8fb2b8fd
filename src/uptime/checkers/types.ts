import type { z } from 'zod';

/** Monitor types that Watchpost actively checks (heartbeats are passive: they receive pings). */
export const CHECKER_TYPES = ['http', 'tcp', 'dns', 'tls', 'headers', 'postgres', 'redis'] as const;
export type CheckerType = (typeof CHECKER_TYPES)[number];

/** The result of one check. */
export interface CheckOutcome {
  /** 'degraded' = reachable and correct but slow (over the degraded-above time) or e.g. a certificate near expiry. */
  readonly status: 'up' | 'degraded' | 'down';
  /** Time the check took (connect + response), null when it never got that far. */
  readonly latencyMs: number | null;
  /** One human sentence: "200 OK in 123 ms", "connect ECONNREFUSED 127.0.0.1:9", "Keyword \"ok\" not found". */
  readonly message: string;
  /** Small machine-readable facts shown in the dashboard: { statusCode: 200 }, { grade: 'B', missing: [...] }. */
  readonly details?: Readonly<Record<string, unknown>>;
  /** TLS certificate of the target when the check saw one (https, tls). */
  readonly certificate?: {
    readonly subject: string;
    readonly issuer: string;
    /** Unix ms. */
    readonly validFrom: number;
    readonly validTo: number;
    readonly daysLeft: number;
  };
}

export interface CheckContext {
  /** Aborted when the check's timeout passes or the node shuts down. */
  readonly signal: AbortSignal;
  /** The monitor's timeout in ms (the signal already enforces it; use it for socket timeouts). */
  readonly timeoutMs: number;
  /** User-Agent for HTTP checks. */
  readonly userAgent: string;
}

/**
 * One monitor type. `check` never throws for a failing target: a refused connection, a timeout or a
 * wrong answer is a 'down' outcome with a clear message. It throws only on programming errors.
 */
export interface CheckerDefinition<C = unknown> {
  readonly type: CheckerType;
  readonly label: string;
  readonly configSchema: z.ZodType<C>;
  /** Top-level config fields that are secret (passwords, connection strings, auth headers). */
  readonly secretFields: readonly string[];
  /** Short, non-secret target description for lists: 'GET https://example.com/health', 'db.example.com:5432'. */
  describe(config: C): string;
  check(config: C, context: CheckContext): Promise<CheckOutcome>;
}
