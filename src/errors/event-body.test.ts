import { deflateRawSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeEventBody, encodeEventBody } from './event-body.js';

describe('stored event bodies', () => {
  it('round-trips any JSON text, including non-ASCII and empty', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const json = JSON.stringify(value) ?? 'null';
        expect(decodeEventBody(encodeEventBody(json))).toBe(json);
      }),
      { numRuns: 300 },
    );
    expect(decodeEventBody(encodeEventBody(''))).toBe('');
    expect(decodeEventBody(encodeEventBody('{"message":"Grüße, 日本 🎉"}'))).toBe('{"message":"Grüße, 日本 🎉"}');
  });

  it('reads rows written before the marker (raw deflate, at any level)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.integer({ min: 0, max: 9 }), (value, level) => {
        const json = JSON.stringify(value) ?? 'null';
        expect(decodeEventBody(deflateRawSync(json, { level }))).toBe(json);
      }),
      { numRuns: 300 },
    );
  });

  it('is a buffer of its own, smaller than the text for a real-sized event', () => {
    const json = JSON.stringify({ exception: { values: Array.from({ length: 20 }, (_, i) => ({ type: 'TypeError', value: `failed ${i}`, stacktrace: { frames: [{ filename: `/app/src/m${i}.js`, function: `handler${i}`, lineno: i }] } })) } });
    const body = encodeEventBody(json);
    expect(body.byteLength).toBe(body.buffer.byteLength);
    expect(body.length).toBeLessThan(json.length / 3);
    expect(decodeEventBody(new Uint8Array(body))).toBe(json);
  });
});
