export interface AuditLogTable {
  id: string;
  /** Null for events that are not about one organisation (logins, instance settings). */
  org_id: string | null;
  actor_user_id: string | null;
  /** Email or token name at the time, so the entry stays readable after the actor is deleted. */
  actor_label: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  ip: string | null;
  details: string | null;
  created_at: number;
}

export interface AuditTables {
  audit_log: AuditLogTable;
}

export interface AuditEvent {
  id: string;
  orgId: string | null;
  actor: { userId: string | null; label: string | null };
  action: string;
  target: { type: string | null; id: string | null };
  ip: string | null;
  details: Record<string, unknown> | null;
  createdAt: number;
}

/** Who did something, as recorded in the audit log. */
export interface AuditActor {
  userId: string | null;
  label: string | null;
  ip: string | null;
}
