import type { CheckStatus, MonitorStatus } from '../../api';
import { STATUS_HINTS, STATUS_LABELS, statusTone } from '../../lib/monitors';
import { Badge } from '../badge';

/** A coloured dot for a monitor's status; its name is for screen readers (and the hover title). */
export function StatusDot({ status }: { status: MonitorStatus | CheckStatus }) {
  const label = STATUS_LABELS[status];
  return (
    <span className={`status-dot status-${status}`} title={label}>
      <span className="visually-hidden">{label}</span>
    </span>
  );
}

/** The status as a badge, for a monitor with its meaning on hover: "Down". */
export function MonitorStatusBadge({ status, ofCheck = false }: { status: MonitorStatus | CheckStatus; ofCheck?: boolean }) {
  return (
    <Badge tone={statusTone(status)} dot title={ofCheck ? undefined : STATUS_HINTS[status]}>
      {STATUS_LABELS[status]}
    </Badge>
  );
}
