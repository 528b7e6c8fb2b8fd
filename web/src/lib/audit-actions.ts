/** Actions the server records today, offered as suggestions in the audit filter (free text also works). */
export const AUDIT_ACTIONS = [
  'auth.login',
  'auth.login_failed',
  'auth.login_locked',
  'auth.logout',
  'auth.password_changed',
  'key.created',
  'key.revoked',
  'key.rotated',
  'member.added',
  'member.invite_revoked',
  'member.invited',
  'member.joined',
  'member.left',
  'member.removed',
  'member.role_changed',
  'org.created',
  'org.deleted',
  'org.renamed',
  'project.created',
  'project.deleted',
  'project.renamed',
  'session.revoked',
  'token.created',
  'token.revoked',
  'user.created',
  'user.password_reset',
];

/** "member.*" matches every member event: the server takes a prefix ending in ".*" as a group filter. */
export const AUDIT_ACTION_GROUPS = [...new Set(AUDIT_ACTIONS.map((action) => `${action.slice(0, action.indexOf('.'))}.*`))];

/** Groups first (the broader choice), then the exact actions, which need no description. */
export const AUDIT_FILTER_SUGGESTIONS: { value: string; label?: string }[] = [
  ...AUDIT_ACTION_GROUPS.map((group) => ({ value: group, label: `All ${group.slice(0, -2)} events` })),
  ...AUDIT_ACTIONS.map((action) => ({ value: action })),
];
