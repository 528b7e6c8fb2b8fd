import { ROLES, type Role, type TokenScope } from '../api';

/** True when `role` is `minimum` or above (viewer < member < admin < owner), as the server decides. */
export function roleAtLeast(role: Role, minimum: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(minimum);
}

/** Mirrors the server's permission table so the UI can disable what would be refused. */
export const NEEDS = {
  projectManage: 'admin',
  memberManage: 'admin',
  auditRead: 'admin',
  orgUpdate: 'admin',
  orgDelete: 'owner',
  /** Resolving, ignoring, assigning, commenting on, merging and deleting issues ("project:write"). */
  issueTriage: 'member',
  /** Adding, changing, pausing and checking monitors, maintenance windows and notification channels ("project:write"). */
  monitorManage: 'member',
  /** Creating and changing status pages, their components, incidents and maintenance ("project:write"). */
  statusPageManage: 'member',
  /** Adding and deleting backup sources, applying retention and restoring ("project:update": they hold database credentials). */
  backupManage: 'admin',
  /** Backing up now and running restore tests ("project:write"). */
  backupRun: 'member',
} as const satisfies Record<string, Role>;

/** The role needed to create a token of each scope (no token can do more than its creator). */
export const SCOPE_NEEDS: Record<TokenScope, Role> = { read: 'viewer', write: 'member', admin: 'admin' };

export const ROLE_LABELS: Record<Role, string> = { viewer: 'Viewer', member: 'Member', admin: 'Admin', owner: 'Owner' };

export const ROLE_HINTS: Record<Role, string> = {
  viewer: 'can see everything, change nothing',
  member: 'can work with data in projects',
  admin: 'can manage projects, members and tokens',
  owner: 'can also delete the organisation',
};
