import { useCallback, useState } from 'react';
import { api, errorMessage, type Backup, type BackupSource, type Items } from '../../api';
import { useApi } from '../../hooks/use-api';
import { useInterval } from '../../hooks/use-interval';
import { formatBytes, sourceBusy } from '../../lib/backups';
import { Badge } from '../badge';
import { Button } from '../button';
import { ConfirmDialog } from '../confirm-dialog';
import { FormError } from '../form-error';
import { DatabaseIcon, LockIcon, PlayIcon, ShieldCheckIcon, TrashIcon } from '../icons';
import { LoadError, Loading } from '../loading';
import { Spinner } from '../spinner';
import { BackupsTable } from './backups-table';
import { Elapsed } from './elapsed';
import { PruneDialog } from './prune-dialog';
import { RecoveryPanel } from './recovery-panel';
import { RestoreDialog } from './restore-dialog';
import { SizeSection, SourceFacts, SourceWarnings } from './source-details';

const LIVE_MS = 1000;
const IDLE_MS = 30_000;
const LIMIT = 50;

interface Props {
  source: BackupSource;
  /** Back up now and Verify (members). */
  canRun: boolean;
  /** Restore, apply retention, delete (admins). */
  canManage: boolean;
  onSource: (source: BackupSource) => void;
  onDeleted: () => void;
}

