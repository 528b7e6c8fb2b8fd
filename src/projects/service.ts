import type { Kysely } from 'kysely';
import type { AuditService } from '../audit/service.js';
import type { AuditActor } from '../audit/types.js';
import { fail } from '../lib/errors.js';
import { newId, randomHex } from '../lib/ids.js';
import { byNameThenSlug, slugify, uniqueSlug } from '../lib/slug.js';
import type { Database } from '../storage/schema.js';
import { dsnFor } from './dsn.js';
import * as repo from './repo.js';
import type { IngestKey, IngestKeyRow, Project, ProjectRow } from './types.js';

function toProject(row: ProjectRow): Project {
  return {
    id: row.id,
    orgId: row.org_id,
    name: row.name,
    slug: row.slug,
    platform: row.platform,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function keyIsActive(row: IngestKeyRow, now: number): boolean {
  return row.revoked_at === null || row.revoked_at > now;
}

/** Projects and their ingest keys (the DSNs that SDKs, trackers and drains authenticate with). */
export class ProjectsService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly audit: AuditService,
    private readonly publicUrl: string,
  ) {}

  private toKey(row: IngestKeyRow, now = Date.now()): IngestKey {
    return {
      id: row.id,
      label: row.label,
      publicKey: row.public_key,
      dsn: dsnFor(this.publicUrl, row.public_key, row.project_id),
      createdAt: row.created_at,
      revokedAt: row.revoked_at,
      lastUsedAt: row.last_used_at,
      active: keyIsActive(row, now),
      rateLimitPerMinute: row.rate_limit_per_minute,
    };
  }

  /** Creates a project with one ingest key, ready to receive data. */
  async create(orgId: string, input: { name: string; platform?: string | null }, actor: AuditActor | null): Promise<{ project: Project; key: IngestKey }> {
    const name = input.name.trim();
    if (name === '') throw fail('WP_ERR_VALIDATION', 'name: must not be empty');
    const now = Date.now();
    const base = slugify(name, 'project');
    return this.db.transaction().execute(async (trx) => {
      for (;;) {
        const slug = uniqueSlug(base, await repo.projectSlugsLike(trx, orgId, base));
        const row = await repo.insertProjectIfSlugFree(trx, { org_id: orgId, name, slug, platform: input.platform ?? null, created_at: now, updated_at: now });
        // Someone took the slug between our look and our insert: take the next suffix.
        if (!row) continue;
        const key = await this.insertKey(row.id, 'Default', now, trx);
        await this.audit.record({ orgId, actor, action: 'project.created', target: { type: 'project', id: String(row.id) }, details: { name, slug } }, trx);
        return { project: toProject(row), key: this.toKey(key, now) };
      }
    });
  }

  private async insertKey(projectId: number, label: string, now: number, db: Kysely<Database> = this.db): Promise<IngestKeyRow> {
    const row: IngestKeyRow = {
      id: newId(now),
      project_id: projectId,
      label,
      public_key: randomHex(16),
      created_at: now,
      revoked_at: null,
      last_used_at: null,
      rate_limit_per_minute: null,
    };
    await repo.insertKey(db, row);
    return row;
  }

  async get(projectId: number): Promise<Project | undefined> {
    const row = await repo.findProject(this.db, projectId);
    return row ? toProject(row) : undefined;
  }

  /** Finds a project of an organisation by numeric id or slug (CLI convenience). */
  async find(orgId: string, idOrSlug: string): Promise<Project | undefined> {
    const row = /^\d+$/.test(idOrSlug)
      ? await repo.findProject(this.db, Number(idOrSlug))
      : await repo.findProjectBySlug(this.db, orgId, idOrSlug);
    return row && row.org_id === orgId ? toProject(row) : undefined;
  }

  async list(orgId: string): Promise<Project[]> {
    return (await repo.listProjects(this.db, orgId)).map(toProject).sort(byNameThenSlug);
  }

  async update(projectId: number, patch: { name?: string; platform?: string | null }, actor: AuditActor): Promise<Project> {
    const existing = await repo.findProject(this.db, projectId);
    if (!existing) throw fail('WP_ERR_NOT_FOUND', 'Project not found');
    const name = patch.name?.trim();
    if (name === '') throw fail('WP_ERR_VALIDATION', 'name: must not be empty');
    await repo.updateProject(this.db, projectId, { ...(name !== undefined ? { name } : {}), ...(patch.platform !== undefined ? { platform: patch.platform } : {}) }, Date.now());
    if (name !== undefined && name !== existing.name) {
      await this.audit.record({
        orgId: existing.org_id,
        actor,
        action: 'project.renamed',
        target: { type: 'project', id: String(projectId) },
        details: { from: existing.name, to: name },
      });
    }
    return toProject((await repo.findProject(this.db, projectId)) ?? existing);
  }

  /** Deletes a project and all data that belongs to it (feature tables cascade on project id). */
  async delete(projectId: number, actor: AuditActor): Promise<void> {
    const existing = await repo.findProject(this.db, projectId);
    if (!existing) throw fail('WP_ERR_NOT_FOUND', 'Project not found');
    await repo.deleteProject(this.db, projectId);
    await this.audit.record({
      orgId: existing.org_id,
      actor,
      action: 'project.deleted',
      target: { type: 'project', id: String(projectId) },
      details: { name: existing.name, slug: existing.slug },
    });
  }

  async listKeys(projectId: number): Promise<IngestKey[]> {
    const now = Date.now();
    return (await repo.listKeys(this.db, projectId)).map((row) => this.toKey(row, now));
  }

  async createKey(project: Project, label: string, actor: AuditActor): Promise<IngestKey> {
    const row = await this.insertKey(project.id, label.trim() || 'Key', Date.now());
    await this.audit.record({ orgId: project.orgId, actor, action: 'key.created', target: { type: 'ingest_key', id: row.id }, details: { projectId: project.id, label: row.label } });
    return this.toKey(row);
  }

  /** Renames a key or changes its per-minute rate limit. */
  async updateKey(project: Project, keyId: string, patch: { label?: string | undefined; rateLimitPerMinute?: number | null | undefined }, actor: AuditActor): Promise<IngestKey> {
    const row = await repo.findKey(this.db, project.id, keyId);
    if (!row) throw fail('WP_ERR_NOT_FOUND', 'No such key');
    const label = patch.label?.trim();
    if (label === '') throw fail('WP_ERR_VALIDATION', 'label: must not be empty');
    await repo.updateKey(this.db, keyId, { ...(label !== undefined ? { label } : {}), ...(patch.rateLimitPerMinute !== undefined ? { rate_limit_per_minute: patch.rateLimitPerMinute } : {}) });
    await this.audit.record({ orgId: project.orgId, actor, action: 'key.updated', target: { type: 'ingest_key', id: keyId }, details: { projectId: project.id, ...patch } });
    const updated = await repo.findKey(this.db, project.id, keyId);
    return this.toKey(updated ?? row);
  }

  async revokeKey(project: Project, keyId: string, actor: AuditActor): Promise<void> {
    const row = await repo.findKey(this.db, project.id, keyId);
    if (!row) throw fail('WP_ERR_NOT_FOUND', 'No such key');
    const now = Date.now();
    if (row.revoked_at === null || row.revoked_at > now) await repo.setKeyRevokedAt(this.db, keyId, now);
    await this.audit.record({ orgId: project.orgId, actor, action: 'key.revoked', target: { type: 'ingest_key', id: keyId }, details: { projectId: project.id } });
  }

  /**
   * Replaces a key: a new key is created now and the old one keeps working for `graceSeconds`
   * (0 = revoked at once), so clients can be redeployed without losing events.
   */
  async rotateKey(project: Project, keyId: string, graceSeconds: number, actor: AuditActor): Promise<IngestKey> {
    const row = await repo.findKey(this.db, project.id, keyId);
    const now = Date.now();
    if (!row || !keyIsActive(row, now)) throw fail('WP_ERR_NOT_FOUND', 'No such active key');
    const fresh = await this.db.transaction().execute(async (trx) => {
      const created = await this.insertKey(project.id, row.label, now, trx);
      await repo.setKeyRevokedAt(trx, keyId, now + graceSeconds * 1000);
      // Both keys would otherwise look alike in lists while the old one is still in its grace period.
      await repo.setKeyLabel(trx, keyId, `${row.label} (replaced)`);
      await this.audit.record(
        {
          orgId: project.orgId,
          actor,
          action: 'key.rotated',
          target: { type: 'ingest_key', id: keyId },
          details: { projectId: project.id, replacedBy: created.id, graceSeconds },
        },
        trx,
      );
      return created;
    });
    return this.toKey(fresh, now);
  }

  /** Resolves an ingest public key to its project, for ingest endpoints; null when unknown or revoked. */
  async resolveIngestKey(publicKey: string): Promise<{ projectId: number; keyId: string; rateLimitPerMinute: number | null; revokedAt: number | null } | null> {
    const row = await repo.findKeyByPublicKey(this.db, publicKey);
    if (!row || !keyIsActive(row, Date.now())) return null;
    return { projectId: row.project_id, keyId: row.id, rateLimitPerMinute: row.rate_limit_per_minute, revokedAt: row.revoked_at };
  }
}
