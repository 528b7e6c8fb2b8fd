import type { Backup, BackupSource, RecoveryHealth } from '../api';
import type { Tone } from '../components/badge';

/** "812 B", "4.2 KB", "31 MB", "1.4 GB": sizes of dumps (binary units, like the server's alerts). */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return '—';
  if (bytes < 1024) return `${Math.round(bytes)} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** A target in minutes as people say it: "45 min", "24 h", "2 days". */
export function formatMinutes(minutes: number): string {
  if (minutes < 60) return `${minutes} min`;
  if (minutes < 48 * 60) {
    const hours = minutes / 60;
    return `${Number.isInteger(hours) ? hours : hours.toFixed(1)} h`;
  }
  const days = minutes / 1440;
  return `${Number.isInteger(days) ? days : days.toFixed(1)} days`;
}

/** "0:07", "12:40", "1:02:03": a running clock. */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

export interface CronPreset {
  cron: string;
  label: string;
}

/** Schedules most databases want; anything else is a custom cron expression. */
export const BACKUP_PRESETS: CronPreset[] = [
  { cron: '0 3 * * *', label: 'Daily at 03:00' },
  { cron: '0 */6 * * *', label: 'Every 6 hours' },
  { cron: '0 * * * *', label: 'Hourly' },
];

export const VERIFY_PRESETS: CronPreset[] = [
  { cron: '0 5 * * 0', label: 'Weekly, Sunday 05:00' },
  { cron: '0 5 * * *', label: 'Daily at 05:00' },
];

/** An RPO that fits each preset: the interval plus an hour for the backup itself. */
export const SUGGESTED_RPO: Record<string, number> = { '0 3 * * *': 1500, '0 */6 * * *': 420, '0 * * * *': 120 };

/** A cron expression in words when it is a preset, else the expression itself. */
export function describeCron(cron: string | null, timezone: string): string {
  if (cron === null) return 'Manual only';
  const preset = [...BACKUP_PRESETS, ...VERIFY_PRESETS].find((p) => p.cron === cron);
  return `${preset ? preset.label : cron} (${timezone})`;
}

const HEALTH_TONES: Record<RecoveryHealth, Tone> = { green: 'green', amber: 'amber', red: 'red', unknown: 'neutral' };

export function healthTone(health: RecoveryHealth): Tone {
  return HEALTH_TONES[health];
}

export const BACKUP_STATUS: Record<Backup['status'], { label: string; tone: Tone }> = {
  running: { label: 'Running', tone: 'blue' },
  succeeded: { label: 'Succeeded', tone: 'green' },
  failed: { label: 'Failed', tone: 'red' },
  cancelled: { label: 'Cancelled', tone: 'neutral' },
};

export const TRIGGER_LABELS: Record<string, string> = { schedule: 'Schedule', manual: 'Manual', cli: 'CLI' };

/** Whether anything of this source is in progress, so the page follows it every second. */
export function sourceBusy(source: BackupSource, backups: Backup[] | undefined): boolean {
  return source.running || source.lastBackup?.status === 'running' || (backups ?? []).some((b) => b.status === 'running' || b.verifyStatus === 'running');
}

/** The CLI command that adds a source, for the empty page (the connection string stays in an environment variable). */
export function cliSnippet(projectId: number): string {
  return [
    "export DB_URL='postgres://backup_user:…@db.example.com:5432/app'",
    `watchpost backup source add --project ${projectId} --name app-db --url-env DB_URL \\`,
    "  --target local:/var/backups/watchpost --schedule '0 3 * * *' --json",
  ].join('\n');
}
