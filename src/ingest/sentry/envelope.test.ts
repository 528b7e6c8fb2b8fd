import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WatchpostError } from '../../lib/errors.js';
import { DEFAULT_ENVELOPE_LIMITS, parseEnvelope, serializeEnvelope, type EnvelopeItemInput } from './envelope.js';

function thrown(fn: () => unknown): WatchpostError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(WatchpostError);
    return err as WatchpostError;
  }
  throw new Error('expected a WatchpostError');
}

const jsonClone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** Extra item-header fields; `type` and `length` are set by the generators below. */
const extraFields = fc.dictionary(
  fc.string({ maxLength: 8 }).filter((k) => k !== 'type' && k !== 'length'),
  fc.jsonValue({ maxDepth: 2 }),
  { maxKeys: 3 },
);
// At most one event-like item per envelope, so the generators only draw other types.
const itemType = fc.constantFrom('attachment', 'session', 'sessions', 'check_in', 'client_report', 'log', 'span', 'profile', 'x-custom');
const lengthItem = fc.record({ type: itemType, extra: extraFields, payload: fc.uint8Array({ maxLength: 400 }) }).map(
  ({ type, extra, payload }): EnvelopeItemInput => ({
    header: { ...extra, type, length: payload.length },
    payload: Buffer.from(payload),
  }),
);
const lineItem = fc.record({ type: itemType, extra: extraFields, payload: fc.string({ maxLength: 200 }) }).map(
  ({ type, extra, payload }): EnvelopeItemInput => ({ header: { ...extra, type }, payload: payload.replaceAll('\n', ' ') }),
);
const envelopeHeader = fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 4 });

function payloadBytes(item: EnvelopeItemInput): Buffer {
  return Buffer.isBuffer(item.payload) ? item.payload : Buffer.from(item.payload as string);
}

