import { escapeHtml as e, formatPct } from './html.js';
import type { ComponentStatus } from './types.js';

// Verdana 11px advance widths (px), as shields.io measures text; other characters count as 7.
const NARROW: Record<string, number> = { ' ': 3.9, '.': 3.9, ',': 3.9, ':': 4.7, '-': 4.7, '(': 4.6, ')': 4.6, '%': 12.1, '/': 4.9, i: 3, l: 3, j: 3.8, f: 3.9, t: 4.3, r: 4.7, I: 4.2, J: 5, s: 5.7, c: 5.9, z: 5.8, m: 10.7, w: 9, M: 8.6, W: 10.9 };

function textWidth(text: string): number {
  let width = 0;
  for (const c of text) width += NARROW[c] ?? (c >= 'A' && c <= 'Z' ? 7.5 : 6.8);
  return Math.round(width);
}

const COLORS = { brightgreen: '#4c1', green: '#97ca00', yellow: '#dfb317', orange: '#fe7d37', red: '#e05d44', blue: '#007ec6', lightgrey: '#9f9f9f' } as const;

/** A badge in shields.io's "flat" style: grey label on the left, coloured message on the right. */
export function flatBadge(label: string, message: string, color: keyof typeof COLORS): string {
  const lt = textWidth(label);
  const mt = textWidth(message);
  const lw = lt + 10;
  const mw = mt + 10;
  const w = lw + mw;
  const text = (value: string, x: number, length: number) =>
    `<text aria-hidden="true" x="${x * 10}" y="150" fill="#010101" fill-opacity=".3" transform="scale(.1)" textLength="${length * 10}">${e(value)}</text><text x="${x * 10}" y="140" transform="scale(.1)" fill="#fff" textLength="${length * 10}">${e(value)}</text>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="20" role="img" aria-label="${e(label)}: ${e(message)}"><title>${e(label)}: ${e(message)}</title><linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient><clipPath id="r"><rect width="${w}" height="20" rx="3" fill="#fff"/></clipPath><g clip-path="url(#r)"><rect width="${lw}" height="20" fill="#555"/><rect x="${lw}" width="${mw}" height="20" fill="${COLORS[color]}"/><rect width="${w}" height="20" fill="url(#s)"/></g><g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" text-rendering="geometricPrecision" font-size="110">${text(label, lw / 2, lt)}${text(message, lw + mw / 2, mt)}</g></svg>`;
}

const STATUS_BADGE: Record<ComponentStatus, { message: string; color: keyof typeof COLORS }> = {
  operational: { message: 'operational', color: 'brightgreen' },
  under_maintenance: { message: 'maintenance', color: 'blue' },
  degraded_performance: { message: 'degraded', color: 'yellow' },
  partial_outage: { message: 'partial outage', color: 'orange' },
  major_outage: { message: 'major outage', color: 'red' },
};

const label = (name: string) => (name.length > 40 ? `${name.slice(0, 39)}…` : name);

/** "status | operational" for the page, or "<component> | operational" for one component. */
export function statusBadge(status: ComponentStatus, component: string | null): string {
  const { message, color } = STATUS_BADGE[status];
  return flatBadge(component === null ? 'status' : label(component), message, color);
}

/** "uptime | 99.95%" over 90 days, coloured like shields' uptime badges. */
export function uptimeBadge(uptime: number | null, component: string | null): string {
  const color = uptime === null ? 'lightgrey' : uptime >= 99.9 ? 'brightgreen' : uptime >= 99 ? 'green' : uptime >= 97 ? 'yellow' : uptime >= 95 ? 'orange' : 'red';
  return flatBadge(component === null ? 'uptime' : `${label(component)} uptime`, formatPct(uptime), color);
}
