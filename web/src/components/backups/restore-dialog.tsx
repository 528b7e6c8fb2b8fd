import { useState, type FormEvent } from 'react';
import { api, errorMessage, type Backup, type RestoreResult } from '../../api';
import { formatDateTime, formatDuration, formatNumber } from '../../lib/format';
import { formatBytes } from '../../lib/backups';
import { Button } from '../button';
import { Dialog } from '../dialog';
import { Field } from '../field';
import { FormError } from '../form-error';
import { AlertIcon, CheckIcon } from '../icons';
import { CheckField } from '../check-field';
import { Spinner } from '../spinner';
import { Elapsed } from './elapsed';

interface Props {
  /** The backup to restore; null when closed. */
  backup: Backup | null;
  sourceName: string;
  onClose: () => void;
}

/** Restores a backup into a database the person names, after they type the source's name. */
export function RestoreDialog({ backup, sourceName, onClose }: Props) {
  return (
    <Dialog
      open={backup !== null}
      onClose={onClose}
      title={`Restore ${sourceName}`}
      description={backup ? `The backup of ${formatDateTime(backup.startedAt)} (${formatBytes(backup.sizeBytes)}${backup.encrypted ? ', encrypted' : ''}).` : undefined}
    >
      {backup && <RestoreForm backup={backup} sourceName={sourceName} onClose={onClose} />}
    </Dialog>
  );
}

function RestoreForm({ backup, sourceName, onClose }: { backup: Backup; sourceName: string; onClose: () => void }) {
  const [to, setTo] = useState('');
  const [force, setForce] = useState(false);
  const [typed, setTyped] = useState('');
  const [started, setStarted] = useState<number | null>(null);
  const [result, setResult] = useState<RestoreResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const confirmed = typed.trim() === sourceName;
  const pending = started !== null;
  // A copy of Watchpost's own SQLite database restores to a new file, not into a server.
  const toFile = backup.dumpVersion === 'VACUUM INTO';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!confirmed || pending) return;
    setStarted(Date.now());
    setError(null);
    try {
      setResult(await api.restoreBackup(backup.id, { to: to.trim(), force, confirm: typed.trim() }));
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setStarted(null);
    }
  };

  if (result) {
    return (
      <div className="stack">
        <div className="callout callout-success" role="status" data-testid="restore-result">
          <div className="callout-title">
            <CheckIcon size={14} />
            Restored in {formatDuration(result.durationMs)}
          </div>
          <div>
            {formatNumber(result.tables)} {result.tables === 1 ? 'table' : 'tables'} restored from the backup of {formatDateTime(backup.startedAt)}. The restore is in the audit log.
          </div>
        </div>
        <div className="dialog-footer">
          <Button variant="primary" onClick={onClose} data-autofocus>
            Done
          </Button>
        </div>
      </div>
    );
  }

  return (
    <form className="stack" onSubmit={submit}>
      {toFile ? (
        <Field label="Target file" hint="An absolute path on the Watchpost server for a new SQLite file. Stop Watchpost, then move it into place or point WATCHPOST_DATA_DIR at it.">
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              className="input mono"
              value={to}
              onChange={(e) => setTo(e.target.value)}
              required
              pattern="/.+"
              title="An absolute path"
              maxLength={2000}
              placeholder="/var/lib/watchpost/restored.db"
              disabled={pending}
              spellCheck={false}
              data-autofocus
            />
          )}
        </Field>
      ) : (
        <Field label="Target connection string" hint="The database must exist and be empty (create it first), unless you replace what is there below.">
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              className="input mono"
              type="password"
              autoComplete="off"
              value={to}
              onChange={(e) => setTo(e.target.value)}
              required
              pattern="postgres(ql)?://.+"
              title="A postgres:// connection string"
              maxLength={2000}
              placeholder="postgres://postgres:…@new-db.example.com:5432/shop_restored"
              disabled={pending}
              data-autofocus
            />
          )}
        </Field>
      )}
      <CheckField label={toFile ? 'Replace an existing file (force)' : 'Replace existing objects (force)'} checked={force} onChange={setForce} />
      {force && (
        <div className="callout callout-warning" role="note">
          <div className="callout-title">
            <AlertIcon size={14} />
            {toFile ? 'A file at that path is overwritten' : 'Tables, views and functions with the same names are dropped and replaced'}
          </div>
          {toFile ? 'Never point this at the database file Watchpost is running on.' : 'Use this only on a database you mean to overwrite: data written there since the backup is lost.'}
        </div>
      )}
      <Field label={`Type ${sourceName} to confirm`}>
        {(id) => <input id={id} className="input" value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" spellCheck={false} disabled={pending} />}
      </Field>
      {pending && started !== null && (
        <div className="backup-progress" role="status">
          <Spinner size={14} />
          <span>Restoring…</span>
          <Elapsed since={started} />
        </div>
      )}
      <FormError error={error} />
      <div className="dialog-footer">
        <Button onClick={onClose}>{pending ? 'Close' : 'Cancel'}</Button>
        <Button type="submit" variant="danger" disabled={!confirmed} pending={pending}>
          Restore
        </Button>
      </div>
    </form>
  );
}
