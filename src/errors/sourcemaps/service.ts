import { promisify } from 'node:util';
import { deflateRaw } from 'node:zlib';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { fail } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import { isUniqueViolation } from '../../lib/db-errors.js';
import type { Database } from '../../storage/schema.js';
import type { NormalizedEvent } from '../event.js';
import { isRecord } from '../json-values.js';
import { hasMappableFrames, symbolicateEvent, type LoadedMap, type SourceMapError } from './apply.js';
import { TtlCache } from './cache.js';
import { ArtifactLoader } from './loader.js';
import { matchInRelease, ReleaseIndex } from './lookup.js';
import { normalizeDebugId, prepareArtifacts } from './prepare.js';
import * as repo from './repo.js';
import type { Artifact, ArtifactInput, ArtifactKind, ArtifactsTable, UploadResult } from './types.js';

const deflate = promisify(deflateRaw);

export interface SourceMapsOptions {
  /** Memory for parsed source maps, shared by all projects (default 64 MiB). */
  readonly cacheBytes?: number;
  /** Where lookup failures (database trouble) are logged; the event is stored regardless. */
  readonly log?: Pick<Logger, 'warn'>;
}

/** Where uploaded files belong: a release (and dist), or none for debug-id-only uploads. */
export interface UploadTarget {
  readonly release: string | null;
  readonly dist: string | null;
}

/** How long "this project has no artifacts" and release indexes may be stale on other nodes. */
const LOOKUP_TTL_MS = 5_000;

/** Release and dist names follow the event's rules, so an uploaded file's release can match an event's. */
export function checkReleaseName(value: string, what: 'release' | 'dist'): void {
  const bad = what === 'release' ? /[\r\n\t/\\]|^\.{1,2}$/ : /\s/;
  const max = what === 'release' ? 200 : 64;
  if (value.trim() === '' || value.length > max || bad.test(value)) {
    throw fail('WP_ERR_VALIDATION', what === 'release' ? `release: 1 to ${max} characters, without slashes, tabs or line breaks` : `dist: 1 to ${max} characters without whitespace`);
  }
}

export function toArtifact(row: repo.ArtifactMeta): Artifact {
  return {
    id: row.id,
    projectId: row.project_id,
    release: row.release,
    dist: row.dist === '' ? null : row.dist,
    name: row.name,
    kind: row.kind,
    debugId: row.debug_id,
    sourcemap: row.sourcemap,
    sha1: row.sha1,
    size: row.size,
    createdAt: row.created_at,
  };
}

/** `debug_meta.images[{type: 'sourcemap', code_file, debug_id}]` as code file → debug id. */
function debugImages(debugMeta: unknown): Map<string, string> {
  const out = new Map<string, string>();
  const images = isRecord(debugMeta) && Array.isArray(debugMeta.images) ? debugMeta.images : [];
  for (const image of images) {
    if (!isRecord(image) || image.type !== 'sourcemap' || typeof image.code_file !== 'string') continue;
    const debugId = normalizeDebugId(image.debug_id);
    if (debugId) out.set(image.code_file, debugId);
  }
  return out;
}

/**
 * Source maps: stores uploaded minified files and maps (from the API, the CLI and sentry-cli
 * bundles) and applies them to incoming events. Parsed maps are kept in an LRU bounded by memory;
 * "does this project have artifacts" and release indexes are cached for a few seconds, so ingest
 * for projects without source maps costs nothing and hot ones don't re-read the database.
 */
export class SourceMapsService {
  private readonly loader: ArtifactLoader;
  private readonly hasAny = new TtlCache<number, boolean>(LOOKUP_TTL_MS, 10_000);
  private readonly releases = new TtlCache<string, ReleaseIndex>(LOOKUP_TTL_MS, 500);
  private readonly debugIds = new TtlCache<string, { id: string; name: string } | null>(LOOKUP_TTL_MS, 10_000);

