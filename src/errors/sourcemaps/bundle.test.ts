import { zipSync, strToU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import { readArtifactBundle } from './bundle.js';

const MANIFEST = {
  org: 'acme',
  release: 'web@2.0.0',
  files: {
    'files/_/_/main.js': { type: 'minified_source', url: '~/main.js', headers: { 'Debug-Id': 'a1b2c3d4-0000-4000-8000-0123456789ab', Sourcemap: 'main.js.map' } },
    'files/_/_/main.js.map': { type: 'source_map', url: '~/main.js.map', headers: { 'debug-id': 'a1b2c3d4-0000-4000-8000-0123456789ab' } },
    'files/_/_/src/main.ts': { type: 'source', url: '~/src/main.ts' },
  },
};

function zip(files: Record<string, string | Uint8Array>): Buffer {
  return Buffer.from(zipSync(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, typeof v === 'string' ? strToU8(v) : v]))));
}

/** Rewrites the central-directory uncompressed size of `entry`, as a zip bomb would lie about it. */
function lieAboutSize(data: Buffer, entry: string, size: number): Buffer {
  const out = Buffer.from(data);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  for (let i = 0; i + 46 <= out.length; i++) {
    if (view.getUint32(i, true) !== 0x02014b50) continue;
    const name = Buffer.from(out.subarray(i + 46, i + 46 + view.getUint16(i + 28, true))).toString();
    if (name === entry) view.setUint32(i + 24, size, true);
  }
  return out;
}

describe('readArtifactBundle', () => {
  it('reads the manifest: urls, kinds and headers, case-insensitively', async () => {
    const bundle = await readArtifactBundle(zip({ 'manifest.json': JSON.stringify(MANIFEST), 'files/_/_/main.js': 'x()', 'files/_/_/main.js.map': '{}', 'files/_/_/src/main.ts': 'x' }));
    expect(bundle.release).toBe('web@2.0.0');
    expect(bundle.files.map((f) => [f.name, f.kind, f.debugId, f.sourcemap, f.content.toString()])).toEqual([
      ['~/main.js', 'source', 'a1b2c3d4-0000-4000-8000-0123456789ab', 'main.js.map', 'x()'],
      ['~/main.js.map', 'sourcemap', 'a1b2c3d4-0000-4000-8000-0123456789ab', null, '{}'],
    ]);
    expect(bundle.skipped).toEqual([{ name: '~/src/main.ts', reason: 'file type source is not used for symbolication' }]);
  });

  it('refuses bundles that are not ZIPs, lack a manifest, or unpack beyond the limits', async () => {
    await expect(readArtifactBundle(Buffer.from('not a zip at all, not even close'))).rejects.toThrow(/not a readable ZIP/);
    await expect(readArtifactBundle(zip({ 'a.js': 'x' }))).rejects.toThrow(/no manifest.json/);
    await expect(readArtifactBundle(zip({ 'manifest.json': '[1]' }))).rejects.toThrow(/not a JSON object/);
    const many = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`f${i}.js`, 'x']));
    await expect(readArtifactBundle(zip({ 'manifest.json': '{}', ...many }), { maxFiles: 20, maxUncompressedBytes: 1e9 })).rejects.toThrow(/more than 20 files/);
    const big = zip({ 'manifest.json': '{}', 'zeros.js': new Uint8Array(5_000_000) });
    await expect(readArtifactBundle(big, { maxFiles: 10, maxUncompressedBytes: 1_000_000 })).rejects.toThrow(/more than 1000000 bytes/);
    await expect(readArtifactBundle(lieAboutSize(big, 'zeros.js', 4_000_000_000))).rejects.toThrow(/larger than 52428800 bytes/);
  });

  it('stops inflating a file at the size the directory declares (a bomb that understates it)', async () => {
    const manifest = JSON.stringify({ files: { 'zeros.js': { type: 'minified_source', url: '~/zeros.js' } } });
    const bomb = lieAboutSize(zip({ 'manifest.json': manifest, 'zeros.js': new Uint8Array(50_000_000) }), 'zeros.js', 64);
    await expect(readArtifactBundle(bomb)).rejects.toThrow(/more than its declared size|too many bytes/);
  });
});
