import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../storage/schema.js';
import type { AuditLogTable } from './types.js';

export type AuditRow = Selectable<AuditLogTable>;

export async function insertAuditEvent(db: Kysely<Database>, row: AuditRow): Promise<void> {
  await db.insertInto('audit_log').values(row).execute();
}

export interface AuditQuery {
  /** Return events older than this id (ids are time-ordered). */
  readonly before?: string;
  readonly limit: number;
  readonly action?: string;
}

/**
 * An organisation's trail: its own events plus account events (logins, password changes) of the
 * people who are its members, so admins see who signed in to their organisation.
 */
export async function listAuditForOrg(db: Kysely<Database>, orgId: string, query: AuditQuery): Promise<AuditRow[]> {
  let q = db
    .selectFrom('audit_log')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb('org_id', '=', orgId),
        eb.and([
          eb('org_id', 'is', null),
          eb('actor_user_id', 'in', eb.selectFrom('memberships').select('user_id').where('org_id', '=', orgId)),
        ]),
      ]),
    );
  if (query.before) q = q.where('id', '<', query.before);
  if (query.action) q = q.where('action', '=', query.action);
  return q.orderBy('id', 'desc').limit(query.limit).execute();
}

/** Every event of the instance, for instance administrators. */
export async function listAllAudit(db: Kysely<Database>, query: AuditQuery): Promise<AuditRow[]> {
  let q = db.selectFrom('audit_log').selectAll();
  if (query.before) q = q.where('id', '<', query.before);
  if (query.action) q = q.where('action', '=', query.action);
  return q.orderBy('id', 'desc').limit(query.limit).execute();
}
