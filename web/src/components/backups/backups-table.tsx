import type { Backup } from '../../api';
import { formatDateTime, formatDuration } from '../../lib/format';
import { BACKUP_STATUS, formatBytes, TRIGGER_LABELS } from '../../lib/backups';
import { Badge } from '../badge';
import { Button } from '../button';
import { CopyButton } from '../copy-button';
import { LockIcon, RotateCcwIcon, ShieldCheckIcon } from '../icons';
import { RelativeTime } from '../relative-time';
import { Spinner } from '../spinner';

interface Actions {
  onVerify: ((backup: Backup) => void) | null;
  onRestore: ((backup: Backup) => void) | null;
  /** The backup whose restore test this page started, if any. */
  verifying: string | null;
}

function StatusCell({ backup }: { backup: Backup }) {
  const status = BACKUP_STATUS[backup.status];
  return (
    <div className="backup-status">
      {backup.status === 'running' ? (
        <Badge tone="blue">
          <Spinner size={11} />
          Running · {formatBytes(backup.progressBytes)}
        </Badge>
      ) : (
        <Badge tone={status.tone} dot title={backup.error ?? undefined}>
          {status.label}
        </Badge>
      )}
      {backup.deleted && (
        <Badge tone="neutral" title="Retention removed its file; the record stays as history">
          Pruned
        </Badge>
      )}
      {backup.error && (
        <div className="backup-row-error" title={backup.error}>
          {backup.error}
        </div>
      )}
    </div>
  );
}

function EncryptedCell({ backup }: { backup: Backup }) {
  if (backup.status !== 'succeeded') return <span className="text-subtle">—</span>;
  if (!backup.encrypted) return <span className="text-muted">No</span>;
  return (
    <span className="backup-encrypted">
      <LockIcon size={13} />
      Yes
    </span>
  );
}

/** Whether the last restore test of this backup passed, failed (why, on hover) or never ran. */
export function VerifiedBadge({ backup, pending = false }: { backup: Backup; pending?: boolean }) {
  if (pending || backup.verifyStatus === 'running') {
    return (
      <Badge tone="blue">
        <Spinner size={11} />
        Verifying…
      </Badge>
    );
  }
  if (backup.verifyStatus === 'verified') {
    return (
      <Badge tone="green" dot title={backup.verifiedAt ? `Restore test passed ${formatDateTime(backup.verifiedAt)}` : undefined}>
        Verified
      </Badge>
    );
  }
  if (backup.verifyStatus === 'failed') {
    return (
      <Badge tone="red" dot title={backup.verifyError ?? 'The restore test failed'}>
        Failed
      </Badge>
    );
  }
  return <span className="text-subtle">Not verified</span>;
}

/** A source's backups, newest first, with their restore tests; pruned ones greyed out. */
export function BackupsTable({ backups, actions }: { backups: Backup[]; actions: Actions }) {
  const hasActions = actions.onVerify !== null || actions.onRestore !== null;
  return (
    <div className="table-wrap">
      <table className="table table-dense backups-table">
        <thead>
          <tr>
            <th scope="col">Started</th>
            <th scope="col">Status</th>
            <th scope="col">Trigger</th>
            <th scope="col" className="cell-num">
              Size
            </th>
            <th scope="col" className="cell-num">
              Duration
            </th>
            <th scope="col">Checksum</th>
            <th scope="col">Encrypted</th>
            <th scope="col">Restore test</th>
            <th scope="col" className="cell-num">
              Restore time
            </th>
            {hasActions && (
              <th scope="col" className="cell-actions">
                <span className="visually-hidden">Actions</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {backups.map((backup) => {
            const usable = backup.status === 'succeeded' && !backup.deleted;
            const verifying = actions.verifying === backup.id || backup.verifyStatus === 'running';
            return (
              <tr key={backup.id} className={backup.deleted ? 'row-muted backup-pruned' : undefined} data-testid="backup-row" data-status={backup.status}>
                <td className="nowrap">
                  <RelativeTime ms={backup.startedAt} />
                </td>
                <td>
                  <StatusCell backup={backup} />
                </td>
                <td className="nowrap">{TRIGGER_LABELS[backup.trigger] ?? backup.trigger}</td>
                <td className="cell-num nowrap" data-testid="backup-size">
                  {backup.sizeBytes === null ? <span className="text-subtle">—</span> : formatBytes(backup.sizeBytes)}
                </td>
                <td className="cell-num nowrap">{backup.durationMs === null ? <span className="text-subtle">—</span> : formatDuration(backup.durationMs)}</td>
                <td className="nowrap">
                  {backup.sha256 ? (
                    <span className="backup-checksum" title={`SHA-256 ${backup.sha256}`}>
                      <span className="mono">{backup.sha256.slice(0, 12)}</span>
                      <CopyButton text={backup.sha256} label="Copy SHA-256 checksum" className="copy-compact" />
                    </span>
                  ) : (
                    <span className="text-subtle">—</span>
                  )}
                </td>
                <td className="nowrap">
                  <EncryptedCell backup={backup} />
                </td>
                <td className="nowrap" data-testid="backup-verified">{backup.status === 'succeeded' ? <VerifiedBadge backup={backup} pending={actions.verifying === backup.id} /> : <span className="text-subtle">—</span>}</td>
                <td className="cell-num nowrap" data-testid="backup-restore-time">
                  {backup.restoreDurationMs === null ? <span className="text-subtle">—</span> : formatDuration(backup.restoreDurationMs)}
                </td>
                {hasActions && (
                  <td className="cell-actions">
                    {actions.onVerify && (
                      <Button size="sm" variant="ghost" onClick={() => actions.onVerify?.(backup)} disabled={!usable || verifying || actions.verifying !== null}
                        aria-label={`Verify the backup of ${formatDateTime(backup.startedAt)}`}
                        title="Restore it into a scratch database and check it"
                      >
                        <ShieldCheckIcon size={14} />
                        Verify
                      </Button>
                    )}
                    {actions.onRestore && (
                      <Button size="sm" variant="ghost" onClick={() => actions.onRestore?.(backup)} disabled={!usable}
                        aria-label={`Restore the backup of ${formatDateTime(backup.startedAt)}`}
                        title="Restore it into a database"
                      >
                        <RotateCcwIcon size={14} />
                        Restore
                      </Button>
                    )}
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
