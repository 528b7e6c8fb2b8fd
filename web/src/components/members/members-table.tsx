import { useState } from 'react';
import { useLocation } from 'wouter';
import { ROLES, api, errorMessage, type Member, type OrgWithRole, type Role } from '../../api';
import { useSession } from '../../hooks/use-session';
import { NEEDS, ROLE_LABELS, roleAtLeast } from '../../lib/roles';
import { Badge } from '../badge';
import { Button } from '../button';
import { ConfirmDialog } from '../confirm-dialog';
import { FormError } from '../form-error';
import { RelativeTime } from '../relative-time';

interface Props {
  org: OrgWithRole;
  members: Member[];
  onChanged: () => void;
}

/** Members with their roles; only owners can grant or take away the owner role. */
export function MembersTable({ org, members, onChanged }: Props) {
  const { me, reload } = useSession();
  const [, navigate] = useLocation();
  const [removing, setRemoving] = useState<Member | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const canManage = roleAtLeast(org.role, NEEDS.memberManage);
  const isOwner = org.role === 'owner';
  const leaving = removing?.userId === me.user.id;

  const changeRole = async (member: Member, role: Role) => {
    setError(null);
    setBusy(member.userId);
    try {
      await api.changeRole(org.id, member.userId, role);
      onChanged();
      if (member.userId === me.user.id) await reload();
    } catch (caught) {
      setError(`${member.email}: ${errorMessage(caught)}`);
    } finally {
      setBusy(null);
    }
  };

  return (
    <>
      <FormError error={error} />
      <div className="table-wrap">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Member</th>
              <th scope="col">Role</th>
              <th scope="col">Joined</th>
              <th scope="col">Last login</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {members.map((member) => {
              const self = member.userId === me.user.id;
              // Admins manage viewers, members and admins; owners are for owners to change.
              const locked = !canManage || (member.role === 'owner' && !isOwner);
              const canRemove = self || (canManage && (member.role !== 'owner' || isOwner));
              return (
                <tr key={member.userId}>
                  <td>
                    <div className="cell-primary">
                      {member.name || member.email}
                      {self && <Badge tone="accent">You</Badge>}
                    </div>
                    {member.name && <div className="cell-secondary">{member.email}</div>}
                  </td>
                  <td>
                    <select
                      className="input input-sm"
                      aria-label={`Role of ${member.email}`}
                      value={member.role}
                      disabled={locked || busy === member.userId}
                      title={locked ? (canManage ? 'Only an owner can change an owner’s role' : 'Changing roles needs the admin role') : undefined}
                      onChange={(e) => void changeRole(member, e.target.value as Role)}
                    >
                      {ROLES.map((role) => (
                        <option key={role} value={role} disabled={role === 'owner' && !isOwner}>
                          {ROLE_LABELS[role]}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>
                    <RelativeTime ms={member.joinedAt} />
                  </td>
                  <td>
                    <RelativeTime ms={member.lastLoginAt} empty="never" />
                  </td>
                  <td className="cell-actions">
                    {canRemove && (
                      <Button size="sm" variant="ghost" className="text-danger" onClick={() => setRemoving(member)}>
                        {self ? 'Leave' : 'Remove'}
                      </Button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <ConfirmDialog
        open={removing !== null}
        onClose={() => setRemoving(null)}
        title={leaving ? `Leave ${org.name}?` : `Remove ${removing?.email ?? ''}?`}
        confirmLabel={leaving ? 'Leave organisation' : 'Remove member'}
        onConfirm={async () => {
          if (!removing) return;
          await api.removeMember(org.id, removing.userId);
          if (leaving) {
            await reload();
            navigate('/', { replace: true });
          } else onChanged();
        }}
      >
        {leaving
          ? 'You will lose access to its projects and data. Someone with the admin role would have to invite you again.'
          : 'They lose access to this organisation at once. Their API tokens for it stop working too.'}
      </ConfirmDialog>
    </>
  );
}
