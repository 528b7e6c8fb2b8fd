import type { Kysely } from 'kysely';
import type { AuditService } from '../audit/service.js';
import type { AuditActor } from '../audit/types.js';
import type { Project } from '../projects/types.js';
import type { Database } from '../storage/schema.js';
import type { ProjectSettingsTable } from './types.js';

/** Per-project ingest settings as the API shows them. */
export interface IngestSettings {
  scrubEnabled: boolean;
  scrubExtraKeys: string[];
  scrubSafeKeys: string[];
  storeClientIp: boolean;
  quotaPerMinute: number | null;
  quotaPerMonth: number | null;
}

export const DEFAULT_INGEST_SETTINGS: IngestSettings = { scrubEnabled: true, scrubExtraKeys: [], scrubSafeKeys: [], storeClientIp: false, quotaPerMinute: null, quotaPerMonth: null };

function parseList(json: string): string[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}

function fromRow(row: ProjectSettingsTable | undefined): IngestSettings {
  if (!row) return { ...DEFAULT_INGEST_SETTINGS };
  return {
    scrubEnabled: row.scrub_enabled === 1,
    scrubExtraKeys: parseList(row.scrub_extra_keys),
    scrubSafeKeys: parseList(row.scrub_safe_keys),
    storeClientIp: row.store_client_ip === 1,
    quotaPerMinute: row.quota_per_minute,
    quotaPerMonth: row.quota_per_month,
  };
}

/** Reads and changes a project's PII scrubbing and quota settings (audited). */
export class IngestSettingsService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly audit: AuditService,
    private readonly onChange: (projectId: number) => void,
  ) {}

  async get(projectId: number): Promise<IngestSettings> {
    return fromRow(await this.db.selectFrom('project_settings').selectAll().where('project_id', '=', projectId).executeTakeFirst());
  }

  async update(project: Project, patch: Partial<IngestSettings>, actor: AuditActor): Promise<IngestSettings> {
    const next = { ...(await this.get(project.id)), ...patch };
    const row: ProjectSettingsTable = {
      project_id: project.id,
      scrub_enabled: next.scrubEnabled ? 1 : 0,
      scrub_extra_keys: JSON.stringify(next.scrubExtraKeys),
      scrub_safe_keys: JSON.stringify(next.scrubSafeKeys),
      store_client_ip: next.storeClientIp ? 1 : 0,
      quota_per_minute: next.quotaPerMinute,
      quota_per_month: next.quotaPerMonth,
      updated_at: Date.now(),
    };
    const { project_id: _id, ...update } = row;
    await this.db.insertInto('project_settings').values(row).onConflict((oc) => oc.column('project_id').doUpdateSet(update)).execute();
    await this.audit.record({ orgId: project.orgId, actor, action: 'project.ingest_settings_changed', target: { type: 'project', id: String(project.id) }, details: patch });
    this.onChange(project.id);
    return next;
  }
}