/** One database: what and where, the RPO/RTO verdict, live progress, size over time, and its backups. */
export function SourceCard({ source, canRun, canManage, onSource, onDeleted }: Props) {
  const id = source.id;
  const backups = useApi(`/backup-sources/${id}/backups`, (signal) => api.backups(id, LIMIT, signal));
  const [verifying, setVerifying] = useState<{ id: string; since: number } | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  const [restoring, setRestoring] = useState<Backup | null>(null);
  const [pruning, setPruning] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const items = backups.data?.items;
  const running = items?.find((b) => b.status === 'running') ?? (source.lastBackup?.status === 'running' ? source.lastBackup : undefined);
  const busy = sourceBusy(source, items);

  const { mutate: mutateBackups, reload: reloadBackups } = backups;
  const replaceBackup = useCallback(
    (backup: Backup) =>
      mutateBackups((current) => {
        const list = current?.items ?? [];
        return { items: list.some((b) => b.id === backup.id) ? list.map((b) => (b.id === backup.id ? backup : b)) : [backup, ...list] } satisfies Items<Backup>;
      }),
    [mutateBackups],
  );

  const refresh = useCallback(async () => {
    const [fresh] = await Promise.all([api.backupSource(id).catch(() => null), reloadBackups()]);
    if (fresh) onSource(fresh);
  }, [id, reloadBackups, onSource]);

  // A running backup is followed every second (bytes, elapsed); a restore test started here polls
  // its own backup; otherwise the RPO colour and new scheduled backups are picked up slowly.
  useInterval(
    () => {
      if (verifying && !running) {
        api.backup(verifying.id).then(replaceBackup, () => undefined);
        return;
      }
      void refresh();
    },
    busy || verifying || running ? LIVE_MS : IDLE_MS,
  );

  const runNow = async () => {
    setStarting(true);
    setActionError(null);
    try {
      const backup = await api.runBackup(id);
      replaceBackup(backup);
      onSource({ ...source, running: true, lastBackup: backup });
    } catch (caught) {
      setActionError(errorMessage(caught));
    } finally {
      setStarting(false);
    }
  };

  const verify = async (backup: Backup) => {
    setVerifying({ id: backup.id, since: Date.now() });
    setActionError(null);
    try {
      replaceBackup(await api.verifyBackup(backup.id));
    } catch (caught) {
      // The request can end (a proxy's timeout) while the test goes on: then the poll follows it.
      const now = await api.backup(backup.id).catch(() => null);
      if (now) replaceBackup(now);
      if (now?.verifyStatus !== 'running') setActionError(errorMessage(caught));
    } finally {
      setVerifying(null);
      await refresh();
    }
  };

  const latestGood = items?.find((b) => b.status === 'succeeded' && !b.deleted) ?? source.lastGoodBackup;

  return (
    <article className="card backup-source" data-testid="backup-source" aria-labelledby={`source-${id}`}>
      <header className="backup-source-head">
        <div className="backup-source-text">
          <div className="backup-source-title">
            <DatabaseIcon size={18} className="text-muted" />
            <h2 id={`source-${id}`}>{source.name}</h2>
            {source.encrypted ? (
              <Badge tone="green" title="Backups are encrypted with AES-256-GCM before they are stored">
                <LockIcon size={11} />
                Encrypted
              </Badge>
            ) : (
              <Badge tone="amber" title="No encryption key: backups are stored as plain pg_dump archives">
                Not encrypted
              </Badge>
            )}
          </div>
          <div className="backup-source-description mono">{source.description}</div>
        </div>
        <div className="backup-source-actions">
          {canRun && (
            <>
              <Button variant="primary" size="sm" onClick={() => void runNow()} pending={starting} disabled={running !== undefined}>
                {!starting && <PlayIcon size={13} />}
                Back up now
              </Button>
              <Button
                size="sm"
                onClick={() => latestGood && void verify(latestGood)}
                pending={verifying !== null}
                disabled={!latestGood || latestGood.verifyStatus === 'running'}
                title={latestGood ? 'Restore the latest good backup into a scratch database and check it' : 'No good backup to verify yet'}
              >
                {verifying === null && <ShieldCheckIcon size={14} />}
                Verify latest
              </Button>
            </>
          )}
          <Button size="sm" onClick={() => setPruning(true)} disabled={!items || items.length === 0}>
            Prune…
          </Button>
          {canManage && (
            <Button size="sm" variant="ghost" className="text-danger" onClick={() => setDeleting(true)} aria-label={`Delete ${source.name}`} title="Delete this source">
              <TrashIcon size={14} />
            </Button>
          )}
        </div>
      </header>

      <RecoveryPanel source={source} />

      {running && (
        <div className="backup-progress backup-progress-live" role="status" data-testid="backup-progress">
          <Spinner size={14} />
          <span>Backing up…</span>
          <strong>{formatBytes(running.progressBytes)}</strong>
          <span className="text-muted">stored,</span>
          <Elapsed since={running.startedAt} />
          <span className="text-muted">elapsed</span>
        </div>
      )}
      {verifying && (
        <div className="backup-progress" role="status" data-testid="verify-progress">
          <Spinner size={14} />
          <span>Restore test running: fetching, checking the checksum, restoring into a scratch database, comparing row counts…</span>
          <Elapsed since={verifying.since} />
        </div>
      )}
      {actionError && (
        <div className="backup-source-notice">
          <FormError error={actionError} />
        </div>
      )}
      <SourceWarnings source={source} backups={items ?? []} />
      <SourceFacts source={source} />

      {backups.error && !items && (
        <div className="backup-source-notice">
          <LoadError error={backups.error} onRetry={() => void backups.reload()} />
        </div>
      )}
      {backups.loading && <Loading label="Loading backups…" />}
      {items && items.length === 0 && <p className="section-empty text-muted">No backups yet. {source.nextRunAt ? 'The first one runs on schedule, or press Back up now.' : 'Press Back up now.'}</p>}
      {items && items.length > 0 && (
        <>
          <SizeSection backups={items} />
          <BackupsTable
            backups={items}
            actions={{ onVerify: canRun ? (backup) => void verify(backup) : null, onRestore: canManage ? setRestoring : null, verifying: verifying?.id ?? null }}
          />
        </>
      )}

      <RestoreDialog backup={restoring} sourceName={source.name} onClose={() => setRestoring(null)} />
      <PruneDialog
        open={pruning}
        onClose={() => setPruning(false)}
        sourceId={id}
        retentionText={source.retentionText}
        backups={items ?? []}
        onApplied={canManage ? () => void refresh() : null}
      />
      <ConfirmDialog
        open={deleting}
        onClose={() => setDeleting(false)}
        title={`Delete ${source.name}?`}
        confirmLabel="Delete source"
        confirmText={source.name}
        onConfirm={async () => {
          await api.deleteBackupSource(id);
          onDeleted();
        }}
      >
        Watchpost stops backing it up and forgets its backup history. The stored files stay where they are ({source.targets.join(', ')}).
      </ConfirmDialog>
    </article>
  );
}
