import { DDSketch } from '@datadog/sketches-js';
import { fail } from '../lib/errors.js';

/**
 * A mergeable latency quantile sketch (DDSketch, 1% relative accuracy) for rollup tables: one per
 * endpoint/span group and time bucket, merged at query time to answer p50/p95/p99 over any range.
 *
 * Why not the library's `toProto()`/`fromProto()`: @datadog/sketches-js 2.1.1 requires
 * `protobufjs/minimal` at runtime but lists it only as a devDependency (DataDog/sketches-js#26), so
 * both throw "Cannot find module". They also write every padded bin (a 5-value sketch is ~2 KiB).
 * We write the same DDSketch.proto schema by hand: the dense middle as packed contiguous counts,
 * outlying bins in the sparse `binCounts` map. The Go/Java/Python DDSketch readers accept both;
 * sketches-js's own `fromProto` reads only the contiguous part, so use `decode()` here.
 *
 * Why not the library's `merge()`: it forgets the negative store and, when the other sketch's
 * highest key is 0 (values in (0.98, 1] ms), does not extend the range, so a later bin shift can
 * drop those counts. We merge bin by bin through `store.add`, which extends ranges correctly.
 */

const RELATIVE_ACCURACY = 0.01;
/** Values below 1 µs count as 0: finer resolution is noise, and tiny keys would bloat the dense store. */
export const MIN_TRACKED_MS = 0.001;
/** Values above ~11.6 days are clamped, which bounds the number of bins (and bytes) per sketch. */
export const MAX_TRACKED_MS = 1e9;

export class LatencySketch {
  private constructor(private readonly sketch: DDSketch) {}

  /** A new, empty sketch with 1% relative accuracy. */
  static empty(): LatencySketch {
    return new LatencySketch(new DDSketch({ relativeAccuracy: RELATIVE_ACCURACY }));
  }

  /** Reads bytes written by `encode()` (or any DDSketch.proto with the same mapping). */
  static decode(bytes: Uint8Array): LatencySketch {
    const { positive, zeroCount } = readChecked(bytes);
    const out = LatencySketch.empty();
    // The extremes first: the store then grows once instead of re-shifting its bins for each key.
    let lo = 0;
    let hi = 0;
    positive.forEach(([key], i) => {
      if (key < positive[lo]![0]) lo = i;
      if (key > positive[hi]![0]) hi = i;
    });
    if (positive.length > 0) out.addToStore(...positive[lo]!);
    if (hi !== lo) out.addToStore(...positive[hi]!);
    positive.forEach((bin, i) => {
      if (i !== lo && i !== hi) out.addToStore(...bin);
    });
    if (zeroCount > 0) out.sketch.accept(0, zeroCount);
    return out;
  }

  /**
   * `stored` (bytes from `encode()`) plus every observation of `other`, encoded: what the rollup
   * writer does for each row a batch touches. The bins are summed in one plain array, which costs
   * a fraction of decoding into a sketch, merging and encoding it (same bytes).
   */
  static mergeEncoded(stored: Uint8Array, other: LatencySketch): Buffer {
    const { positive, zeroCount } = readChecked(stored);
    const { store } = other.sketch;
    const bins = store.bins;
    let lo = Infinity;
    let hi = -Infinity;
    for (const [key] of positive) {
      if (key < lo) lo = key;
      if (key > hi) hi = key;
    }
    for (let i = 0; i < bins.length; i++) {
      if ((bins[i] ?? 0) > 0) {
        lo = Math.min(lo, i + store.offset);
        hi = Math.max(hi, i + store.offset);
      }
    }
    const merged: number[] = hi >= lo ? new Array<number>(hi - lo + 1).fill(0) : [];
    for (const [key, weight] of positive) merged[key - lo]! += weight;
    for (let i = 0; i < bins.length; i++) {
      const weight = bins[i] ?? 0;
      if (weight > 0) merged[i + store.offset - lo]! += weight;
    }
    return encodeBins(merged, hi >= lo ? lo : 0, zeroCount + other.sketch.zeroCount);
  }

  /** Records `count` observations of `valueMs`; negatives count as 0, NaN/Infinity are ignored. */
  add(valueMs: number, count = 1): void {
    if (!Number.isFinite(count) || count < 0) throw fail('WP_ERR_INTERNAL', `Sketch weight must be a finite number ≥ 0, got ${count}`);
    if (count === 0 || !Number.isFinite(valueMs)) return;
    const value = valueMs < MIN_TRACKED_MS ? 0 : Math.min(valueMs, MAX_TRACKED_MS);
    this.sketch.accept(value, count);
  }

  /** Adds every observation of `other` to this sketch; `other` is left unchanged. */
  merge(other: LatencySketch): void {
    const { store } = other.sketch;
    for (let i = 0; i < store.bins.length; i++) {
      const weight = store.bins[i] ?? 0;
      if (weight > 0) this.addToStore(i + store.offset, weight);
    }
    if (other.sketch.zeroCount > 0) this.sketch.accept(0, other.sketch.zeroCount);
  }

