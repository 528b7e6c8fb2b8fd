const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const fullDate = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const shortDate = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

/** "Nov 22, 2025, 4:05:12 PM": for title attributes, where precision matters more than brevity. */
export function formatDateTime(ms: number): string {
  return fullDate.format(ms);
}

export function formatDate(ms: number): string {
  return shortDate.format(ms);
}

/** "just now", "3 min ago", "in 2 h", "5 days ago"; beyond a month, the date itself. */
export function formatRelative(ms: number, now: number): string {
  const diff = ms - now;
  const abs = Math.abs(diff);
  const future = diff > 0;
  if (abs < 45_000) return future ? 'in a few seconds' : 'just now';
  let text: string;
  if (abs < HOUR) text = `${Math.round(abs / MINUTE)} min`;
  else if (abs < DAY) text = `${Math.round(abs / HOUR)} h`;
  else if (abs < 30 * DAY) {
    const days = Math.round(abs / DAY);
    text = `${days} ${days === 1 ? 'day' : 'days'}`;
  } else return formatDate(ms);
  return future ? `in ${text}` : `${text} ago`;
}

/** "850 ms", "2.4 s", "3 min 10 s". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < MINUTE) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const minutes = Math.floor(ms / MINUTE);
  const seconds = Math.round((ms % MINUTE) / 1000);
  return seconds === 0 ? `${minutes} min` : `${minutes} min ${seconds} s`;
}

/** Audit details as compact `key=value` pairs; nested values as JSON. */
export function formatDetails(details: Record<string, unknown> | null): string {
  if (!details) return '';
  return Object.entries(details)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
}

export function initials(nameOrEmail: string): string {
  const words = nameOrEmail.split(/[\s@._-]+/).filter(Boolean);
  const letters = words.length >= 2 ? `${words[0]?.[0] ?? ''}${words[1]?.[0] ?? ''}` : nameOrEmail.slice(0, 2);
  return letters.toUpperCase();
}

const integer = new Intl.NumberFormat();
const compact = new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 });

/** "1,234". */
export function formatNumber(value: number): string {
  return integer.format(value);
}

/** "1.2K", "3.4M": for counts in tight columns (the exact number goes in a title). */
export function formatCompact(value: number): string {
  return value < 10_000 ? integer.format(value) : compact.format(value);
}

/** A 0..1 ratio as "12.5%"; very small non-zero ratios as "<0.1%", not "0%". */
export function formatPercent(ratio: number | null | undefined, digits = 1): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return '—';
  const percent = ratio * 100;
  if (percent > 0 && percent < 10 ** -digits) return `<${(10 ** -digits).toFixed(digits)}%`;
  if (percent < 100 && percent > 100 - 10 ** -digits) return `>${(100 - 10 ** -digits).toFixed(digits)}%`;
  return `${percent.toFixed(digits)}%`;
}

/** Latency: "12 ms", "1.24 s"; "—" when there is no value. */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const clockSeconds = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const dayMonth = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });

/** "14:05" */
export function formatClock(ms: number): string {
  return clock.format(ms);
}

/** "14:05:09.120": breadcrumbs happen within seconds of each other. */
export function formatClockPrecise(ms: number): string {
  return `${clockSeconds.format(ms)}.${String(Math.floor(ms % 1000)).padStart(3, '0')}`;
}

/** "Nov 22" */
export function formatDayMonth(ms: number): string {
  return dayMonth.format(ms);
}

/** Requests per minute: "0.25/min", "4.2/min", "1.3K/min". */
export function formatThroughput(perMinute: number): string {
  if (perMinute < 10) return `${perMinute.toFixed(perMinute < 1 ? 2 : 1)}/min`;
  return `${formatCompact(Math.round(perMinute))}/min`;
}

/** Round latencies for axis labels and thresholds: "0", "250 ms", "1 s", "2.5 s". */
export function formatMsShort(ms: number): string {
  if (ms === 0) return '0';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${Number((ms / 1000).toFixed(2))} s`;
}

/** A label inside a sentence: "Request body" → "request body", but "SMTP" and "URL" stay. */
export function inSentence(label: string): string {
  return label
    .split(' ')
    .map((word) => (/^[A-Z][a-z]/.test(word) ? word.toLowerCase() : word))
    .join(' ');
}
