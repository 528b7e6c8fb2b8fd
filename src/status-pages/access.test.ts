import { describe, expect, it } from 'vitest';
import { ACCESS_TTL_MS, LoginThrottle, PageAccess } from './access.js';

describe('status page access cookies', () => {
  const access = new PageAccess('a-secret-key-that-is-long-enough-0123456789');
  const now = Date.UTC(2025, 0, 1);

  it('accept what they issued, for that page and password, until they expire', () => {
    const { value, expires } = access.issue('page-1', 'hash-1', now);
    expect(expires).toBe(now + ACCESS_TTL_MS);
    expect(access.verify(value, 'page-1', 'hash-1', now + 1000)).toBe(true);
    expect(access.verify(value, 'page-2', 'hash-1', now)).toBe(false);
    expect(access.verify(value, 'page-1', 'new password hash', now)).toBe(false);
    expect(access.verify(value, 'page-1', 'hash-1', expires)).toBe(false);
    expect(new PageAccess('another-secret-key-that-is-long-enough-012345').verify(value, 'page-1', 'hash-1', now)).toBe(false);
    for (const bad of [undefined, '', 'x.y', `${expires + 1}.${value.split('.')[1]}`, `${expires}.${'A'.repeat(43)}`]) expect(access.verify(bad, 'page-1', 'hash-1', now)).toBe(false);
  });
});

describe('login throttle', () => {
  it('refuses after too many wrong passwords until the window ends; a success clears it', () => {
    const throttle = new LoginThrottle(3, 60_000, 2);
    for (let i = 0; i < 3; i++) throttle.fail('a', 0);
    expect(throttle.retryAfter('a', 1000)).toBe(59);
    expect(throttle.retryAfter('a', 60_000)).toBe(0);
    throttle.fail('b', 0);
    throttle.succeed('b');
    expect(throttle.retryAfter('b', 0)).toBe(0);
    // Bounded: the oldest entries go first.
    for (const key of ['c', 'd', 'e']) for (let i = 0; i < 3; i++) throttle.fail(key, 0);
    expect(throttle.retryAfter('a', 1000)).toBe(0);
    expect(throttle.retryAfter('e', 1000)).toBe(59);
  });
});