  /** The value at quantile `q` (0..1) within 1% relative error, or null when the sketch is empty. */
  quantile(q: number): number | null {
    if (!(q >= 0 && q <= 1)) throw fail('WP_ERR_VALIDATION', `Quantile must be between 0 and 1, got ${q}`);
    if (this.sketch.count <= 0) return null;
    return this.sketch.getValueAtQuantile(q);
  }

  /** Number of observations (sum of weights). */
  get count(): number {
    return this.sketch.count;
  }

  /** DDSketch.proto bytes (non-empty bins only) to store in a BLOB/bytea column. */
  encode(): Buffer {
    const { store, zeroCount } = this.sketch;
    return encodeBins(store.bins, store.offset, zeroCount);
  }

  private addToStore(key: number, weight: number): void {
    // Bypasses accept(): keys come from a sketch with the same mapping, so no value round trip.
    this.sketch.store.add(key, weight);
    this.sketch.count += weight;
  }
}

const MAPPING = new DDSketch({ relativeAccuracy: RELATIVE_ACCURACY }).mapping;
const GAMMA = MAPPING.gamma;
/** Bin keys a sketch of ours can hold; a stored key outside them means corrupt bytes. */
const MIN_KEY = MAPPING.key(MIN_TRACKED_MS) - 1;
const MAX_KEY = MAPPING.key(MAX_TRACKED_MS) + 1;

/** Positive bins and the zero count of stored bytes, after checking they use our mapping. */
function readChecked(bytes: Uint8Array): { positive: Array<[number, number]>; zeroCount: number } {
  const decoded = decodeProto(bytes);
  if (Math.abs(decoded.gamma - GAMMA) > 1e-9 * GAMMA || decoded.indexOffset !== 0 || decoded.interpolation !== 0) {
    throw corrupt('the index mapping is not a 1% logarithmic mapping');
  }
  for (const [key] of decoded.positive) {
    if (key < MIN_KEY || key > MAX_KEY) throw corrupt(`bin key ${key} is outside the tracked range`);
  }
  // We clamp negative values to 0 when adding, so negative bins from elsewhere fold into zero.
  let zeroCount = decoded.zeroCount;
  for (const [, weight] of decoded.negative) zeroCount += weight;
  return { positive: decoded.positive, zeroCount };
}

/** Bins `bins[i]` of key `offset + i`, and the zero count, as DDSketch.proto. */
function encodeBins(bins: readonly number[], offset: number, zeroCount: number): Buffer {
  const [from, to] = denseWindow(bins);
  const w = new ProtoWriter();
  w.message(1, (m) => {
    m.double(1, GAMMA);
    m.double(2, 0); // indexOffset
    m.varintField(3, 0); // interpolation NONE
  });
  w.message(2, (m) => {
    bins.forEach((weight, i) => {
      if (weight > 0 && (i < from || i >= to)) m.binEntry(i + offset, weight);
    });
    if (to > from) m.packedDoubles(2, bins.slice(from, to));
    m.varintField(3, zigzag(to > from ? offset + from : 0));
  });
  w.message(3, (m) => m.varintField(3, 0)); // an empty negative store: DDSketch readers expect one
  w.double(4, zeroCount);
  return w.finish();
}

function corrupt(why: string): Error {
  return fail('WP_ERR_INTERNAL', `Stored latency sketch is corrupt: ${why}`);
}

/**
 * The bin range [from, to) to write as packed contiguous doubles (8 bytes per bin, zeros included);
 * bins outside it go to the sparse `binCounts` map (~14 bytes per non-empty bin). Choosing the
 * window is a maximum-subarray problem over "bytes saved by including bin i": Kadane's algorithm.
 */
function denseWindow(bins: readonly number[]): [number, number] {
  let best = 0;
  let bestRange: [number, number] = [0, 0];
  let run = 0;
  let runStart = 0;
  bins.forEach((weight, i) => {
    if (run <= 0) {
      run = 0;
      runStart = i;
    }
    run += (weight > 0 ? SPARSE_ENTRY_BYTES : 0) - 8;
    if (run > best) {
      best = run;
      bestRange = [runStart, i + 1];
    }
  });
  return bestRange;
}

const SPARSE_ENTRY_BYTES = 14;

function zigzag(n: number): number {
  return n >= 0 ? n * 2 : -n * 2 - 1;
}

const scratch = new DataView(new ArrayBuffer(8));

/**
 * Just enough protobuf writing for DDSketch.proto: varints, doubles, nested messages. Bytes go into
 * one plain array and become a Buffer once, at the end: sketches are encoded on every ingest batch,
 * and a Buffer per field made the encoder the largest allocation on the transaction path.
 */
class ProtoWriter {
  private readonly out: number[] = [];

