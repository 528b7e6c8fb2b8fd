import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import type { Kysely } from 'kysely';
import { fail, WatchpostError } from '../../lib/errors.js';
import type { Database } from '../../storage/schema.js';
import { DEFAULT_BUNDLE_LIMITS, readArtifactBundle, type BundleLimits } from './bundle.js';
import * as repo from './repo.js';
import type { SourceMapsService } from './service.js';

/** What sentry-cli is told at `GET chunk-upload/`, and what we enforce. */
export interface ChunkLimits extends BundleLimits {
  /** Bytes of one uncompressed chunk. */
  readonly chunkSize: number;
  readonly chunksPerRequest: number;
  /** Bytes of one assembled bundle (the ZIP). */
  readonly maxFileSize: number;
  /** Bytes of one chunk-upload request. */
  readonly maxRequestSize: number;
  /** Chunks never assembled are deleted after this long. */
  readonly chunkTtlMs: number;
}

export const DEFAULT_CHUNK_LIMITS: ChunkLimits = {
  ...DEFAULT_BUNDLE_LIMITS,
  chunkSize: 8 * 1024 * 1024,
  chunksPerRequest: 16,
  maxFileSize: 64 * 1024 * 1024,
  maxRequestSize: 32 * 1024 * 1024,
  chunkTtlMs: 24 * 3_600_000,
  maxUncompressedBytes: 256 * 1024 * 1024,
};

/** What sentry-cli reads from `GET /api/0/organizations/{org}/chunk-upload/`. */
export function chunkUploadOptions(url: string, limits: ChunkLimits = DEFAULT_CHUNK_LIMITS) {
  return {
    url,
    chunkSize: limits.chunkSize,
    chunksPerRequest: limits.chunksPerRequest,
    maxFileSize: limits.maxFileSize,
    maxRequestSize: limits.maxRequestSize,
    // Two cores: more parallel uploads would only queue.
    concurrency: 2,
    hashAlgorithm: 'sha1' as const,
    compression: ['gzip'],
    accept: ['debug_files', 'release_files', 'pdbs', 'sources', 'bcsymbolmaps', 'il2cpp', 'portablepdbs', 'artifact_bundles', 'proguard'],
  };
}

export interface AssembleRequest {
  readonly checksum: string;
  readonly chunks: readonly string[];
  readonly version?: string | undefined;
  readonly dist?: string | undefined;
}

export interface AssembleResult {
  state: 'created' | 'ok' | 'not_found' | 'error';
  missingChunks: string[];
  detail: string | null;
}

const sha1 = (data: Buffer) => createHash('sha1').update(data).digest('hex');

/**
 * sentry-cli's upload protocol: content-addressed chunks (gzip, named by the SHA-1 of their
 * uncompressed bytes) are posted first, then `assemble` joins them into an artifact bundle, checks
 * its SHA-1 and stores its files. Assembly happens within the request, so the answer is `ok`
 * (done) rather than Sentry's `created` (queued). Chunks belong to the organisation that sent them.
 */
export class ChunkUploads {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly sourcemaps: SourceMapsService,
    readonly limits: ChunkLimits = DEFAULT_CHUNK_LIMITS,
  ) {}

  /** Checks and stores one posted chunk; returns its SHA-1. `gzip` when it came as `file_gzip`. */
  async putChunk(orgId: string, name: string, body: Buffer, gzip: boolean): Promise<string> {
    const expected = name.trim().toLowerCase();
    if (!/^[0-9a-f]{40}$/.test(expected)) throw fail('WP_ERR_SOURCEMAP_CHUNK', 'Each chunk must be named by its SHA-1 (40 hex digits)');
    let data = body;
    if (gzip) {
      try {
        data = gunzipSync(body, { maxOutputLength: this.limits.chunkSize });
      } catch (error) {
        const tooLarge = error instanceof RangeError || (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
        throw fail(tooLarge ? 'WP_ERR_SOURCEMAP_TOO_LARGE' : 'WP_ERR_SOURCEMAP_CHUNK', tooLarge ? `A chunk unpacks to more than ${this.limits.chunkSize} bytes` : 'A chunk is not valid gzip');
      }
    }
    if (data.length > this.limits.chunkSize) throw fail('WP_ERR_SOURCEMAP_TOO_LARGE', `A chunk is larger than ${this.limits.chunkSize} bytes`);
    if (sha1(data) !== expected) throw fail('WP_ERR_SOURCEMAP_CHUNK', `Chunk ${expected} does not match its SHA-1`);
    const now = Date.now();
    await repo.putChunk(this.db, orgId, expected, data, now);
    return expected;
  }

  /** Forgets chunks of uploads that were never assembled. */
  async pruneStale(now = Date.now()): Promise<number> {
    return repo.deleteChunksBefore(this.db, now - this.limits.chunkTtlMs);
  }

  /** Joins the chunks into the bundle and stores its files for each project; `not_found` lists chunks still to send. */
  async assemble(orgId: string, projectIds: readonly number[], request: AssembleRequest): Promise<AssembleResult> {
    const checksum = request.checksum.toLowerCase();
    const chunks = request.chunks.map((c) => c.toLowerCase());
    if (chunks.length === 0) return { state: 'not_found', missingChunks: [checksum], detail: null };
    const present = await repo.existingChunks(this.db, orgId, [...new Set(chunks)]);
    const missingChunks = [...new Set(chunks.filter((c) => !present.has(c)))];
    if (missingChunks.length > 0) return { state: 'not_found', missingChunks, detail: null };
    try {
      const parts: Buffer[] = [];
      let size = 0;
      for (const chunk of chunks) {
        const data = await repo.chunkData(this.db, orgId, chunk);
        if (!data) return { state: 'not_found', missingChunks: [chunk], detail: null };
        size += data.length;
        if (size > this.limits.maxFileSize) throw fail('WP_ERR_SOURCEMAP_TOO_LARGE', `The bundle is larger than ${this.limits.maxFileSize} bytes`);
        parts.push(data);
      }
      const zip = Buffer.concat(parts);
      if (sha1(zip) !== checksum) throw fail('WP_ERR_SOURCEMAP_BUNDLE', 'The assembled bundle does not match its checksum');
      const bundle = await readArtifactBundle(zip, this.limits);
      const release = request.version ?? bundle.release;
      const dist = request.dist ?? bundle.dist;
      let stored = 0;
      for (const projectId of projectIds) {
        const result = await this.sourcemaps.upload(projectId, { release, dist }, bundle.files);
        stored += result.artifacts.length;
      }
      await repo.deleteChunks(this.db, orgId, [...new Set(chunks)]);
      return { state: 'ok', missingChunks: [], detail: `${stored} file(s) stored, ${bundle.skipped.length} skipped` };
    } catch (error) {
      // sentry-cli shows `detail` of an `error` state: say what is wrong with the upload there.
      if (error instanceof WatchpostError && error.statusCode < 500) return { state: 'error', missingChunks: [], detail: error.message };
      throw error;
    }
  }
}
