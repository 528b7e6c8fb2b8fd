import type { Selectable } from 'kysely';

/** A minified file (`source`) or its source map (`sourcemap`). */
export type ArtifactKind = 'source' | 'sourcemap';

/**
 * An uploaded file used to symbolicate JavaScript stack frames. Found by the event's debug id
 * (`debug_meta.images`) or by release (+ dist) and the URL the browser loaded it from.
 */
export interface ArtifactsTable {
  id: string;
  project_id: number;
  /** Null for debug-id-only uploads (bundler plugins that set no release). */
  release: string | null;
  /** '' when none: a NULL would make the (project, release, dist, name) key non-unique. */
  dist: string;
  /** The URL it is served from, or `~/path` for any origin: `~/static/js/main.abc.js`. */
  name: string;
  debug_id: string | null;
  kind: ArtifactKind;
  /** For a minified file: its `//# sourceMappingURL=` (or `Sourcemap` header), relative to `name`. */
  sourcemap: string | null;
  sha1: string;
  /** Bytes before compression. */
  size: number;
  /** deflate-raw compressed. */
  content: Buffer;
  created_at: number;
}

/** Chunks of a sentry-cli upload, waiting for `artifactbundle/assemble`. Kept per organisation. */
export interface UploadChunksTable {
  org_id: string;
  /** SHA-1 of the uncompressed chunk, hex. */
  sha1: string;
  data: Buffer;
  created_at: number;
}

export interface SourceMapsTables {
  artifacts: ArtifactsTable;
  upload_chunks: UploadChunksTable;
}

export type ArtifactRow = Selectable<ArtifactsTable>;

/** An artifact as the API and the CLI show it (no content). */
export interface Artifact {
  id: string;
  projectId: number;
  release: string | null;
  dist: string | null;
  name: string;
  kind: ArtifactKind;
  debugId: string | null;
  sourcemap: string | null;
  sha1: string;
  size: number;
  createdAt: number;
}

/** One file to store, before preparation (kind and debug id detection). */
export interface ArtifactInput {
  name: string;
  content: Buffer;
  kind?: ArtifactKind;
  debugId?: string | null;
  /** A `Sourcemap` header given with the file (artifact bundles); wins over the comment. */
  sourcemap?: string | null;
}

/** What an upload stored. */
export interface UploadResult {
  artifacts: Artifact[];
  /** Files left out, with why (not JS or map, too large, no release and no debug id). */
  skipped: Array<{ name: string; reason: string }>;
}
