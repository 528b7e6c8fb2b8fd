import type { Selectable } from 'kysely';

export const ROLES = ['viewer', 'member', 'admin', 'owner'] as const;
export type Role = (typeof ROLES)[number];

export interface OrganizationsTable {
  id: string;
  name: string;
  slug: string;
  created_at: number;
  updated_at: number;
}

export interface MembershipsTable {
  org_id: string;
  user_id: string;
  role: Role;
  created_at: number;
}

export interface InvitesTable {
  id: string;
  org_id: string;
  email: string;
  role: Role;
  token_hash: string;
  invited_by: string | null;
  created_at: number;
  expires_at: number;
  accepted_at: number | null;
}

export interface OrgsTables {
  organizations: OrganizationsTable;
  memberships: MembershipsTable;
  invites: InvitesTable;
}

export type OrgRow = Selectable<OrganizationsTable>;
export type MembershipRow = Selectable<MembershipsTable>;
export type InviteRow = Selectable<InvitesTable>;

export interface Organization {
  id: string;
  name: string;
  slug: string;
  createdAt: number;
}

export interface OrgWithRole extends Organization {
  role: Role;
}

export interface Member {
  userId: string;
  email: string;
  name: string;
  role: Role;
  joinedAt: number;
  lastLoginAt: number | null;
}

export interface Invite {
  id: string;
  email: string;
  role: Role;
  createdAt: number;
  expiresAt: number;
  acceptedAt: number | null;
}

export function toOrganization(row: OrgRow): Organization {
  return { id: row.id, name: row.name, slug: row.slug, createdAt: row.created_at };
}
