import { MINUTE } from '../lib/periods.js';

/** Why and for how long a sender must back off (becomes 429 + Retry-After + X-Sentry-Rate-Limits). */
export interface Refusal {
  readonly retryAfterSeconds: number;
  readonly scope: 'key' | 'project';
  readonly reason: 'ratelimit' | 'usage_exceeded';
}

export interface LimitSubject {
  readonly keyId: string;
  readonly projectId: number;
  readonly keyPerMinute: number | null;
  readonly projectPerMinute: number | null;
  readonly projectPerMonth: number | null;
}

interface Window {
  start: number;
  count: number;
}

const USAGE_TTL_MS = 5_000;

/** Start of the UTC month containing `ms`, and of the next one. */
export function monthBounds(ms: number): { start: number; end: number } {
  const d = new Date(ms);
  return { start: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1), end: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) };
}

/**
 * Fixed one-minute windows per key and per project, counted in this node's memory (with several
 * nodes each enforces the limit on its own share; documented), and a monthly project quota read
 * from the accepted-outcome counts in the database, cached for a few seconds and advanced locally.
 */
export class RateLimiter {
  private readonly minutes = new Map<string, Window>();
  private readonly usage = new Map<number, { month: number; base: number; local: number; until: number }>();

  constructor(private readonly acceptedSince: (projectId: number, since: number) => Promise<number>) {}

  async admit(subject: LimitSubject, n: number, now: number): Promise<Refusal | null> {
    if (n <= 0) return null;
    const windowStart = now - (now % MINUTE);
    const untilNextMinute = Math.max(1, Math.ceil((windowStart + MINUTE - now) / 1000));
    const keyWindow = subject.keyPerMinute !== null ? this.window(`k:${subject.keyId}`, windowStart) : null;
    if (keyWindow && subject.keyPerMinute !== null && keyWindow.count + n > subject.keyPerMinute) {
      return { retryAfterSeconds: untilNextMinute, scope: 'key', reason: 'ratelimit' };
    }
    const projectWindow = subject.projectPerMinute !== null ? this.window(`p:${subject.projectId}`, windowStart) : null;
    if (projectWindow && subject.projectPerMinute !== null && projectWindow.count + n > subject.projectPerMinute) {
      return { retryAfterSeconds: untilNextMinute, scope: 'project', reason: 'ratelimit' };
    }
    if (subject.projectPerMonth !== null) {
      const { start, end } = monthBounds(now);
      const used = await this.monthUsage(subject.projectId, start, now);
      if (used.base + used.local + n > subject.projectPerMonth) {
        return { retryAfterSeconds: Math.max(1, Math.ceil((end - now) / 1000)), scope: 'project', reason: 'usage_exceeded' };
      }
      used.local += n;
    }
    if (keyWindow) keyWindow.count += n;
    if (projectWindow) projectWindow.count += n;
    return null;
  }

  private window(id: string, start: number): Window {
    let w = this.minutes.get(id);
    if (!w || w.start !== start) {
      if (this.minutes.size > 50_000) this.minutes.clear();
      this.minutes.set(id, (w = { start, count: 0 }));
    }
    return w;
  }

  private async monthUsage(projectId: number, month: number, now: number): Promise<{ base: number; local: number }> {
    let u = this.usage.get(projectId);
    if (!u || u.month !== month || u.until <= now) {
      const base = await this.acceptedSince(projectId, month);
      u = { month, base, local: 0, until: now + USAGE_TTL_MS };
      this.usage.set(projectId, u);
    }
    return u;
  }
}
