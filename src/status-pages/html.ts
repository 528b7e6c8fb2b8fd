/** Escapes text for HTML and XML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#39;'));
}

const DATE = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'short', year: 'numeric' });
const TIME = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/** "3 Mar 2025" (UTC). */
export function formatDay(at: number): string {
  return DATE.format(at);
}

/** "3 Mar 2025, 14:05 UTC". */
export function formatTime(at: number): string {
  return `${DATE.format(at)}, ${TIME.format(at)} UTC`;
}

/** "2025-03-03" (UTC). */
export function isoDay(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}

/** An uptime percentage as people read it: never rounded up to 100 when there was downtime. */
export function formatPct(value: number | null): string {
  if (value === null) return 'no data';
  if (value >= 100) return '100%';
  return `${(Math.floor(value * 100) / 100).toFixed(2)}%`;
}

/** "in_progress" → "In progress". */
export function humanize(word: string): string {
  const spaced = word.replace(/_/g, ' ');
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}
