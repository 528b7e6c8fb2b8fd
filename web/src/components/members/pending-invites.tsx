import { useState } from 'react';
import { api, type Invite, type OrgWithRole } from '../../api';
import { ROLE_LABELS } from '../../lib/roles';
import { Button } from '../button';
import { ConfirmDialog } from '../confirm-dialog';
import { RelativeTime } from '../relative-time';

interface Props {
  org: OrgWithRole;
  invites: Invite[];
  onChanged: () => void;
}

export function PendingInvites({ org, invites, onChanged }: Props) {
  const [withdrawing, setWithdrawing] = useState<Invite | null>(null);
  if (invites.length === 0) return <p className="text-muted section-body">No pending invitations.</p>;
  return (
    <>
      <div className="table-wrap">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Invited</th>
              <th scope="col">Expires</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {invites.map((invite) => (
              <tr key={invite.id}>
                <td>
                  <div className="cell-primary">{invite.email}</div>
                </td>
                <td>{ROLE_LABELS[invite.role]}</td>
                <td>
                  <RelativeTime ms={invite.createdAt} />
                </td>
                <td>
                  <RelativeTime ms={invite.expiresAt} />
                </td>
                <td className="cell-actions">
                  <Button size="sm" variant="ghost" className="text-danger" onClick={() => setWithdrawing(invite)}>
                    Withdraw
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ConfirmDialog
        open={withdrawing !== null}
        onClose={() => setWithdrawing(null)}
        title={`Withdraw the invitation for ${withdrawing?.email ?? ''}?`}
        confirmLabel="Withdraw invitation"
        onConfirm={async () => {
          if (withdrawing) await api.withdrawInvite(org.id, withdrawing.id);
          onChanged();
        }}
      >
        The link you sent stops working. You can invite them again later.
      </ConfirmDialog>
    </>
  );
}
