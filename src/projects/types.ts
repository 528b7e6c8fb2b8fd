import type { Generated, Selectable } from 'kysely';

export interface ProjectsTable {
  /** Numeric: Sentry SDKs reject DSNs whose project id is not a number. */
  id: Generated<number>;
  org_id: string;
  name: string;
  slug: string;
  platform: string | null;
  created_at: number;
  updated_at: number;
}

export interface IngestKeysTable {
  id: string;
  project_id: number;
  label: string;
  /** 32 hex characters, the `public_key` part of the DSN. */
  public_key: string;
  created_at: number;
  /** May lie in the future: a rotated key keeps working until then. */
  revoked_at: number | null;
  last_used_at: number | null;
  /** Events per minute this key may send (null: no per-key limit). */
  rate_limit_per_minute: number | null;
}

export interface ProjectsTables {
  projects: ProjectsTable;
  ingest_keys: IngestKeysTable;
}

export type ProjectRow = Selectable<ProjectsTable>;
export type IngestKeyRow = Selectable<IngestKeysTable>;

export interface Project {
  id: number;
  orgId: string;
  name: string;
  slug: string;
  platform: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface IngestKey {
  id: string;
  label: string;
  publicKey: string;
  dsn: string;
  createdAt: number;
  revokedAt: number | null;
  lastUsedAt: number | null;
  active: boolean;
  rateLimitPerMinute: number | null;
}
