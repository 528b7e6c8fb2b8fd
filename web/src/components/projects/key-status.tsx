import type { IngestKey } from '../../api';
import { formatDateTime } from '../../lib/format';
import { Badge } from '../badge';
import { RelativeTime } from '../relative-time';

/** Active, expiring after a rotation (revokedAt in the future), or revoked. */
export function KeyStatus({ keyInfo }: { keyInfo: IngestKey }) {
  if (!keyInfo.active) {
    return (
      <Badge tone="neutral" title={keyInfo.revokedAt ? `Revoked ${formatDateTime(keyInfo.revokedAt)}` : undefined}>
        Revoked
      </Badge>
    );
  }
  if (keyInfo.revokedAt !== null) {
    return (
      <Badge tone="amber" dot>
        Expires <RelativeTime ms={keyInfo.revokedAt} />
      </Badge>
    );
  }
  return (
    <Badge tone="green" dot>
      Active
    </Badge>
  );
}
