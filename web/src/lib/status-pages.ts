import {
  COMPONENT_STATUSES,
  INCIDENT_STATUSES,
  MAINTENANCE_STATUSES,
  type ComponentStatus,
  type Impact,
  type IncidentKind,
  type IncidentStatus,
  type MonitorStatus,
  type StatusIncident,
  type StatusPage,
} from '../api';
import type { Tone } from '../components/badge';

export const COMPONENT_STATUS_LABELS: Record<ComponentStatus, string> = {
  operational: 'Operational',
  under_maintenance: 'Under maintenance',
  degraded_performance: 'Degraded performance',
  partial_outage: 'Partial outage',
  major_outage: 'Major outage',
};

export const COMPONENT_STATUS_TONES: Record<ComponentStatus, Tone> = {
  operational: 'green',
  under_maintenance: 'blue',
  degraded_performance: 'amber',
  partial_outage: 'amber',
  major_outage: 'red',
};

/** The banner at the top of the public page. */
export const BANNER_TEXT: Record<ComponentStatus, string> = { ...COMPONENT_STATUS_LABELS, operational: 'All systems operational' };

export const IMPACT_LABELS: Record<Impact, string> = { none: 'None', minor: 'Minor', major: 'Major', critical: 'Critical' };

/** What each impact does to the public page (src/status-pages/view.ts). */
export const IMPACT_HINTS: Record<Impact, string> = {
  none: 'Informational: no component changes colour',
  minor: 'The banner shows degraded performance',
  major: 'Affected components show a partial outage',
  critical: 'Affected components show a major outage',
};

export const IMPACT_TONES: Record<Impact, Tone> = { none: 'neutral', minor: 'amber', major: 'amber', critical: 'red' };

export const INCIDENT_STATUS_LABELS: Record<IncidentStatus, string> = {
  investigating: 'Investigating',
  identified: 'Identified',
  monitoring: 'Monitoring',
  resolved: 'Resolved',
  scheduled: 'Scheduled',
  in_progress: 'In progress',
  verifying: 'Verifying',
  completed: 'Completed',
};

/** The statuses an incident (or maintenance) moves through, in order. */
export function statusesOf(kind: IncidentKind): readonly IncidentStatus[] {
  return kind === 'incident' ? INCIDENT_STATUSES : MAINTENANCE_STATUSES;
}

/** The status that closes it: resolved, or completed for maintenance. */
export function finalStatus(kind: IncidentKind): IncidentStatus {
  return kind === 'incident' ? 'resolved' : 'completed';
}

/** Where an incident stands; maintenance starts and ends with its window unless updated otherwise (as the public page shows it). */
export function phaseOf(incident: StatusIncident, now: number): 'active' | 'upcoming' | 'past' {
  if (incident.resolvedAt !== null) return 'past';
  if (incident.kind === 'incident' || incident.status !== 'scheduled') return 'active';
  if (incident.scheduledFor !== null && now < incident.scheduledFor) return 'upcoming';
  if (incident.scheduledUntil !== null && now >= incident.scheduledUntil) return 'past';
  return 'active';
}

export function worse(a: ComponentStatus, b: ComponentStatus): ComponentStatus {
  return COMPONENT_STATUSES.indexOf(b) > COMPONENT_STATUSES.indexOf(a) ? b : a;
}

/**
 * A component's status from its monitors, as the public page computes it (src/status-pages/view.ts):
 * worst wins; down is an outage (partial when only some watched monitors are down), paused is ignored.
 */
export function statusFromMonitors(statuses: readonly MonitorStatus[]): ComponentStatus {
  const watched = statuses.filter((s) => s !== 'paused').length;
  const down = statuses.filter((s) => s === 'down').length;
  if (down > 0) return down < watched ? 'partial_outage' : 'major_outage';
  if (statuses.includes('degraded')) return 'degraded_performance';
  if (statuses.includes('maintenance')) return 'under_maintenance';
  return 'operational';
}

const COMPONENT_RAISE: Record<Impact, ComponentStatus> = { none: 'operational', minor: 'operational', major: 'partial_outage', critical: 'major_outage' };
const OVERALL_RAISE: Record<Impact, ComponentStatus> = { none: 'operational', minor: 'degraded_performance', major: 'partial_outage', critical: 'major_outage' };

/** How far an active incident raises a component it affects, or the whole page. */
export function raisedBy(incident: StatusIncident, scope: 'component' | 'overall'): ComponentStatus {
  if (incident.kind === 'maintenance') return 'under_maintenance';
  return (scope === 'component' ? COMPONENT_RAISE : OVERALL_RAISE)[incident.impact];
}

/** A slug from a title: "Acme Cloud status" → "acme-cloud-status". */
export function slugify(title: string): string {
  return title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64)
    .replace(/-+$/, '');
}

export const SLUG_PATTERN = '[a-z0-9](?:[a-z0-9\\-]{0,62}[a-z0-9])?';

/**
 * Where Watchpost itself answers: the page's own URL names it when the page has no custom domain;
 * otherwise the dashboard's origin (the same server).
 */
export function watchpostOrigin(page: Pick<StatusPage, 'url' | 'slug' | 'customDomain'>): string {
  const own = `/status/${page.slug}`;
  if (page.customDomain === null && page.url.endsWith(own)) return page.url.slice(0, -own.length);
  return window.location.origin;
}

/** Public addresses of a page on the Watchpost host: the page, its feeds, summary and badges. */
export function publicUrls(page: Pick<StatusPage, 'url' | 'slug' | 'customDomain'>, origin = watchpostOrigin(page)) {
  const base = `${origin}/status/${page.slug}`;
  return {
    page: base,
    path: `/status/${page.slug}`,
    summary: `${base}/summary.json`,
    atom: `${base}/feed.atom`,
    rss: `${base}/feed.rss`,
    statusBadge: `${base}/badge/status.svg`,
    uptimeBadge: `${base}/badge/uptime.svg`,
  };
}
