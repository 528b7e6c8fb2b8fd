import { inflateSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WatchpostError } from '../lib/errors.js';
import { LatencySketch, MAX_TRACKED_MS } from './sketch.js';

function sketchOf(values: number[]): LatencySketch {
  const s = LatencySketch.empty();
  for (const v of values) s.add(v);
  return s;
}

/** The element the sketch estimates: rank q·(n−1), rounded down, of the sorted values. */
function exactQuantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(q * (sorted.length - 1))]!;
}

/** Seeded so the reported size is the same on every run. */
function lognormal(n: number, medianMs: number, sigma: number, seed: number): number[] {
  let state = seed;
  const rnd = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return (state + 1) / 2147483649;
  };
  return Array.from({ length: n }, () => medianMs * Math.exp(sigma * Math.sqrt(-2 * Math.log(rnd())) * Math.cos(2 * Math.PI * rnd())));
}

const latencies = fc.array(
  fc.oneof(fc.double({ min: 0.001, max: 1e7, noNaN: true }), fc.constant(0), fc.integer({ min: 1, max: 5000 })),
  { minLength: 1, maxLength: 400 },
);
const QUANTILES = [0, 0.01, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1];

describe('LatencySketch quantiles', () => {
  it('stay within 1% relative error of the exact quantile', () => {
    fc.assert(
      fc.property(latencies, (values) => {
        const s = sketchOf(values);
        for (const q of QUANTILES) {
          const exact = exactQuantile(values, q);
          expect(Math.abs(s.quantile(q)! - exact)).toBeLessThanOrEqual(exact * 0.01 * (1 + 1e-9));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('are within 1% on 10k seeded lognormal latencies', () => {
    const values = lognormal(10_000, 120, 1.2, 7);
    const s = sketchOf(values);
    expect(s.count).toBe(10_000);
    for (const q of [0.5, 0.95, 0.99]) {
      const exact = exactQuantile(values, q);
      expect(s.quantile(q)! / exact).toBeGreaterThanOrEqual(0.99);
      expect(s.quantile(q)! / exact).toBeLessThanOrEqual(1.01);
    }
  });

  it.each([
    { name: 'empty', values: [], q: 0.5, want: null, count: 0 },
    { name: 'zero', values: [0], q: 1, want: 0, count: 1 },
    { name: 'negative clamps to 0', values: [-50, -1], q: 1, want: 0, count: 2 },
    { name: 'sub-microsecond counts as 0', values: [0.0004], q: 1, want: 0, count: 1 },
    { name: 'NaN and Infinity are ignored', values: [NaN, Infinity, -Infinity, 10], q: 0, want: 10, count: 1 },
    { name: 'zeros below positives', values: [0, 0, 0, 200], q: 0.5, want: 0, count: 4 },
  ])('$name', ({ values, q, want, count }) => {
    const s = sketchOf(values);
    expect(s.count).toBe(count);
    if (want === null || want === 0) expect(s.quantile(q)).toBe(want);
    else expect(Math.abs(s.quantile(q)! - want)).toBeLessThanOrEqual(want * 0.01);
  });

  it('clamps absurdly long durations instead of growing without bound', () => {
    const s = sketchOf([1e300, 5]);
    expect(s.quantile(1)!).toBeLessThanOrEqual(MAX_TRACKED_MS * 1.01);
    expect(s.encode().length).toBeLessThan(200);
  });

  it('weights observations by count and rejects a negative count', () => {
    const s = LatencySketch.empty();
    s.add(10, 99);
    s.add(1000, 1);
    s.add(5000, 0);
    expect(s.count).toBe(100);
    expect(s.quantile(0.5)!).toBeCloseTo(10, 0);
    expect(() => s.add(10, -1)).toThrow(WatchpostError);
    expect(() => s.quantile(1.5)).toThrow(WatchpostError);
    expect(() => s.quantile(NaN)).toThrow(WatchpostError);
  });
});

describe('LatencySketch merge', () => {
  it('equals the sketch of the union, byte for byte', () => {
    fc.assert(
      fc.property(latencies, latencies, (a, b) => {
        const merged = sketchOf(a);
        merged.merge(sketchOf(b));
        const union = sketchOf([...a, ...b]);
        expect(merged.count).toBe(union.count);
        expect(merged.encode().equals(union.encode())).toBe(true);
        for (const q of QUANTILES) expect(merged.quantile(q)).toBe(union.quantile(q));
      }),
      { numRuns: 200 },
    );
  });

  it('merges into stored bytes exactly as decode, merge and encode do (the rollup write path)', () => {
    fc.assert(
      fc.property(latencies, latencies, (a, b) => {
        const stored = sketchOf(a).encode();
        const viaSketch = LatencySketch.decode(stored);
        viaSketch.merge(sketchOf(b));
        const other = sketchOf(b);
        const otherBefore = other.encode();
        expect(LatencySketch.mergeEncoded(stored, other).equals(viaSketch.encode())).toBe(true);
        expect(LatencySketch.mergeEncoded(stored, other).equals(sketchOf([...a, ...b]).encode())).toBe(true);
        expect(other.encode().equals(otherBefore)).toBe(true);
      }),
      { numRuns: 200 },
    );
    expect(() => LatencySketch.mergeEncoded(Buffer.from([0x0a, 0x05, 0x01]), sketchOf([1]))).toThrow(WatchpostError);
  });

  it('handles empty sides, decoded sketches and leaves the argument unchanged', () => {
    const a = sketchOf([1, 2, 3]);
    const before = a.encode();
    const empty = LatencySketch.empty();
    empty.merge(a);
    a.merge(LatencySketch.empty());
    expect(a.encode().equals(before)).toBe(true);
    expect(empty.encode().equals(before)).toBe(true);
    const fromBlob = LatencySketch.decode(before);
    fromBlob.merge(LatencySketch.decode(sketchOf([0.99, 1000]).encode()));
    expect(fromBlob.encode().equals(sketchOf([1, 2, 3, 0.99, 1000]).encode())).toBe(true);
  });
});

describe('LatencySketch encode/decode', () => {
  it('round-trips every sketch', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -10, max: 1e8, noNaN: true }), { maxLength: 300 }), (values) => {
        const s = sketchOf(values);
        const back = LatencySketch.decode(s.encode());
        expect(back.count).toBe(s.count);
        expect(back.encode().equals(s.encode())).toBe(true);
        for (const q of QUANTILES) expect(back.quantile(q)).toBe(s.quantile(q));
      }),
      { numRuns: 200 },
    );
  });

  it('keeps the wire bytes stable (DDSketch.proto, checked against protobufjs)', () => {
    expect(sketchOf([0, 1, 5, 5, 120]).encode().toString('base64')).toBe(
      'ChQJ/UqBWr9S8D8RAAAAAAAAAAAYABIoCgwIogERAAAAAAAAAEAKDAjgAxEAAAAAAADwPxIIAAAAAAAA8D8YABoCGAAhAAAAAAAA8D8=',
    );
  });

  it("reads the library's own toProto() output (padded contiguous bins)", () => {
    // DDSketch().accept(each of [0, 1, 5, 5, 120, 3000]).toProto() from @datadog/sketches-js 2.1.1
    // with protobufjs installed, deflated here because it is 4,139 bytes of mostly zero padding.
    const golden = inflateSync(
      Buffer.from('eJzjEuH869UYtT/og70gAxRIMAi1Kgg1KDCMgiEMPtgPtAtGwShgYGBwGGgHjIJRMApGAX3BaP07CkbBKBjpYLQcHKpAIleKSYJBEcL5YA8Aq+ML8g==', 'base64'),
    );
    expect(golden.length).toBe(4139);
    const s = LatencySketch.decode(golden);
    expect(s.count).toBe(6);
    expect([0, 0.2, 0.5, 0.8, 1].map((q) => s.quantile(q))).toEqual([0, 0.9900000000000001, 5.002829575110742, 120.31456328864704, 3011.5705935109286]);
    expect(s.encode().length).toBeLessThan(120);
  });

  it('stays small for 10k latencies', () => {
    const sizes = {
      lognormal: sketchOf(lognormal(10_000, 120, 1.2, 7)).encode().length,
      uniform: sketchOf(Array.from({ length: 10_000 }, (_, i) => 1 + i)).encode().length,
      fiveValues: sketchOf([3, 40, 41, 900, 12_000]).encode().length,
    };
    console.log('encoded LatencySketch bytes', sizes);
    expect(sizes.lognormal).toBeLessThan(4096);
    expect(sizes.uniform).toBeLessThan(4096);
    expect(sizes.fiveValues).toBeLessThan(128);
  });

  it.each([
    { name: 'empty input', bytes: Buffer.alloc(0) },
    { name: 'truncated', bytes: sketchOf([1, 2, 3]).encode().subarray(0, 20) },
    { name: 'a 2% accuracy mapping', bytes: withGamma(sketchOf([5]).encode(), 1.0408163265306123) },
    { name: 'a bin key far outside the tracked range', bytes: storeBytes([[5000, 1]]) },
    { name: 'a negative bin count', bytes: storeBytes([[10, -3]]) },
    { name: 'a NaN bin count', bytes: storeBytes([[10, NaN]]) },
    { name: 'an unknown wire type', bytes: Buffer.from([0x0b, 0x00]) },
  ])('rejects $name with a WatchpostError', ({ bytes }) => {
    expect(() => LatencySketch.decode(bytes)).toThrow(WatchpostError);
  });

  it('never throws anything but a WatchpostError on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          LatencySketch.decode(bytes);
        } catch (err) {
          expect(err).toBeInstanceOf(WatchpostError);
        }
      }),
    );
  });
});

/** Replaces the mapping's gamma, which sits right after the 0x0a <len> 0x09 prefix. */
function withGamma(encoded: Buffer, gamma: number): Buffer {
  const copy = Buffer.from(encoded);
  copy.writeDoubleLE(gamma, 3);
  return copy;
}

/** A valid 1% mapping plus a positive store with the given sparse bins. */
function storeBytes(bins: Array<[number, number]>): Buffer {
  const mapping = sketchOf([]).encode().subarray(0, 22);
  const entries = bins.map(([key, weight]) => {
    const value = Buffer.alloc(8);
    value.writeDoubleLE(weight);
    const zz = key >= 0 ? key * 2 : -key * 2 - 1;
    const keyBytes = zz < 128 ? [zz] : [(zz % 128) | 0x80, Math.floor(zz / 128)];
    const body = Buffer.concat([Buffer.from([0x08, ...keyBytes, 0x11]), value]);
    return Buffer.concat([Buffer.from([0x0a, body.length]), body]);
  });
  const store = Buffer.concat(entries);
  return Buffer.concat([mapping, Buffer.from([0x12, store.length]), store]);
}
