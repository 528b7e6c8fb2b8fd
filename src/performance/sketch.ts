import { endianness } from 'node:os';
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
    const { keys, weights } = positive;
    const out = LatencySketch.empty();
    // The extremes first: the store then grows once instead of re-shifting its bins for each key.
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < keys.length; i++) {
      if (keys[i]! < keys[lo]!) lo = i;
      if (keys[i]! > keys[hi]!) hi = i;
    }
    if (keys.length > 0) out.addToStore(keys[lo]!, weights[lo]!);
    if (hi !== lo) out.addToStore(keys[hi]!, weights[hi]!);
    for (let i = 0; i < keys.length; i++) {
      if (i !== lo && i !== hi) out.addToStore(keys[i]!, weights[i]!);
    }
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
    const { keys, weights } = positive;
    const { store } = other.sketch;
    const bins = store.bins;
    let lo = Infinity;
    let hi = -Infinity;
    for (const key of keys) {
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
    for (let i = 0; i < keys.length; i++) merged[keys[i]! - lo]! += weights[i]!;
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
function readChecked(bytes: Uint8Array): { positive: Bins; zeroCount: number } {
  const decoded = decodeProto(bytes);
  if (Math.abs(decoded.gamma - GAMMA) > 1e-9 * GAMMA || decoded.indexOffset !== 0 || decoded.interpolation !== 0) {
    throw corrupt('the index mapping is not a 1% logarithmic mapping');
  }
  for (const key of decoded.positive.keys) {
    if (key < MIN_KEY || key > MAX_KEY) throw corrupt(`bin key ${key} is outside the tracked range`);
  }
  // We clamp negative values to 0 when adding, so negative bins from elsewhere fold into zero.
  let zeroCount = decoded.zeroCount;
  for (const weight of decoded.negative.weights) zeroCount += weight;
  return { positive: decoded.positive, zeroCount };
}

/**
 * Bins `bins[i]` of key `offset + i`, and the zero count, as DDSketch.proto. Every rollup row a merge
 * touches is re-encoded, so this sizes the message first and writes it into one Buffer (a byte array
 * grown by push, with a nested writer per message, was most of the merge's encoding time).
 *   1 mapping {1 gamma, 2 indexOffset = 0, 3 interpolation = NONE}
 *   2 positive store {1 binCounts map entries (outside the dense window), 2 packed contiguous
 *     counts, 3 contiguousBinIndexOffset (zigzag)}
 *   3 negative store {3 offset = 0} (empty: DDSketch readers expect one)
 *   4 zeroCount
 */
function encodeBins(bins: readonly number[], offset: number, zeroCount: number): Buffer {
  const [from, to] = denseWindow(bins);
  let sparseBytes = 0;
  for (let i = 0; i < bins.length; i++) {
    if ((bins[i] ?? 0) > 0 && (i < from || i >= to)) sparseBytes += 2 + entryLength(i + offset);
  }
  const packedBytes = to > from ? 1 + varintLength((to - from) * 8) + (to - from) * 8 : 0;
  const offsetField = zigzag(to > from ? offset + from : 0);
  const storeBytes = sparseBytes + packedBytes + 1 + varintLength(offsetField);
  const out = Buffer.allocUnsafe(MAPPING_BYTES.length + 1 + varintLength(storeBytes) + storeBytes + NEGATIVE_STORE_BYTES.length + 9);
  let pos = MAPPING_BYTES.copy(out, 0);
  const varint = (n: number) => {
    let v = n;
    while (v >= 0x80) {
      out[pos++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    out[pos++] = v;
  };
  out[pos++] = 0x12; // field 2, length-delimited
  varint(storeBytes);
  for (let i = 0; i < bins.length; i++) {
    const weight = bins[i] ?? 0;
    if (!(weight > 0) || (i >= from && i < to)) continue;
    const key = zigzag(i + offset);
    out[pos++] = 0x0a; // binCounts entry
    out[pos++] = entryLength(i + offset);
    out[pos++] = 0x08; // key
    varint(key);
    out[pos++] = 0x11; // value
    pos = out.writeDoubleLE(weight, pos);
  }
  if (to > from) {
    out[pos++] = 0x12; // contiguousBinCounts, packed
    varint((to - from) * 8);
    for (let i = from; i < to; i++) pos = out.writeDoubleLE(bins[i] ?? 0, pos);
  }
  out[pos++] = 0x18; // contiguousBinIndexOffset
  varint(offsetField);
  pos += NEGATIVE_STORE_BYTES.copy(out, pos);
  out[pos++] = 0x21; // zeroCount
  out.writeDoubleLE(zeroCount, pos);
  return out;
}

/** Field 1, the index mapping: the same bytes for every sketch of ours. */
const MAPPING_BYTES = (() => {
  const mapping = Buffer.alloc(22);
  mapping[0] = 0x0a; // field 1, length-delimited
  mapping[1] = 20;
  mapping[2] = 0x09; // gamma
  mapping.writeDoubleLE(GAMMA, 3);
  mapping[11] = 0x11; // indexOffset
  mapping.writeDoubleLE(0, 12);
  mapping[20] = 0x18; // interpolation
  mapping[21] = 0;
  return mapping;
})();
/** Field 3, an empty negative store (offset 0). */
const NEGATIVE_STORE_BYTES = Buffer.from([0x1a, 0x02, 0x18, 0x00]);

/** Bytes of one binCounts entry's body: key (tag + zigzag varint) and value (tag + double). */
function entryLength(key: number): number {
  return 1 + varintLength(zigzag(key)) + 9;
}

function varintLength(n: number): number {
  let length = 1;
  for (let v = n; v >= 0x80; v = Math.floor(v / 0x80)) length++;
  return length;
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

/** Non-empty bins as two parallel lists (a [key, weight] pair per bin was an allocation per bin). */
interface Bins {
  keys: number[];
  weights: number[];
}

interface DecodedSketch {
  gamma: number;
  indexOffset: number;
  interpolation: number;
  positive: Bins;
  negative: Bins;
  zeroCount: number;
}

const LITTLE_ENDIAN = endianness() === 'LE';

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

  /**
   * A length-delimited run of little-endian doubles, copied once into an aligned array (reading
   * them one by one through Buffer#readDoubleLE was most of decoding a stored sketch).
   */
  packedDoubles(): Float64Array {
    const len = this.varint();
    if (this.pos + len > this.buf.length) throw corrupt('truncated field');
    if (len % 8 !== 0) throw corrupt('packed doubles of a length not a multiple of 8');
    const out = new Float64Array(len / 8);
    if (LITTLE_ENDIAN) new Uint8Array(out.buffer).set(this.buf.subarray(this.pos, this.pos + len));
    else for (let i = 0; i < out.length; i++) out[i] = this.buf.readDoubleLE(this.pos + i * 8);
    this.pos += len;
    return out;
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
  const out: DecodedSketch = { gamma: NaN, indexOffset: 0, interpolation: 0, positive: { keys: [], weights: [] }, negative: { keys: [], weights: [] }, zeroCount: 0 };
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
  const valid = (w: number) => Number.isFinite(w) && w >= 0;
  if (!valid(out.zeroCount) || !out.positive.weights.every(valid) || !out.negative.weights.every(valid)) throw corrupt('a bin count is negative or not finite');
  return out;
}

/** Store = map<sint32,double> binCounts = 1; packed double contiguousBinCounts = 2; sint32 offset = 3. */
function readStore(m: ProtoReader, into: Bins): void {
  let contiguous: Float64Array | number[] = [];
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
      if (value !== 0) {
        into.keys.push(key);
        into.weights.push(value);
      }
    } else if (t === 18) {
      // Repeated fields concatenate, however they were split.
      const packed = m.packedDoubles();
      contiguous = contiguous.length === 0 ? packed : [...contiguous, ...packed];
    } else if (t === 17) {
      if (!Array.isArray(contiguous)) contiguous = Array.from(contiguous);
      contiguous.push(m.double()); // unpacked repeated double, also legal protobuf
    } else if (t === 24) {
      offset = unzigzag(m.varint());
    } else {
      m.skip(t % 8);
    }
  }
  for (let i = 0; i < contiguous.length; i++) {
    const w = contiguous[i]!;
    if (w !== 0) {
      into.keys.push(offset + i);
      into.weights.push(w);
    }
  }
}
