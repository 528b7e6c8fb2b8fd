import type { RetentionCandidate, RetentionDecision, RetentionPolicy } from './types.js';

/**
 * GFS retention with restic's `forget --keep-*` semantics (internal/restic/snapshot_policy.go,
 * ApplyPolicy, restic ≥ 0.17.2), applied to one backup source's backups:
 *
 * - Backups are sorted newest first (a stable sort, so equal times keep their input order).
 * - Each rule (last, hourly, daily, weekly, monthly, yearly) has a budget of N buckets. Walking
 *   newest → oldest, a backup whose bucket differs from the bucket of the previous backup the rule
 *   looked at is kept for that rule and uses one unit of the budget. restic stores that previous
 *   value only when it keeps a backup, but since every bucket change is kept, it is always the
 *   bucket of the previous backup seen. So "7 daily" means the newest backup of each of the 7 most
 *   recent days *that have backups*, not of the last 7 calendar days.
 * - A rule whose budget is not used up when the walk reaches the oldest backup keeps that one too
 *   ("oldest daily snapshot" when its bucket was already represented), so a young history is not
 *   thinned down to one backup per year (restic 0.16 #3624, reason wording from #5039).
 * - Rules are ORed: a backup may be kept by several, and lists every reason.
 *
 * Watchpost additions: the newest backup whose restore test passed is never removed, and a policy
 * with every count at 0 keeps everything rather than deleting every backup.
 *
 * Buckets use the wall clock of one IANA time zone (the source's), where restic uses each
 * snapshot's own recorded offset.
 */

const RULES = [
  { field: 'keepLast', label: 'last', reason: 'last snapshot' },
  { field: 'keepHourly', label: 'hourly', reason: 'hourly snapshot' },
  { field: 'keepDaily', label: 'daily', reason: 'daily snapshot' },
  { field: 'keepWeekly', label: 'weekly', reason: 'weekly snapshot' },
  { field: 'keepMonthly', label: 'monthly', reason: 'monthly snapshot' },
  { field: 'keepYearly', label: 'yearly', reason: 'yearly snapshot' },
] as const satisfies ReadonlyArray<{ field: keyof RetentionPolicy; label: string; reason: string }>;

type Rule = (typeof RULES)[number];

export const REASON_NEWEST_VERIFIED = 'newest verified backup';
export const REASON_NO_POLICY = 'no retention policy';

/** Wall-clock calendar fields of an instant in one time zone. */
export interface LocalParts {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
}

/** Returns a function giving the wall-clock parts of a Unix ms instant in `timezone`. */
export function localPartsIn(timezone: string): (ms: number) => LocalParts {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      calendar: 'gregory',
      numberingSystem: 'latn',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      // h23, not hour12: false, which some ICU versions render midnight as "24".
      hourCycle: 'h23',
    });
  } catch {
    throw new RangeError(`Unknown time zone '${timezone}': use an IANA name like 'Europe/Berlin' or 'UTC'`);
  }
  return (ms) => {
    const fields = { year: 0, month: 0, day: 0, hour: 0 };
    for (const part of format.formatToParts(ms)) {
      if (part.type === 'year' || part.type === 'month' || part.type === 'day' || part.type === 'hour') fields[part.type] = Number(part.value);
    }
    return fields;
  };
}

/** ISO 8601 week-numbering year and week of a calendar date (as Go's time.ISOWeek). */
export function isoWeek(year: number, month: number, day: number): { year: number; week: number } {
  const date = new Date(Date.UTC(year, month - 1, day));
  const weekday = (date.getUTCDay() + 6) % 7; // Monday = 0
  // The week belongs to the year that holds its Thursday.
  const thursday = new Date(date.getTime() + (3 - weekday) * 86_400_000);
  const weekYear = thursday.getUTCFullYear();
  const week = 1 + Math.floor((thursday.getTime() - Date.UTC(weekYear, 0, 1)) / (7 * 86_400_000));
  return { year: weekYear, week };
}

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

function bucketOf(rule: Rule, parts: LocalParts, index: number): string {
  const date = `${pad(parts.year, 4)}-${pad(parts.month)}-${pad(parts.day)}`;
  switch (rule.label) {
    case 'last':
      // Every backup is its own bucket, as restic's `always`.
      return `#${index}`;
    case 'hourly':
      return `${date} ${pad(parts.hour)}`;
    case 'daily':
      return date;
    case 'weekly': {
      const week = isoWeek(parts.year, parts.month, parts.day);
      return `${pad(week.year, 4)}-W${pad(week.week)}`;
    }
    case 'monthly':
      return `${pad(parts.year, 4)}-${pad(parts.month)}`;
    case 'yearly':
      return pad(parts.year, 4);
  }
}

function checkPolicy(policy: RetentionPolicy): void {
  for (const rule of RULES) {
    const count = policy[rule.field];
    if (!Number.isSafeInteger(count) || count < 0) {
      throw new RangeError(`Retention ${rule.field} must be a whole number ≥ 0 (got ${String(count)})`);
    }
  }
}

/** True when every rule's count is 0 (such a policy keeps everything). */
export function isEmptyPolicy(policy: RetentionPolicy): boolean {
  return RULES.every((rule) => policy[rule.field] === 0);
}

/**
 * Decides which backups to keep and which to remove under `policy`, with buckets in `timezone`.
 * Both lists are newest first; `keep` carries restic's reasons (plus Watchpost's own).
 */
export function selectRetention(candidates: RetentionCandidate[], policy: RetentionPolicy, timezone = 'UTC'): RetentionDecision {
  checkPolicy(policy);
  const localParts = localPartsIn(timezone);
  for (const candidate of candidates) {
    if (!Number.isFinite(candidate.createdAt)) throw new RangeError(`Backup ${candidate.id} has no valid creation time`);
  }
  // Array.prototype.sort is stable, like restic's sort.Stable.
  const sorted = [...candidates].sort((a, b) => b.createdAt - a.createdAt);

  if (isEmptyPolicy(policy)) {
    // Refuse to delete everything because nobody configured a policy.
    return { keep: sorted.map((c) => ({ id: c.id, reasons: [REASON_NO_POLICY] })), remove: [] };
  }

  const state = RULES.map((rule) => ({ rule, remaining: policy[rule.field], last: null as string | null }));
  const newestVerified = sorted.find((c) => c.verified);
  const keep: Array<{ id: string; reasons: string[] }> = [];
  const remove: Array<{ id: string }> = [];

  sorted.forEach((candidate, index) => {
    const reasons: string[] = [];
    const isOldest = index === sorted.length - 1;
    let parts: LocalParts | undefined;
    for (const rule of state) {
      if (rule.remaining <= 0) continue;
      parts ??= localParts(candidate.createdAt);
      const bucket = bucketOf(rule.rule, parts, index);
      if (bucket !== rule.last || isOldest) {
        reasons.push(bucket === rule.last ? `oldest ${rule.rule.reason}` : rule.rule.reason);
        rule.last = bucket;
        rule.remaining -= 1;
      }
    }
    if (candidate === newestVerified) reasons.push(REASON_NEWEST_VERIFIED);
    if (reasons.length > 0) keep.push({ id: candidate.id, reasons });
    else remove.push({ id: candidate.id });
  });

  return { keep, remove };
}

/** A short human description: 'last 7, daily 14, weekly 8, monthly 12, yearly 3'. */
export function describePolicy(policy: RetentionPolicy): string {
  const parts = RULES.filter((rule) => policy[rule.field] !== 0).map((rule) => `${rule.label} ${policy[rule.field]}`);
  return parts.length > 0 ? parts.join(', ') : REASON_NO_POLICY;
}
