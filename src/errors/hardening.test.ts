import { describe, expect, it } from 'vitest';
import { parseJsonPayload } from '../ingest/sentry/json.js';
import { normalizeEvent } from './event.js';
import { normalizeMessageForGrouping } from './grouping.js';
import { MESSAGE_CHARS, substituteParams } from './message.js';
import { DEFAULT_SCRUB, scrubEvent } from './scrub.js';

// Inputs found in review that made the old code quadratic or huge. These run in milliseconds now;
// before, they took seconds to minutes or half a gigabyte, which the test timeout would catch.
describe('hostile event content', () => {
  it('scrubs and groups "a.a.a…" strings without quadratic regex work', () => {
    const dots = 'a.'.repeat(100_000);
    const event = scrubEvent({ message: dots, extra: { note: `${dots}://x:y@` } }, DEFAULT_SCRUB);
    expect(typeof event.message).toBe('string');
    expect(normalizeMessageForGrouping('a.'.repeat(4000) + '@' + 'b-'.repeat(4000)).length).toBeGreaterThan(0);
  });

  it('still filters URL passwords and finds e-mails', () => {
    const scrubbed = scrubEvent({ extra: { dsn: 'postgres://app:s3cret@db.internal/app' } }, DEFAULT_SCRUB);
    expect(JSON.stringify(scrubbed)).not.toContain('s3cret');
    expect(normalizeMessageForGrouping('mail ada@example.com failed')).toBe('mail <email> failed');
  });

  it('bounds printf-style substitution by the message limit', () => {
    const out = substituteParams('{0}'.repeat(2730), ['x'.repeat(190_000)]);
    expect(out.length).toBeLessThanOrEqual(MESSAGE_CHARS + 3 * 2730);
    expect(substituteParams('%s and %s', ['a', 'b'])).toBe('a and b');
  });

  it('replaces NUL characters in keys and values before they reach the database', () => {
    const parsed = parseJsonPayload(Buffer.from('{"message":"a\\u0000b","tags":{"k\\u0000":"v"}}'), 'event item') as { message: string; tags: Record<string, string> };
    expect(parsed.message).toBe('a\uFFFDb');
    expect(Object.keys(parsed.tags)).toEqual(['k\uFFFD']);
    expect(parseJsonPayload(Buffer.from('{"message":"plain"}'), 'event item')).toEqual({ message: 'plain' });
  });

  it('dates an event with a clock far in the past at its arrival, like Relay', () => {
    const receivedAt = Date.UTC(2026, 10, 23);
    const event = normalizeEvent({ timestamp: (receivedAt - 40 * 86_400_000) / 1000 }, { receivedAt });
    expect(event.timestamp).toBe(receivedAt);
    expect(JSON.stringify(event.data.errors)).toContain('past_timestamp');
    expect(normalizeEvent({ timestamp: (receivedAt - 86_400_000) / 1000 }, { receivedAt }).timestamp).toBe(receivedAt - 86_400_000);
  });
});
