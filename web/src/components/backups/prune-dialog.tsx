import { useEffect, useState } from 'react';
import { api, errorMessage, type Backup, type PruneDecision } from '../../api';
import { formatDateTime } from '../../lib/format';
import { formatBytes } from '../../lib/backups';
import { Button } from '../button';
import { Dialog } from '../dialog';
import { FormError } from '../form-error';
import { Loading } from '../loading';

interface Props {
  open: boolean;
  onClose: () => void;
  sourceId: string;
  retentionText: string;
  /** Known backups, to show dates and sizes instead of ids. */
  backups: Backup[];
  /** Null: the person may preview but not apply (admins apply). */
  onApplied: (() => void) | null;
}

/** What retention keeps, why, and what it would remove; applying it deletes those files. */
export function PruneDialog({ open, onClose, sourceId, retentionText, backups, onApplied }: Props) {
  return (
    <Dialog open={open} onClose={onClose} title="Retention" description={`Policy: ${retentionText}. The newest verified backup is always kept.`}>
      <PrunePreview sourceId={sourceId} backups={backups} onClose={onClose} onApplied={onApplied} />
    </Dialog>
  );
}

function BackupLabel({ id, backups }: { id: string; backups: Backup[] }) {
  const backup = backups.find((b) => b.id === id);
  if (!backup) return <span className="mono">{id}</span>;
  return (
    <>
      <span>{formatDateTime(backup.startedAt)}</span>
      <span className="text-muted">{formatBytes(backup.sizeBytes)}</span>
    </>
  );
}

function PrunePreview({ sourceId, backups, onClose, onApplied }: Omit<Props, 'open' | 'retentionText'>) {
  const [decision, setDecision] = useState<PruneDecision | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [applying, setApplying] = useState(false);

  useEffect(() => {
    let live = true;
    api.pruneBackups(sourceId, true).then(
      (preview) => live && setDecision(preview),
      (caught: unknown) => live && setError(errorMessage(caught)),
    );
    return () => {
      live = false;
    };
  }, [sourceId]);

  const apply = async () => {
    setApplying(true);
    setError(null);
    try {
      setDecision(await api.pruneBackups(sourceId, false));
      onApplied?.();
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setApplying(false);
    }
  };

  if (!decision) {
    return (
      <div className="stack">
        {error ? <FormError error={error} /> : <Loading label="Working out what to keep…" />}
        <div className="dialog-footer">
          <Button onClick={onClose}>Close</Button>
        </div>
      </div>
    );
  }

  const applied = !decision.dryRun;
  return (
    <div className="stack" data-testid="prune-preview">
      <div>
        <h3 className="backup-form-heading">Kept ({decision.keep.length})</h3>
        {decision.keep.length === 0 ? (
          <p className="text-muted">Nothing.</p>
        ) : (
          <ul className="prune-list">
            {decision.keep.map((kept) => (
              <li key={kept.id}>
                <BackupLabel id={kept.id} backups={backups} />
                <span className="prune-reasons">
                  {kept.reasons.map((reason) => (
                    <span key={reason} className="chip">
                      {reason}
                    </span>
                  ))}
                </span>
              </li>
            ))}
          </ul>
        )}
      </div>
      <div>
        <h3 className="backup-form-heading">
          {applied ? 'Removed' : 'Would be removed'} ({decision.remove.length})
        </h3>
        {decision.remove.length === 0 ? (
          <p className="text-muted">Nothing: every backup is kept by a rule.</p>
        ) : (
          <ul className="prune-list prune-list-remove">
            {decision.remove.map((removed) => (
              <li key={removed.id}>
                <BackupLabel id={removed.id} backups={backups} />
              </li>
            ))}
          </ul>
        )}
      </div>
      <FormError error={error} />
      <div className="dialog-footer">
        <Button onClick={onClose}>{applied ? 'Done' : 'Close'}</Button>
        {onApplied && !applied && (
          <Button variant="danger" onClick={() => void apply()} pending={applying} disabled={decision.remove.length === 0}>
            Remove {decision.remove.length} {decision.remove.length === 1 ? 'backup' : 'backups'}
          </Button>
        )}
      </div>
    </div>
  );
}
