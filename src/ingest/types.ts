/** Per-project ingest settings: PII scrubbing and quotas. A missing row means the defaults. */
export interface ProjectSettingsTable {
  project_id: number;
  scrub_enabled: number;
  /** JSON array of extra key names to scrub. */
  scrub_extra_keys: string;
  /** JSON array of key names never scrubbed. */
  scrub_safe_keys: string;
  store_client_ip: number;
  quota_per_minute: number | null;
  quota_per_month: number | null;
  updated_at: number;
}

/** What happened to ingested items, like Sentry's outcomes. */
export type Outcome = 'accepted' | 'rate_limited' | 'quota' | 'filtered' | 'invalid' | 'client_discarded' | 'duplicate';
/** Data categories, as in X-Sentry-Rate-Limits. */
export type Category = 'error' | 'transaction' | 'span' | 'session' | 'monitor' | 'attachment' | 'default';

export interface IngestOutcomesTable {
  project_id: number;
  hour: number;
  category: Category;
  outcome: Outcome;
  count: number;
}

export interface SentryCheckInsTable {
  id: string;
  project_id: number;
  check_in_id: string;
  monitor_slug: string;
  status: string;
  duration_ms: number | null;
  environment: string | null;
  monitor_config: string | null;
  received_at: number;
}

export interface IngestTables {
  project_settings: ProjectSettingsTable;
  ingest_outcomes: IngestOutcomesTable;
  sentry_check_ins: SentryCheckInsTable;
}
