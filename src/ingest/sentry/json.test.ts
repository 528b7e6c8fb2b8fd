import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WatchpostError } from '../../lib/errors.js';
import { jsonNestingDepth, parseJsonPayload } from './json.js';

function thrown(fn: () => unknown): WatchpostError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(WatchpostError);
    return err as WatchpostError;
  }
  throw new Error('expected a WatchpostError');
}

describe('parseJsonPayload', () => {
  it('parses any JSON value, with or without a UTF-8 BOM', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 10 }), fc.boolean(), (value, bom) => {
        const text = Buffer.from(JSON.stringify(value));
        const buf = bom ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), text]) : text;
        expect(parseJsonPayload(buf, 'event item')).toEqual(JSON.parse(text.toString()));
      }),
    );
  });

  it('refuses a 10,000-deep nest before parsing it', () => {
    for (const deep of ['['.repeat(10_000) + ']'.repeat(10_000), '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000), '['.repeat(10_000)]) {
      const err = thrown(() => parseJsonPayload(Buffer.from(deep), 'event item'));
      expect(err.statusCode).toBe(400);
      expect(err.code).toBe('WP_ERR_INGEST_MALFORMED');
      expect(err.message).toBe('event item is nested deeper than 100 levels of arrays and objects');
    }
  });

  it('allows exactly maxDepth levels and counts only structure outside strings', () => {
    expect(parseJsonPayload(Buffer.from('['.repeat(100) + ']'.repeat(100)), 'x')).toBeInstanceOf(Array);
    expect(() => parseJsonPayload(Buffer.from('['.repeat(101) + ']'.repeat(101)), 'x')).toThrow(WatchpostError);
    const tricky = { s: '[[[[{{{{\\"[[[[', t: '\\', u: '"{[' };
    expect(parseJsonPayload(Buffer.from(JSON.stringify(tricky)), 'x', 2)).toEqual(tricky);
    expect(jsonNestingDepth(Buffer.from('{"a":"\\\\",[["]"]]}'))).toBe(3);
  });

  it('refuses invalid UTF-8 rather than storing replacement characters', () => {
    const bad = Buffer.concat([Buffer.from('{"message":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
    const err = thrown(() => parseJsonPayload(bad, 'event item'));
    expect(err.statusCode).toBe(400);
    expect(err.message).toBe('event item is not valid UTF-8');
    expect(parseJsonPayload(Buffer.from('{"message":"héllo ✓ 😀"}'), 'event item')).toEqual({ message: 'héllo ✓ 😀' });
  });

  it('reports JSON syntax errors as 400 with the parser message', () => {
    for (const text of ['', '{', '{"a":1,}', 'nul', '{"a":1} x']) {
      const err = thrown(() => parseJsonPayload(Buffer.from(text), 'check_in item'));
      expect(err.statusCode).toBe(400);
      expect(err.message).toMatch(/^check_in item is not valid JSON: ./);
    }
  });

  it('never throws anything but a WatchpostError on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          parseJsonPayload(Buffer.from(bytes), 'x', 5);
        } catch (err) {
          expect(err).toBeInstanceOf(WatchpostError);
        }
      }),
    );
  });
});
