import type { Backup, BackupSource } from '../../api';
import { describeCron } from '../../lib/backups';
import { AlertIcon } from '../icons';
import { RelativeTime } from '../relative-time';
import { BackupSizeChart } from './size-chart';

/** Targets, schedule with the next run, retention and restore tests, in one row of facts. */
export function SourceFacts({ source }: { source: BackupSource }) {
  return (
    <dl className="backup-facts">
      <div>
        <dt>{source.targets.length === 1 ? 'Target' : `Targets (${source.targets.length})`}</dt>
        {source.targets.map((target) => (
          <dd key={target} className="mono backup-target-text" title={target}>
            {target}
          </dd>
        ))}
      </div>
      <div>
        <dt>Schedule</dt>
        <dd>{describeCron(source.schedule, source.timezone)}</dd>
        {source.nextRunAt !== null && (
          <dd className="text-muted">
            Next run <RelativeTime ms={source.nextRunAt} />
          </dd>
        )}
      </div>
      <div>
        <dt>Retention</dt>
        <dd>{source.retentionText}</dd>
      </div>
      <div>
        <dt>Restore tests</dt>
        <dd>{source.verifySchedule === null ? 'On demand only' : describeCron(source.verifySchedule, source.timezone)}</dd>
        <dd className="text-muted">
          {source.nextVerifyAt !== null && (
            <>
              Next <RelativeTime ms={source.nextVerifyAt} />
              {source.assertions.length > 0 && ' · '}
            </>
          )}
          {source.assertions.length > 0 && `${source.assertions.length} ${source.assertions.length === 1 ? 'assertion' : 'assertions'}`}
        </dd>
      </div>
    </dl>
  );
}

/** A failed last backup or restore test, said plainly above the details. */
export function SourceWarnings({ source, backups }: { source: BackupSource; backups: Backup[] }) {
  const last = source.lastBackup;
  const failedBackup = last?.status === 'failed' ? last : null;
  const lastPass = source.lastVerified?.verifiedAt ?? 0;
  const failedTest = backups.find((b) => b.verifyStatus === 'failed' && (b.verifiedAt ?? 0) > lastPass) ?? null;
  if (!failedBackup && !failedTest) return null;
  return (
    <div className="backup-warnings">
      {failedBackup && (
        <div className="callout callout-danger" role="alert">
          <div className="callout-title">
            <AlertIcon size={14} />
            The last backup failed <RelativeTime ms={failedBackup.startedAt} />
          </div>
          <div className="backup-warning-text">{failedBackup.error}</div>
        </div>
      )}
      {failedTest && (
        <div className="callout callout-danger" role="alert">
          <div className="callout-title">
            <AlertIcon size={14} />
            The last restore test failed <RelativeTime ms={failedTest.verifiedAt} />
          </div>
          <div className="backup-warning-text">{failedTest.verifyError}</div>
        </div>
      )}
    </div>
  );
}

/** The size chart with its heading, above the table. */
export function SizeSection({ backups }: { backups: Backup[] }) {
  if (!backups.some((b) => b.status === 'succeeded' && b.sizeBytes !== null)) return null;
  return (
    <section className="backup-size" aria-label="Backup size over time">
      <h3 className="tile-group-title">Size of good backups</h3>
      <BackupSizeChart backups={backups} />
    </section>
  );
}