  private varint(n: number): void {
    let v = n;
    while (v >= 0x80) {
      this.out.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    this.out.push(v);
  }

  private rawDouble(n: number): void {
    scratch.setFloat64(0, n, true);
    for (let i = 0; i < 8; i++) this.out.push(scratch.getUint8(i));
  }

  varintField(field: number, n: number): void {
    this.varint(field * 8);
    this.varint(n);
  }

  double(field: number, n: number): void {
    this.varint(field * 8 + 1);
    this.rawDouble(n);
  }

  packedDoubles(field: number, values: number[]): void {
    this.varint(field * 8 + 2);
    this.varint(values.length * 8);
    for (const v of values) this.rawDouble(v);
  }

  /** One `map<sint32, double> binCounts = 1` entry. */
  binEntry(key: number, weight: number): void {
    this.message(1, (e) => {
      e.varintField(1, zigzag(key));
      e.double(2, weight);
    });
  }

  message(field: number, build: (w: ProtoWriter) => void): void {
    const inner = new ProtoWriter();
    build(inner);
    this.varint(field * 8 + 2);
    this.varint(inner.out.length);
    for (const b of inner.out) this.out.push(b);
  }

  finish(): Buffer {
    return Buffer.from(this.out);
  }
}

interface DecodedSketch {
  gamma: number;
  indexOffset: number;
  interpolation: number;
  positive: Array<[number, number]>;
  negative: Array<[number, number]>;
  zeroCount: number;
}

/** Reads one protobuf message; unknown fields are skipped, truncation and bad wire types throw. */
class ProtoReader {
  pos = 0;
  constructor(private readonly buf: Buffer) {}

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  varint(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.buf.length) throw corrupt('truncated varint');
      const byte = this.buf[this.pos++]!;
      result += (byte & 0x7f) * scale;
      if (byte < 0x80) return result;
      scale *= 0x80;
    }
    throw corrupt('varint too long');
  }

  double(): number {
    if (this.pos + 8 > this.buf.length) throw corrupt('truncated double');
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }

  bytes(): ProtoReader {
    const len = this.varint();
    if (this.pos + len > this.buf.length) throw corrupt('truncated field');
    const sub = new ProtoReader(this.buf.subarray(this.pos, this.pos + len));
    this.pos += len;
    return sub;
  }

  skip(wireType: number): void {
    if (wireType === 0) this.varint();
    else if (wireType === 1) this.double();
    else if (wireType === 2) this.bytes();
    else if (wireType === 5 && this.pos + 4 <= this.buf.length) this.pos += 4;
    else throw corrupt(`unsupported wire type ${wireType}`);
  }
}

function unzigzag(n: number): number {
  return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
}

function decodeProto(bytes: Uint8Array): DecodedSketch {
  const r = new ProtoReader(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  const out: DecodedSketch = { gamma: NaN, indexOffset: 0, interpolation: 0, positive: [], negative: [], zeroCount: 0 };
  while (!r.done) {
    const tag = r.varint();
    const field = Math.floor(tag / 8);
    const wire = tag % 8;
    if (field === 1 && wire === 2) {
      const m = r.bytes();
      while (!m.done) {
        const t = m.varint();
        if (t === 9) out.gamma = m.double();
        else if (t === 17) out.indexOffset = m.double();
        else if (t === 24) out.interpolation = m.varint();
        else m.skip(t % 8);
      }
    } else if ((field === 2 || field === 3) && wire === 2) {
      readStore(r.bytes(), field === 2 ? out.positive : out.negative);
    } else if (field === 4 && wire === 1) {
      out.zeroCount = r.double();
    } else {
      r.skip(wire);
    }
  }
  if (!Number.isFinite(out.gamma)) throw corrupt('no index mapping');
  const weights = [out.zeroCount, ...out.positive.map(([, w]) => w), ...out.negative.map(([, w]) => w)];
  if (!weights.every((w) => Number.isFinite(w) && w >= 0)) throw corrupt('a bin count is negative or not finite');
  return out;
}

/** Store = map<sint32,double> binCounts = 1; packed double contiguousBinCounts = 2; sint32 offset = 3. */
function readStore(m: ProtoReader, into: Array<[number, number]>): void {
  const contiguous: number[] = [];
  let offset = 0;
  while (!m.done) {
    const t = m.varint();
    if (t === 10) {
      const entry = m.bytes();
      let key = 0;
      let value = 0;
      while (!entry.done) {
        const et = entry.varint();
        if (et === 8) key = unzigzag(entry.varint());
        else if (et === 17) value = entry.double();
        else entry.skip(et % 8);
      }
      if (value !== 0) into.push([key, value]);
    } else if (t === 18) {
      const packed = m.bytes();
      while (!packed.done) contiguous.push(packed.double());
    } else if (t === 17) {
      contiguous.push(m.double()); // unpacked repeated double, also legal protobuf
    } else if (t === 24) {
      offset = unzigzag(m.varint());
    } else {
      m.skip(t % 8);
    }
  }
  contiguous.forEach((w, i) => {
    if (w !== 0) into.push([offset + i, w]);
  });
}
