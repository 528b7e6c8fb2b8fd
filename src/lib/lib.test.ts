import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SecretBox, TokenHasher, safeEqual } from './crypto.js';
import { newId, randomToken } from './ids.js';
import { hashPassword, verifyPassword } from './password.js';
import { slugify, uniqueSlug } from './slug.js';

describe('newId', () => {
  it('is a UUIDv7 that sorts by creation time', () => {
    const a = newId(1_700_000_000_000);
    const b = newId(1_700_000_000_001);
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a < b).toBe(true);
    expect(parseInt(a.replace('-', '').slice(0, 12), 16)).toBe(1_700_000_000_000);
    expect(newId(Date.UTC(2026, 11, 6)).slice(0, 13)).toBe(`${Date.UTC(2026, 11, 6).toString(16).padStart(12, '0').slice(0, 8)}-${Date.UTC(2026, 11, 6).toString(16).slice(-4)}`);
    expect(new Set(Array.from({ length: 1000 }, () => newId(1)))).toHaveProperty('size', 1000);
  });
});

describe('randomToken', () => {
  it('has the requested length and only base62 characters', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 100 }), (n) => /^[0-9A-Za-z]+$/.test(randomToken(n)) && randomToken(n).length === n));
  });
});

describe('SecretBox', () => {
  const box = new SecretBox('k'.repeat(40));

  it('round-trips any text and never stores it in clear', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        const sealed = box.seal(text, 'row-1');
        expect(box.open(sealed, 'row-1')).toBe(text);
        if (text.length > 3) expect(sealed).not.toContain(text);
      }),
    );
  });

  it('refuses a wrong key, a moved ciphertext and a flipped bit', () => {
    const sealed = box.seal('hooks.slack.com/services/T000/B000/XXXX', 'channel-1');
    expect(() => new SecretBox('o'.repeat(40)).open(sealed, 'channel-1')).toThrow();
    expect(() => box.open(sealed, 'channel-2')).toThrow();
    const parts = sealed.split('.');
    const body = Buffer.from(parts[2] ?? '', 'base64url');
    body[0] = (body[0] ?? 0) ^ 1;
    parts[2] = body.toString('base64url');
    expect(() => box.open(parts.join('.'), 'channel-1')).toThrow();
  });
});

describe('TokenHasher and safeEqual', () => {
  it('hashes deterministically per key', () => {
    const a = new TokenHasher('a'.repeat(40));
    expect(a.hash('t')).toBe(a.hash('t'));
    expect(a.hash('t')).not.toBe(new TokenHasher('b'.repeat(40)).hash('t'));
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abd')).toBe(false);
    expect(safeEqual('abc', 'abcd')).toBe(false);
  });
});

describe('password hashing', () => {
  it('verifies the right password only, with a per-hash salt', async () => {
    const hash = await hashPassword('correct horse');
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(await verifyPassword('correct horse', hash)).toBe(true);
    expect(await verifyPassword('correct horsE', hash)).toBe(false);
    expect(await hashPassword('correct horse')).not.toBe(hash);
    expect(await verifyPassword('x', 'garbage')).toBe(false);
  });
});

describe('slugs', () => {
  it('turns names into URL-safe slugs and avoids taken ones', () => {
    expect(slugify('My Shop (EU)!')).toBe('my-shop-eu');
    expect(slugify('Café Größe')).toBe('cafe-grosse');
    expect(slugify('!!!', 'project')).toBe('project');
    expect(uniqueSlug('shop', new Set(['shop', 'shop-2']))).toBe('shop-3');
    fc.assert(fc.property(fc.string(), (name) => /^[a-z0-9]+(-[a-z0-9]+)*$/.test(slugify(name))));
  });
});
