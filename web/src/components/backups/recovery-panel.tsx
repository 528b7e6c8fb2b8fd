import type { ReactNode } from 'react';
import type { BackupSource, RecoveryHealth } from '../../api';
import { formatDuration } from '../../lib/format';
import { formatMinutes } from '../../lib/backups';
import { RelativeTime } from '../relative-time';

const VERDICT: Record<RecoveryHealth, string> = { green: 'Within target', amber: 'Over target', red: 'Target missed', unknown: 'No target set' };

interface TileProps {
  kind: 'rpo' | 'rto';
  health: RecoveryHealth;
  label: string;
  value: ReactNode;
  detail: ReactNode;
}

function Tile({ kind, health, label, value, detail }: TileProps) {
  return (
    <div className={`recovery-tile recovery-${health}`} data-testid={`recovery-${kind}`} data-health={health}>
      <div className="recovery-label">
        <span className="recovery-dot" aria-hidden="true" />
        {label}
        <span className="recovery-verdict">{VERDICT[health]}</span>
      </div>
      <div className="recovery-value">{value}</div>
      <div className="recovery-detail">{detail}</div>
    </div>
  );
}

/**
 * The two numbers that say whether this database can be brought back: how old the last good
 * backup is against the RPO, and how long the last restore test took against the RTO.
 */
export function RecoveryPanel({ source }: { source: BackupSource }) {
  const good = source.lastGoodBackup;
  const verified = source.lastVerified;
  const rpo = source.rpoMinutes === null ? 'no RPO set' : `RPO ${formatMinutes(source.rpoMinutes)}`;
  const rto = source.rtoMinutes === null ? 'no RTO set' : `RTO ${formatMinutes(source.rtoMinutes)}`;
  return (
    <div className="recovery-panel" role="group" aria-label="Recovery point and time">
      <Tile
        kind="rpo"
        health={source.health.rpo}
        label="Last good backup"
        value={good ? <RelativeTime ms={good.startedAt} /> : 'None yet'}
        detail={<>({rpo})</>}
      />
      <Tile
        kind="rto"
        health={source.health.rto}
        label="Last verified restore"
        value={verified?.restoreDurationMs != null ? formatDuration(verified.restoreDurationMs) : 'Not tested yet'}
        detail={
          verified ? (
            <>
              ({rto}), <RelativeTime ms={verified.verifiedAt} />
            </>
          ) : (
            <>({rto}) — press Verify to measure it</>
          )
        }
      />
    </div>
  );
}
