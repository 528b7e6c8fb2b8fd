import type { Kysely } from 'kysely';
import { newId } from '../lib/ids.js';
import type { Database } from '../storage/schema.js';
import { insertAuditEvent, listAllAudit, listAuditForOrg, type AuditQuery, type AuditRow } from './repo.js';
import type { AuditActor, AuditEvent } from './types.js';

export interface AuditEntry {
  readonly orgId?: string | null;
  readonly actor: AuditActor | null;
  readonly action: string;
  readonly target?: { type: string; id: string };
  readonly details?: Record<string, unknown>;
}

function toEvent(row: AuditRow): AuditEvent {
  let details: Record<string, unknown> | null = null;
  if (row.details !== null) {
    try {
      details = JSON.parse(row.details) as Record<string, unknown>;
    } catch {
      details = { raw: row.details };
    }
  }
  return {
    id: row.id,
    orgId: row.org_id,
    actor: { userId: row.actor_user_id, label: row.actor_label },
    action: row.action,
    target: { type: row.target_type, id: row.target_id },
    ip: row.ip,
    details,
    createdAt: row.created_at,
  };
}

/** The trail of security-relevant actions: logins, tokens, roles, deletions. */
export class AuditService {
  constructor(private readonly db: Kysely<Database>) {}

  /** Records one event; `db` may be a transaction so the event commits with the change it describes. */
  async record(entry: AuditEntry, db: Kysely<Database> = this.db): Promise<void> {
    const now = Date.now();
    await insertAuditEvent(db, {
      id: newId(now),
      org_id: entry.orgId ?? null,
      actor_user_id: entry.actor?.userId ?? null,
      actor_label: entry.actor?.label ?? null,
      action: entry.action,
      target_type: entry.target?.type ?? null,
      target_id: entry.target?.id ?? null,
      ip: entry.actor?.ip ?? null,
      details: entry.details ? JSON.stringify(entry.details) : null,
      created_at: now,
    });
  }

  async listForOrg(orgId: string, query: AuditQuery): Promise<AuditEvent[]> {
    return (await listAuditForOrg(this.db, orgId, query)).map(toEvent);
  }

  async listAll(query: AuditQuery): Promise<AuditEvent[]> {
    return (await listAllAudit(this.db, query)).map(toEvent);
  }
}
