import type { Kysely, Selectable, SelectQueryBuilder } from 'kysely';
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
  /** An exact action ("token.created") or a prefix ending in ".*" ("member.*"). */
  readonly action?: string;
}

type AuditSelect = SelectQueryBuilder<Database, 'audit_log', AuditRow>;

function filtered(q: AuditSelect, query: AuditQuery): AuditSelect {
  if (query.before) q = q.where('id', '<', query.before);
  const action = query.action;
  if (action?.endsWith('.*')) {
    const prefix = action.slice(0, -1);
    // substr rather than LIKE: action names contain "_", a LIKE wildcard.
    q = q.where((eb) => eb(eb.fn<string>('substr', ['action', eb.lit(1), eb.lit(prefix.length)]), '=', prefix));
  } else if (action) {
    q = q.where('action', '=', action);
  }
  return q;
}

/**
 * An organisation's trail: its own events plus account events (logins, password changes) of the
 * people who are its members, so admins see who signed in to their organisation.
 */
export async function listAuditForOrg(db: Kysely<Database>, orgId: string, query: AuditQuery): Promise<AuditRow[]> {
  const q = db
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
  return filtered(q, query).orderBy('id', 'desc').limit(query.limit).execute();
}

/** Every event of the instance, for instance administrators. */
export async function listAllAudit(db: Kysely<Database>, query: AuditQuery): Promise<AuditRow[]> {
  const q = db.selectFrom('audit_log').selectAll();
  return filtered(q, query).orderBy('id', 'desc').limit(query.limit).execute();
}
