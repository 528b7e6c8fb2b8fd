let cached: string[] | null = null;

/** IANA time zones the browser knows, UTC first (for cron schedules, which run in a zone). */
export function timeZones(): string[] {
  if (cached) return cached;
  let zones: string[] = [];
  try {
    zones = Intl.supportedValuesOf('timeZone');
  } catch {
    // Older browsers: the person's own zone and UTC still cover most needs.
  }
  cached = [...new Set(['UTC', browserTimeZone(), ...zones])];
  return cached;
}

/** The browser's time zone, "Europe/Berlin"; UTC when unknown. */
export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Epoch ms as a `datetime-local` value in the browser's zone: "2025-11-22T14:05". */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A `datetime-local` value (browser's zone) as epoch ms, or null when empty or invalid. */
export function fromLocalInput(value: string): number | null {
  if (value === '') return null;
  const ms = new Date(value).getTime();
  return Number.isFinite(ms) ? ms : null;
}
