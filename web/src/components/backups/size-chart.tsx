import type { Backup } from '../../api';
import { formatClock, formatDayMonth } from '../../lib/format';
import { formatBytes } from '../../lib/backups';
import { StackedBarChart } from '../charts/time-chart';

const UNITS: [number, string][] = [
  [1024 ** 3, 'GB'],
  [1024 ** 2, 'MB'],
  [1024, 'KB'],
  [1, 'B'],
];

const when = (ms: number) => `${formatDayMonth(ms)} ${formatClock(ms)}`;

/**
 * Size of each good backup, oldest first: a sudden drop means emptied or dropped tables. Values
 * are in the largest unit that fits, so the axis reads "2 MB", not "2,097,152".
 */
export function BackupSizeChart({ backups }: { backups: Backup[] }) {
  const good = backups.filter((b) => b.status === 'succeeded' && b.sizeBytes !== null).reverse();
  if (good.length === 0) return null;
  const max = Math.max(...good.map((b) => b.sizeBytes ?? 0));
  const [unit, unitLabel] = UNITS.find(([size]) => max >= size) ?? [1, 'B'];
  return (
    <StackedBarChart
      label={`Size of the last ${good.length} good ${good.length === 1 ? 'backup' : 'backups'}, from ${formatBytes(good[0]?.sizeBytes)} to ${formatBytes(good.at(-1)?.sizeBytes)}`}
      times={good.map((b) => b.startedAt)}
      series={[{ key: 'size', label: 'Size', tone: 'accent', values: good.map((b) => (b.sizeBytes ?? 0) / unit) }]}
      formatValue={(value) => formatBytes(value * unit)}
      formatTick={(value) => (value === 0 ? '0' : `${value} ${unitLabel}`)}
      formatTime={when}
      height={150}
      maxBarWidth={28}
    />
  );
}