describe('parseEnvelope', () => {
  it('parses what the Sentry SDKs send', () => {
    const event = { event_id: '9ec79c33ec9942ab8353589fcb2e04dc', message: 'Hello' };
    const body = Buffer.from(
      `{"event_id":"9ec79c33ec9942ab8353589fcb2e04dc","dsn":"https://e12d836b15bb49d7bbf99e64295d995b@sentry.io/42"}\n` +
        `{"type":"attachment","length":10,"content_type":"text/plain","filename":"hello.txt"}\n\xef\xbb\xbfHello\r\n\n` +
        `{"type":"event","length":${JSON.stringify(event).length},"content_type":"application/json"}\n${JSON.stringify(event)}\n` +
        `{"type":"client_report"}\n{"discarded_events":[]}\n`,
      'latin1',
    );
    const env = parseEnvelope(body);
    expect(env.header).toEqual({ event_id: '9ec79c33ec9942ab8353589fcb2e04dc', dsn: 'https://e12d836b15bb49d7bbf99e64295d995b@sentry.io/42' });
    expect(env.items.map((i) => i.type)).toEqual(['attachment', 'event', 'client_report']);
    expect(env.items[0]!.payload).toEqual(Buffer.from('\xef\xbb\xbfHello\r\n', 'latin1'));
    expect(JSON.parse(env.items[1]!.payload.toString())).toEqual(event);
    expect(env.items[2]!.payload.toString()).toBe('{"discarded_events":[]}');
    // Payloads are views into the body, not copies.
    expect(env.items[1]!.payload.buffer).toBe(body.buffer);
  });

  it('accepts an envelope of just a header, with or without newlines', () => {
    for (const text of ['{}', '{}\n', '{}\n\n\n', '{"event_id":"x"}\n']) {
      expect(parseEnvelope(Buffer.from(text)).items).toEqual([]);
    }
  });

  it('handles empty payloads with and without length, including at the very end', () => {
    const env = parseEnvelope(Buffer.from('{}\n{"type":"a"}\n\n{"type":"b","length":0}\n\n{"type":"c"}'));
    expect(env.items.map((i) => [i.type, i.payload.length])).toEqual([
      ['a', 0],
      ['b', 0],
      ['c', 0],
    ]);
  });

  it('round-trips any items through serializeEnvelope', () => {
    fc.assert(
      fc.property(
        envelopeHeader,
        fc.array(fc.oneof(lengthItem, lineItem), { maxLength: 8 }),
        fc.option(fc.constantFrom('event', 'transaction')),
        fc.boolean(),
        (header, items, eventType, trailingNewline) => {
          const all = eventType ? [...items, { header: { type: eventType }, payload: { event_id: 'e' } }] : items;
          let body = serializeEnvelope(header, all);
          if (trailingNewline) body = Buffer.concat([body, Buffer.from('\n')]);
          const env = parseEnvelope(body);
          expect(env.header).toEqual(jsonClone(header));
          expect(env.items).toHaveLength(all.length);
          env.items.forEach((item, i) => {
            const input = all[i]!;
            expect(item.header).toEqual(jsonClone(input.header));
            expect(item.type).toBe(input.header.type);
            const expected = Buffer.isBuffer(input.payload) || typeof input.payload === 'string' ? payloadBytes(input) : Buffer.from(JSON.stringify(input.payload));
            expect(item.payload.equals(expected)).toBe(true);
          });
        },
      ),
    );
  });

  it('parses any truncation of an envelope to a prefix of its items, or refuses it with 400', () => {
    fc.assert(
      fc.property(envelopeHeader, fc.array(lengthItem, { minLength: 1, maxLength: 5 }), fc.nat(), (header, items, cutSeed) => {
        const body = serializeEnvelope(header, items);
        const cut = cutSeed % (body.length + 1);
        let env;
        try {
          env = parseEnvelope(body.subarray(0, cut));
        } catch (err) {
          expect(err).toBeInstanceOf(WatchpostError);
          expect([400, 413]).toContain((err as WatchpostError).statusCode);
          return;
        }
        expect(env.header).toEqual(jsonClone(header));
        expect(env.items.length).toBeLessThanOrEqual(items.length);
        env.items.forEach((item, i) => {
          expect(item.header).toEqual(jsonClone(items[i]!.header));
          expect(item.payload.equals(payloadBytes(items[i]!))).toBe(true);
        });
      }),
    );
  });

  it('parses a cut exactly at an item boundary to exactly the items before it', () => {
    fc.assert(
      fc.property(envelopeHeader, fc.array(lengthItem, { maxLength: 5 }), fc.nat(), (header, items, k) => {
        const keep = k % (items.length + 1);
        const body = serializeEnvelope(header, items);
        const cut = serializeEnvelope(header, items.slice(0, keep)).length;
        expect(parseEnvelope(body.subarray(0, cut)).items).toHaveLength(keep);
      }),
    );
  });

  it('never throws anything but a WatchpostError on random input', () => {
    const fragment = fc.oneof(
      fc.constantFrom('{}', '\n', '{"type":"event"', ',"length":', '3', '-1', '}', '{"type":"attachment","length":2}', 'ab', '[', '"', 'null', '"x"', '{"type":null}'),
      fc.uint8Array({ maxLength: 20 }).map((b) => Buffer.from(b).toString('latin1')),
    );
    fc.assert(
      fc.property(fc.array(fragment, { maxLength: 30 }), (parts) => {
        try {
          parseEnvelope(Buffer.from(parts.join(''), 'latin1'), { ...DEFAULT_ENVELOPE_LIMITS, maxItems: 5, maxJsonDepth: 4 });
        } catch (err) {
          expect(err).toBeInstanceOf(WatchpostError);
        }
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        try {
          parseEnvelope(Buffer.from(bytes));
        } catch (err) {
          expect(err).toBeInstanceOf(WatchpostError);
        }
      }),
    );
  });

  it('refuses an item whose declared length is not its real length', () => {
    const newlineFree = fc.uint8Array({ minLength: 1, maxLength: 200 }).map((b) => Buffer.from(b.map((x) => (x === 0x0a ? 0x20 : x))));
    fc.assert(
      fc.property(fc.array(lengthItem, { maxLength: 3 }), newlineFree, fc.integer({ min: -50, max: 50 }), (before, payload, delta) => {
        fc.pre(delta !== 0 && payload.length + delta >= 0);
        const lying = { header: { type: 'event', length: payload.length + delta }, payload };
        const err = thrown(() => parseEnvelope(serializeEnvelope({}, [...before, lying])));
        expect(err.statusCode).toBe(400);
        expect(err.message).toContain(`item ${before.length + 1} (event) declares length ${payload.length + delta} but`);
      }),
    );
  });

  it('names the item in the lying-length message', () => {
    const body = Buffer.from('{}\n{"type":"attachment"}\nx\n{"type":"event","length":500}\n{"message":"short"}');
    expect(thrown(() => parseEnvelope(body)).message).toBe('item 2 (event) declares length 500 but only 19 bytes follow');
  });

  it('refuses headers that are not objects or lack a type', () => {
    const cases: [string, string][] = [
      ['[]\n', 'envelope header is not a JSON object'],
      ['not json\n', 'envelope header is not valid JSON'],
      ['{}\n[1]\n', 'item 1 header is not a JSON object'],
      ['{}\n{"length":2}\nab', 'item 1 header has no "type" string'],
      ['{}\n{"type":7}\n{}', 'item 1 header has no "type" string'],
      ['{}\n{"type":"event","length":-1}\n', 'item 1 (event) has an invalid length'],
      ['{}\n{"type":"event","length":1.5}\nab', 'item 1 (event) has an invalid length'],
      ['{}\n{"type":"event","length":"2"}\nab', 'item 1 (event) has an invalid length'],
      [`{"a":${'['.repeat(500)}}`, 'envelope header is nested deeper than 100 levels'],
    ];
    for (const [text, message] of cases) {
      const err = thrown(() => parseEnvelope(Buffer.from(text)));
      expect(err.statusCode, text).toBe(400);
      expect(err.message).toContain(message);
    }
  });

  it('refuses a second event or transaction in one envelope', () => {
    for (const [a, b] of [['event', 'event'], ['event', 'transaction'], ['transaction', 'transaction']] as const) {
      const body = serializeEnvelope({}, [{ header: { type: a }, payload: {} }, { header: { type: 'attachment' }, payload: 'x' }, { header: { type: b }, payload: {} }]);
      const err = thrown(() => parseEnvelope(body));
      expect(err.statusCode).toBe(400);
      expect(err.message).toContain('more than one event or transaction');
    }
  });

  it('enforces per-type size limits with 413 naming the type and limit', () => {
    const cases: [string, number, string][] = [
      ['event', 1024 * 1024 + 1, '1 MiB'],
      ['transaction', 1024 * 1024 + 1, '1 MiB'],
      ['check_in', 100 * 1024 + 1, '100 KiB'],
      ['sessions', 100 * 1024 + 1, '100 KiB'],
      ['client_report', 4 * 1024 + 1, '4 KiB'],
      ['attachment', 20 * 1024 * 1024 + 1, '20 MiB'],
      ['some_future_type', 20 * 1024 * 1024 + 1, '20 MiB'],
    ];
    for (const [type, size, limit] of cases) {
      for (const withLength of [true, false]) {
        const header = withLength ? { type, length: size } : { type };
        const err = thrown(() => parseEnvelope(serializeEnvelope({}, [{ header, payload: Buffer.alloc(size, 0x61) }])));
        expect(err.statusCode).toBe(413);
        expect(err.code).toBe('WP_ERR_BODY_TOO_LARGE');
        expect(err.message).toBe(`item 1 (${type}) is larger than the ${limit} limit for ${type} items`);
      }
      const atLimit = serializeEnvelope({}, [{ header: { type, length: size - 1 }, payload: Buffer.alloc(size - 1, 0x61) }]);
      expect(parseEnvelope(atLimit).items[0]!.payload).toHaveLength(size - 1);
    }
  });

  it('refuses a declared length over the limit before looking for the bytes', () => {
    const err = thrown(() => parseEnvelope(Buffer.from('{}\n{"type":"check_in","length":999999999}\n{}')));
    expect(err.statusCode).toBe(413);
  });

  it('refuses more than maxItems items with 413', () => {
    const items = Array.from({ length: 101 }, () => ({ header: { type: 'session' }, payload: '{}' }));
    expect(parseEnvelope(serializeEnvelope({}, items.slice(1))).items).toHaveLength(100);
    const err = thrown(() => parseEnvelope(serializeEnvelope({}, items)));
    expect(err.statusCode).toBe(413);
    expect(err.message).toBe('envelope has more than 100 items');
  });
});

describe('serializeEnvelope', () => {
  it('refuses a newline in a payload without a length, which could not be framed', () => {
    expect(() => serializeEnvelope({}, [{ header: { type: 'attachment' }, payload: 'a\nb' }])).toThrow(RangeError);
  });
});
