import type { Readable } from 'node:stream';
import { fromBufferPromise, type ZipFile } from 'yauzl';
import { fail, WatchpostError } from '../../lib/errors.js';
import { MAX_ARTIFACT_BYTES } from './prepare.js';
import type { ArtifactInput, ArtifactKind } from './types.js';

/** Bounds for one artifact bundle, checked against the ZIP's directory before each file is inflated. */
export interface BundleLimits {
  readonly maxFiles: number;
  readonly maxUncompressedBytes: number;
}

export const DEFAULT_BUNDLE_LIMITS: BundleLimits = { maxFiles: 10_000, maxUncompressedBytes: 512 * 1024 * 1024 };

/** What an artifact bundle holds: its files as upload inputs, and the release it names (if any). */
export interface ArtifactBundle {
  files: ArtifactInput[];
  release: string | null;
  dist: string | null;
  skipped: Array<{ name: string; reason: string }>;
}

/** sentry-cli's file types; `source` (original sources) and others carry nothing we map with. */
const KINDS: Record<string, ArtifactKind> = { minified_source: 'source', source_map: 'sourcemap' };

function header(headers: unknown, name: string): string | null {
  if (typeof headers !== 'object' || headers === null) return null;
  for (const [key, value] of Object.entries(headers as Record<string, unknown>)) {
    if (key.toLowerCase() === name && typeof value === 'string') return value;
  }
  return null;
}

const text = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? value.trim() : null);

/** Reads one entry, stopping as soon as it yields more than it declared (yauzl checks that too). */
async function readEntry(stream: Readable, declared: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > declared) {
      stream.destroy();
      throw fail('WP_ERR_SOURCEMAP_BUNDLE', 'A file in the bundle unpacks to more than its declared size');
    }
    parts.push(chunk as Buffer);
  }
  return Buffer.concat(parts);
}

/** Every file of the ZIP, checked against the limits before anything is inflated. */
async function unzip(zip: Buffer, limits: BundleLimits): Promise<Map<string, Buffer>> {
  let zipfile: ZipFile;
  try {
    zipfile = await fromBufferPromise(zip, { lazyEntries: true, validateEntrySizes: true });
  } catch (error) {
    throw fail('WP_ERR_SOURCEMAP_BUNDLE', `The bundle is not a readable ZIP file: ${(error as Error).message}`);
  }
  if (zipfile.entryCount > limits.maxFiles) throw fail('WP_ERR_SOURCEMAP_BUNDLE', `The bundle has more than ${limits.maxFiles} files`);
  const entries = new Map<string, Buffer>();
  let total = 0;
  try {
    for await (const entry of zipfile.eachEntry()) {
      if (entry.fileName.endsWith('/')) continue;
      total += entry.uncompressedSize;
      if (entry.uncompressedSize > MAX_ARTIFACT_BYTES + 1024 * 1024) throw fail('WP_ERR_SOURCEMAP_BUNDLE', `${entry.fileName.slice(0, 200)} is larger than ${MAX_ARTIFACT_BYTES} bytes`);
      if (total > limits.maxUncompressedBytes) throw fail('WP_ERR_SOURCEMAP_BUNDLE', `The bundle unpacks to more than ${limits.maxUncompressedBytes} bytes`);
      entries.set(entry.fileName, await readEntry(await zipfile.openReadStreamPromise(entry), entry.uncompressedSize));
    }
  } catch (error) {
    if (error instanceof WatchpostError) throw error;
    throw fail('WP_ERR_SOURCEMAP_BUNDLE', `The bundle is not a readable ZIP file: ${(error as Error).message}`);
  } finally {
    zipfile.close();
  }
  return entries;
}

/**
 * Reads a sentry-cli artifact bundle: a ZIP with `manifest.json` mapping each file path to its
 * `url`, `type` and `headers` (`debug-id`, `sourcemap`). yauzl streams each entry and fails it the
 * moment it inflates past the size the ZIP declares, so the declared sizes checked here bound both
 * memory and work, whatever a zip bomb's data holds. A malformed bundle fails with
 * WP_ERR_SOURCEMAP_BUNDLE.
 */
export async function readArtifactBundle(zip: Buffer, limits: BundleLimits = DEFAULT_BUNDLE_LIMITS): Promise<ArtifactBundle> {
  const entries = await unzip(zip, limits);
  const manifestBytes = entries.get('manifest.json');
  if (!manifestBytes) throw fail('WP_ERR_SOURCEMAP_BUNDLE', 'The bundle has no manifest.json');
  let manifest: Record<string, unknown>;
  try {
    const parsed = JSON.parse(manifestBytes.toString('utf8')) as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    manifest = parsed as Record<string, unknown>;
  } catch (error) {
    throw fail('WP_ERR_SOURCEMAP_BUNDLE', `manifest.json is not a JSON object: ${(error as Error).message}`);
  }
  const listed = typeof manifest.files === 'object' && manifest.files !== null ? (manifest.files as Record<string, unknown>) : {};
  const files: ArtifactInput[] = [];
  const skipped: ArtifactBundle['skipped'] = [];
  for (const [path, raw] of Object.entries(listed)) {
    if (typeof raw !== 'object' || raw === null) continue;
    const info = raw as Record<string, unknown>;
    const url = text(info.url) ?? path;
    const kind = typeof info.type === 'string' ? KINDS[info.type] : undefined;
    if (!kind) {
      skipped.push({ name: url, reason: `file type ${typeof info.type === 'string' ? info.type : '?'} is not used for symbolication` });
      continue;
    }
    const content = entries.get(path);
    if (!content) {
      skipped.push({ name: url, reason: 'listed in manifest.json but missing from the bundle' });
      continue;
    }
    files.push({ name: url, kind, content, debugId: header(info.headers, 'debug-id'), sourcemap: header(info.headers, 'sourcemap') ?? header(info.headers, 'x-sourcemap') });
  }
  return { files, release: text(manifest.release), dist: text(manifest.dist), skipped };
}
