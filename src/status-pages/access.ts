import { createHmac, hkdfSync } from 'node:crypto';
import { safeEqual } from '../lib/crypto.js';

/** How long a visitor stays let in after entering a page's password. */
export const ACCESS_TTL_MS = 7 * 86_400_000;

/**
 * Access cookies of password-protected pages: `<expiry>.<HMAC>` over the page id, the expiry and
 * the current password hash, so changing or clearing the password logs every visitor out. The key
 * is derived from WATCHPOST_SECRET_KEY the way src/lib/crypto.ts derives its keys, with a purpose
 * of its own.
 */
export class PageAccess {
  readonly #key: Buffer;

  constructor(secretKey: string) {
    this.#key = Buffer.from(hkdfSync('sha256', secretKey, 'watchpost', 'watchpost:status-pages:v1', 32));
  }

  /** One cookie per page, so entering one page's password never opens another. */
  cookieName(slug: string): string {
    return `wp_status_${slug}`;
  }

  #mac(pageId: string, expires: number, passwordHash: string): string {
    return createHmac('sha256', this.#key).update(`${pageId}\n${expires}\n${passwordHash}`).digest('base64url');
  }

  issue(pageId: string, passwordHash: string, now = Date.now()): { value: string; expires: number } {
    const expires = now + ACCESS_TTL_MS;
    return { value: `${expires}.${this.#mac(pageId, expires, passwordHash)}`, expires };
  }

  verify(value: string | undefined, pageId: string, passwordHash: string, now = Date.now()): boolean {
    if (value === undefined) return false;
    const match = /^(\d{13,15})\.([A-Za-z0-9_-]{43})$/.exec(value);
    if (!match?.[1] || !match[2]) return false;
    const expires = Number(match[1]);
    if (expires <= now) return false;
    return safeEqual(match[2], this.#mac(pageId, expires, passwordHash));
  }
}

/**
 * Slows password guessing on one node: after `max` wrong passwords for a page from one address
 * within `windowMs`, further attempts are refused until the window ends. Bounded in memory.
 */
export class LoginThrottle {
  readonly #failures = new Map<string, { count: number; resetAt: number }>();

  constructor(
    private readonly max = 10,
    private readonly windowMs = 15 * 60_000,
    private readonly capacity = 10_000,
  ) {}

  /** Seconds until the next attempt is allowed, or 0. */
  retryAfter(key: string, now = Date.now()): number {
    const entry = this.#failures.get(key);
    if (!entry || entry.resetAt <= now) return 0;
    return entry.count >= this.max ? Math.ceil((entry.resetAt - now) / 1000) : 0;
  }

  fail(key: string, now = Date.now()): void {
    const entry = this.#failures.get(key);
    if (entry && entry.resetAt > now) {
      entry.count++;
      return;
    }
    if (this.#failures.size >= this.capacity) {
      const oldest = this.#failures.keys().next().value;
      if (oldest !== undefined) this.#failures.delete(oldest);
    }
    this.#failures.set(key, { count: 1, resetAt: now + this.windowMs });
  }

  succeed(key: string): void {
    this.#failures.delete(key);
  }
}
