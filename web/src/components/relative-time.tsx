import { useNow } from '../hooks/use-now';
import { formatDateTime, formatRelative } from '../lib/format';

interface Props {
  ms: number | null | undefined;
  /** Shown when there is no time, e.g. "Never". */
  empty?: string;
}

/** "3 min ago", with the full date in the title (hover) and a machine-readable datetime. */
export function RelativeTime({ ms, empty = '—' }: Props) {
  // The shared clock only triggers re-renders; reading the time here keeps fresh items at "just now".
  useNow();
  if (ms === null || ms === undefined) return <span className="text-subtle">{empty}</span>;
  return (
    <time dateTime={new Date(ms).toISOString()} title={formatDateTime(ms)}>
      {formatRelative(ms, Date.now())}
    </time>
  );
}
