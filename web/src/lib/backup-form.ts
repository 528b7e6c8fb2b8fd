import type { BackupSourceInput, BackupTargetInput, Retention } from '../api';
import { BACKUP_PRESETS, SUGGESTED_RPO, VERIFY_PRESETS } from './backups';
import { browserTimeZone } from './time-zones';

/** One target as the inputs hold it; `kind` picks which fields count. */
export interface TargetDraft {
  /** Stable React key: targets can be removed from the middle. */
  key: number;
  kind: 'local' | 's3';
  path: string;
  bucket: string;
  prefix: string;
  region: string;
  endpoint: string;
  forcePathStyle: boolean;
  accessKeyId: string;
  secretAccessKey: string;
}

/** A preset's cron expression, 'custom' (typed) or 'none' (manual backups / no restore tests). */
export type ScheduleChoice = string;

export const RETENTION_FIELDS = [
  ['keepLast', 'Last'],
  ['keepDaily', 'Daily'],
  ['keepWeekly', 'Weekly'],
  ['keepMonthly', 'Monthly'],
  ['keepYearly', 'Yearly'],
] as const satisfies readonly (readonly [keyof Retention, string])[];

type RetentionKey = (typeof RETENTION_FIELDS)[number][0];

export interface SourceFormState {
  kind: 'postgres' | 'watchpost';
  name: string;
  url: string;
  targets: TargetDraft[];
  schedule: ScheduleChoice;
  customSchedule: string;
  timezone: string;
  retention: Record<RetentionKey, string>;
  encryptionKey: string;
  verifySchedule: ScheduleChoice;
  customVerifySchedule: string;
  verifyUrl: string;
  /** One SQL statement per line. */
  assertions: string;
  rpoMinutes: string;
  rtoMinutes: string;
  /** The RPO follows the schedule preset until the person types their own. */
  rpoTouched: boolean;
}

let nextKey = 1;

export function newTarget(kind: TargetDraft['kind'] = 'local'): TargetDraft {
  return { key: nextKey++, kind, path: '', bucket: '', prefix: '', region: 'us-east-1', endpoint: '', forcePathStyle: false, accessKeyId: '', secretAccessKey: '' };
}

export function newSourceForm(): SourceFormState {
  const daily = BACKUP_PRESETS[0]?.cron ?? '0 3 * * *';
  return {
    kind: 'postgres',
    name: '',
    url: '',
    targets: [newTarget()],
    schedule: daily,
    customSchedule: daily,
    timezone: browserTimeZone(),
    retention: { keepLast: '7', keepDaily: '14', keepWeekly: '8', keepMonthly: '12', keepYearly: '3' },
    encryptionKey: '',
    verifySchedule: VERIFY_PRESETS[0]?.cron ?? '0 5 * * 0',
    customVerifySchedule: '0 5 * * 0',
    verifyUrl: '',
    assertions: '',
    rpoMinutes: String(SUGGESTED_RPO[daily] ?? 1500),
    rtoMinutes: '30',
    rpoTouched: false,
  };
}

/** A mistake found before asking the server; its message is shown like the server's. */
export class BackupFormProblem extends Error {}

const POSTGRES_URL = /^postgres(ql)?:\/\//;

function cronOf(choice: ScheduleChoice, custom: string, what: string): string | null {
  if (choice === 'none') return null;
  if (choice !== 'custom') return choice;
  const cron = custom.trim();
  if (cron === '') throw new BackupFormProblem(`Give a cron expression for the ${what}, like 0 3 * * *`);
  return cron;
}

function minutesOf(text: string, label: string): number | null {
  if (text.trim() === '') return null;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new BackupFormProblem(`${label} must be a whole number of minutes, at least 1`);
  return value;
}

function targetOf(draft: TargetDraft, index: number): BackupTargetInput {
  const which = `Target ${index + 1}`;
  if (draft.kind === 'local') {
    const path = draft.path.trim();
    if (!path.startsWith('/')) throw new BackupFormProblem(`${which}: the backup directory must be an absolute path, like /var/backups/watchpost`);
    return { kind: 'local', path };
  }
  const bucket = draft.bucket.trim();
  if (bucket === '') throw new BackupFormProblem(`${which}: give the bucket`);
  if (draft.accessKeyId.trim() === '' || draft.secretAccessKey === '') throw new BackupFormProblem(`${which}: give the access key ID and the secret access key`);
  const endpoint = draft.endpoint.trim();
  return {
    kind: 's3',
    bucket,
    prefix: draft.prefix.trim().replace(/^\/+/, ''),
    region: draft.region.trim() || 'us-east-1',
    ...(endpoint ? { endpoint } : {}),
    ...(draft.forcePathStyle ? { forcePathStyle: true } : {}),
    accessKeyId: draft.accessKeyId.trim(),
    secretAccessKey: draft.secretAccessKey,
  };
}

/** The request body for the form, or a BackupFormProblem saying what to fix. */
export function sourceInputOf(state: SourceFormState): BackupSourceInput {
  const self = state.kind === 'watchpost';
  const url = state.url.trim();
  if (!self && !POSTGRES_URL.test(url)) throw new BackupFormProblem('The connection string must start with postgres:// or postgresql://');
  const verifyUrl = self ? '' : state.verifyUrl.trim();
  if (verifyUrl !== '' && !POSTGRES_URL.test(verifyUrl)) throw new BackupFormProblem('The restore-test server must be a postgres:// connection string');
  const retention: Retention = { keepLast: 0, keepHourly: 0, keepDaily: 0, keepWeekly: 0, keepMonthly: 0, keepYearly: 0 };
  for (const [key, label] of RETENTION_FIELDS) {
    const value = Number(state.retention[key]);
    if (!Number.isInteger(value) || value < 0) throw new BackupFormProblem(`Keep ${label.toLowerCase()}: a whole number, 0 or more`);
    retention[key] = value;
  }
  if (retention.keepLast + retention.keepDaily + retention.keepWeekly + retention.keepMonthly + retention.keepYearly === 0) {
    throw new BackupFormProblem('Retention would keep nothing: set at least one "keep" number above 0');
  }
  if (state.encryptionKey !== '' && state.encryptionKey.length < 16) throw new BackupFormProblem('The encryption key must be at least 16 characters (e.g. openssl rand -base64 32)');
  return {
    kind: state.kind,
    name: state.name.trim(),
    url: self ? null : url,
    targets: state.targets.map(targetOf),
    schedule: cronOf(state.schedule, state.customSchedule, 'backup schedule'),
    timezone: state.timezone,
    retention,
    encryptionKey: state.encryptionKey === '' ? null : state.encryptionKey,
    verifySchedule: cronOf(state.verifySchedule, state.customVerifySchedule, 'restore tests'),
    verifyUrl: verifyUrl === '' ? null : verifyUrl,
    assertions: state.assertions
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean),
    rpoMinutes: minutesOf(state.rpoMinutes, 'RPO'),
    rtoMinutes: minutesOf(state.rtoMinutes, 'RTO'),
  };
}
