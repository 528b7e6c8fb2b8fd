import { useState } from 'react';
import { api, type ApiToken, type OrgWithRole } from '../../api';
import { useSession } from '../../hooks/use-session';
import { formatDateTime } from '../../lib/format';
import { NEEDS, roleAtLeast } from '../../lib/roles';
import { Badge, type Tone } from '../badge';
import { Button } from '../button';
import { ConfirmDialog } from '../confirm-dialog';
import { RelativeTime } from '../relative-time';

const SCOPE_TONES: Record<ApiToken['scope'], Tone> = { read: 'neutral', write: 'blue', admin: 'amber' };

function TokenStatus({ token }: { token: ApiToken }) {
  if (token.revokedAt !== null) {
    return (
      <Badge tone="neutral" title={formatDateTime(token.revokedAt)}>
        Revoked
      </Badge>
    );
  }
  if (token.expiresAt !== null && token.expiresAt <= Date.now()) {
    return (
      <Badge tone="red" title={formatDateTime(token.expiresAt)}>
        Expired
      </Badge>
    );
  }
  return (
    <Badge tone="green" dot>
      Active
    </Badge>
  );
}

export function TokensTable({ org, tokens, onChanged }: { org: OrgWithRole; tokens: ApiToken[]; onChanged: () => void }) {
  const { me } = useSession();
  const [revoking, setRevoking] = useState<ApiToken | null>(null);
  const isAdmin = roleAtLeast(org.role, NEEDS.memberManage);

  return (
    <>
      <div className="table-wrap">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Token</th>
              <th scope="col">Scope</th>
              <th scope="col">Created by</th>
              <th scope="col">Last used</th>
              <th scope="col">Expires</th>
              <th scope="col">Status</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {tokens.map((token) => {
              const usable = token.revokedAt === null && (token.expiresAt === null || token.expiresAt > Date.now());
              const mine = token.createdBy?.id === me.user.id;
              return (
                <tr key={token.id} className={usable ? undefined : 'row-muted'}>
                  <td>
                    <div className="cell-primary">{token.name}</div>
                    <div className="cell-secondary">
                      Created <RelativeTime ms={token.createdAt} />
                    </div>
                  </td>
                  <td className="mono">{token.prefix}…</td>
                  <td>
                    <Badge tone={SCOPE_TONES[token.scope]}>{token.scope}</Badge>
                  </td>
                  <td>{token.createdBy?.email ?? <span className="text-subtle">deleted user</span>}</td>
                  <td>
                    <RelativeTime ms={token.lastUsedAt} empty="never" />
                  </td>
                  <td>
                    <RelativeTime ms={token.expiresAt} empty="never" />
                  </td>
                  <td>
                    <TokenStatus token={token} />
                  </td>
                  <td className="cell-actions">
                    {token.revokedAt === null && (mine || isAdmin) && (
                      <Button size="sm" variant="ghost" className="text-danger" onClick={() => setRevoking(token)}>
                        Revoke
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
        open={revoking !== null}
        onClose={() => setRevoking(null)}
        title={`Revoke “${revoking?.name ?? ''}”?`}
        confirmLabel="Revoke token"
        onConfirm={async () => {
          if (revoking) await api.revokeToken(org.id, revoking.id);
          onChanged();
        }}
      >
        Scripts using this token get 401 errors from now on. This cannot be undone.
      </ConfirmDialog>
    </>
  );
}