  private readonly log: Pick<Logger, 'warn'> | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    options: SourceMapsOptions = {},
  ) {
    this.loader = new ArtifactLoader(db, options.cacheBytes ?? 64 * 1024 * 1024);
    this.log = options.log;
  }

  /** Stores files for a project, each replacing an earlier one with the same name in the release or the same debug id. */
  async upload(projectId: number, target: UploadTarget, inputs: readonly ArtifactInput[]): Promise<UploadResult> {
    if (target.release !== null) checkReleaseName(target.release, 'release');
    if (target.dist !== null) checkReleaseName(target.dist, 'dist');
    const { prepared, skipped } = prepareArtifacts(inputs);
    const now = Date.now();
    const rows: ArtifactsTable[] = [];
    for (const file of prepared) {
      if (target.release === null && file.debugId === null) {
        skipped.push({ name: file.name, reason: 'no release and no debug id: no event could ever find it' });
        continue;
      }
      rows.push({
        id: newId(now),
        project_id: projectId,
        release: target.release,
        dist: target.dist ?? '',
        name: file.name,
        debug_id: file.debugId,
        kind: file.kind,
        sourcemap: file.sourcemap,
        sha1: file.sha1,
        size: file.content.length,
        content: await deflate(file.content, { level: 6 }),
        created_at: now,
      });
    }
    const write = () => this.db.transaction().execute((trx) => repo.replaceArtifacts(trx, rows));
    try {
      await write();
    } catch (error) {
      // Two uploads of the same file raced between our delete and insert: the retry replaces the winner.
      if (!isUniqueViolation(error)) throw error;
      await write();
    }
    this.forget(projectId);
    if (rows.length > 0) this.hasAny.set(projectId, true);
    return { artifacts: rows.map((row) => toArtifact(row)), skipped };
  }

  async list(projectId: number, filter: { release?: string; debugId?: string; offset?: number; limit?: number }): Promise<Artifact[]> {
    const debugId = filter.debugId === undefined ? undefined : (normalizeDebugId(filter.debugId) ?? filter.debugId);
    const rows = await repo.listArtifacts(this.db, projectId, { ...filter, debugId, offset: filter.offset ?? 0, limit: filter.limit ?? 100 });
    return rows.map(toArtifact);
  }

  async get(projectId: number, id: string): Promise<Artifact> {
    const row = await repo.findArtifact(this.db, projectId, id);
    if (!row) throw fail('WP_ERR_NOT_FOUND', 'No such artifact in this project');
    return toArtifact(row);
  }

  async delete(projectId: number, id: string): Promise<void> {
    if (!(await repo.deleteArtifact(this.db, projectId, id))) throw fail('WP_ERR_NOT_FOUND', 'No such artifact in this project');
    this.loader.forget(id);
    this.forget(projectId);
  }

  /**
   * Maps the event's JavaScript frames back to original sources, in place, when the project has
   * uploaded artifacts. Must run before grouping, so issues group by original code. Never throws:
   * an event is worth more minified than lost.
   */
  async symbolicate(projectId: number, event: NormalizedEvent): Promise<void> {
    try {
      if (!hasMappableFrames(event) || !(await this.hasArtifacts(projectId))) return;
      const images = debugImages(event.data.debug_meta);
      await symbolicateEvent(event, (url) => this.mapFor(projectId, url, images, event.release, event.dist ?? ''));
    } catch (error) {
      this.log?.warn({ err: error, projectId }, 'source map lookup failed; event stored without symbolication');
      const errors = Array.isArray(event.data.errors) ? (event.data.errors as unknown[]) : [];
      event.data.errors = [...errors, { type: 'js_sourcemap_lookup_failed', message: error instanceof Error ? error.message.slice(0, 200) : 'unknown' }];
    }
  }

  private async mapFor(projectId: number, url: string, images: Map<string, string>, release: string | null, dist: string): Promise<LoadedMap | SourceMapError> {
    const debugId = images.get(url) ?? images.get(url.replace(/[?#].*$/, ''));
    if (debugId) {
      const map = await this.byDebugId(projectId, debugId, 'sourcemap');
      if (map) return this.loaded(map, 'debug-id', url, (await this.byDebugId(projectId, debugId, 'source'))?.id ?? null);
    }
    if (release !== null) {
      const match = matchInRelease(await this.releaseIndex(projectId, release, dist), url);
      if (match && 'map' in match) return this.loaded(match.map, 'release', url, match.minified?.id ?? null);
      const map = match ? await this.byDebugId(projectId, match.debugId, 'sourcemap') : null;
      if (match && map) return this.loaded(map, 'debug-id', url, match.minified.id);
    }
    return { type: 'js_no_source', url };
  }

  /** Whether the project has any uploaded artifact (cached); events of projects without one skip symbolication. */
  async hasArtifacts(projectId: number): Promise<boolean> {
    let has = this.hasAny.get(projectId);
    if (has === undefined) this.hasAny.set(projectId, (has = await repo.hasArtifacts(this.db, projectId)));
    return has;
  }

  private async releaseIndex(projectId: number, release: string, dist: string): Promise<ReleaseIndex> {
    const key = `${projectId}\n${release}\n${dist}`;
    let index = this.releases.get(key);
    if (!index) this.releases.set(key, (index = new ReleaseIndex(await repo.releaseArtifacts(this.db, projectId, release, dist))));
    return index;
  }

  private async byDebugId(projectId: number, debugId: string, kind: ArtifactKind): Promise<{ id: string; name: string } | null> {
    const key = `${projectId}\n${debugId}\n${kind}`;
    let found = this.debugIds.get(key);
    if (found === undefined) this.debugIds.set(key, (found = (await repo.findByDebugId(this.db, projectId, debugId, kind)) ?? null));
    return found;
  }

  /** The map (and its minified file when known) ready for apply, or why not. */
  private async loaded(map: { id: string; name: string }, via: LoadedMap['via'], url: string, minifiedId: string | null): Promise<LoadedMap | SourceMapError> {
    const parsed = await this.loader.map(map);
    if (!parsed) return { type: 'js_invalid_sourcemap', url, sourcemap: map.name };
    return { ...parsed, via, minified: minifiedId === null ? null : await this.loader.minified(minifiedId) };
  }

  /** Drops this node's cached lookups for a project after its artifacts changed. */
  private forget(projectId: number): void {
    const prefix = `${projectId}\n`;
    this.hasAny.deleteWhere((key) => key === projectId);
    this.releases.deleteWhere((key) => key.startsWith(prefix));
    this.debugIds.deleteWhere((key) => key.startsWith(prefix));
  }
}
