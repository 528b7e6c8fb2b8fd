import { useState } from 'react';
import { api, errorMessage, type Session } from '../../api';
import { describeUserAgent } from '../../lib/user-agent';
import { Badge } from '../badge';
import { Button } from '../button';
import { FormError } from '../form-error';
import { RelativeTime } from '../relative-time';

export function SessionsTable({ sessions, onChanged }: { sessions: Session[]; onChanged: () => void }) {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const sorted = [...sessions].sort((a, b) => Number(b.current) - Number(a.current) || b.lastSeenAt - a.lastSeenAt);

  const revoke = async (id: string) => {
    setBusy(id);
    setError(null);
    try {
      await api.revokeSession(id);
      onChanged();
    } catch (caught) {
      setError(errorMessage(caught));
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
              <th scope="col">Device</th>
              <th scope="col">IP</th>
              <th scope="col">Signed in</th>
              <th scope="col">Last active</th>
              <th scope="col">Expires</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {sorted.map((session) => (
              <tr key={session.id}>
                <td>
                  <div className="cell-primary" title={session.userAgent ?? undefined}>
                    {describeUserAgent(session.userAgent)}
                    {session.current && <Badge tone="accent">This device</Badge>}
                  </div>
                </td>
                <td className="mono text-muted">{session.ip ?? '—'}</td>
                <td>
                  <RelativeTime ms={session.createdAt} />
                </td>
                <td>
                  <RelativeTime ms={session.lastSeenAt} />
                </td>
                <td>
                  <RelativeTime ms={session.expiresAt} />
                </td>
                <td className="cell-actions">
                  {!session.current && (
                    <Button size="sm" variant="ghost" className="text-danger" pending={busy === session.id} onClick={() => void revoke(session.id)}>
                      Revoke
                    </Button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
