import type { MonitorStatus } from '../uptime/types.js';
import { DAY } from '../lib/periods.js';
import type { ComponentRow, IncidentRow, PageRow, UpdateRow } from './repo.js';
import { COMPONENT_STATUSES, type ComponentStatus, type DayBar, type Impact, type Indicator, type IncidentStatus, type PublicComponent, type PublicIncident, type PublicView } from './types.js';

/** How far back "past incidents" go, today included. */
export const PAST_DAYS = 14;
/** How many incidents the feeds carry. */
export const FEED_SIZE = 25;

/** What the view needs of a monitor (from UptimeService.summaries): its state and daily bars. */
export interface MonitorSummary {
  id: string;
  status: MonitorStatus;
  statusSince: number;
  uptime90d: number | null;
  days: DayBar[];
}

/** The worse of two component statuses. */
export function worse(a: ComponentStatus, b: ComponentStatus): ComponentStatus {
  return COMPONENT_STATUSES.indexOf(b) > COMPONENT_STATUSES.indexOf(a) ? b : a;
}

/**
 * A component's status from its monitors, worst wins: any down is an outage (partial when only
 * some of several watched monitors are down), then degraded, then maintenance; up, pending and
 * paused monitors are operational.
 */
export function statusFromMonitors(statuses: readonly MonitorStatus[]): ComponentStatus {
  const watched = statuses.filter((s) => s !== 'paused').length;
  const down = statuses.filter((s) => s === 'down').length;
  if (down > 0) return down < watched ? 'partial_outage' : 'major_outage';
  if (statuses.includes('degraded')) return 'degraded_performance';
  if (statuses.includes('maintenance')) return 'under_maintenance';
  return 'operational';
}

/** How far an open incident of this impact raises the components it affects (minor and none: not at all). */
const COMPONENT_RAISE: Record<Impact, ComponentStatus> = { none: 'operational', minor: 'operational', major: 'partial_outage', critical: 'major_outage' };
/** How far an open incident of this impact raises the page's overall status. */
const OVERALL_RAISE: Record<Impact, ComponentStatus> = { none: 'operational', minor: 'degraded_performance', major: 'partial_outage', critical: 'major_outage' };

export const STATUS_TEXT: Record<ComponentStatus, string> = {
  operational: 'Operational',
  under_maintenance: 'Under maintenance',
  degraded_performance: 'Degraded performance',
  partial_outage: 'Partial outage',
  major_outage: 'Major outage',
};

const BANNER: Record<ComponentStatus, string> = { ...STATUS_TEXT, operational: 'All systems operational' };
const INDICATOR: Record<ComponentStatus, Indicator> = {
  operational: 'none',
  under_maintenance: 'maintenance',
  degraded_performance: 'minor',
  partial_outage: 'major',
  major_outage: 'critical',
};

/** Where an incident stands now; maintenance starts and ends with its window unless updated otherwise. */
export function phaseOf(row: Pick<IncidentRow, 'kind' | 'status' | 'resolved_at' | 'scheduled_for' | 'scheduled_until'>, now: number): 'active' | 'upcoming' | 'past' {
  if (row.resolved_at !== null) return 'past';
  if (row.kind === 'incident' || row.status !== 'scheduled') return 'active';
  if (row.scheduled_for !== null && now < row.scheduled_for) return 'upcoming';
  if (row.scheduled_until !== null && now >= row.scheduled_until) return 'past';
  return 'active';
}

function parseIds(text: string): string[] {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}

/** Mean of the known values, to 3 decimals; null when none is known. */
function mean(values: ReadonlyArray<number | null>): number | null {
  const known = values.filter((v): v is number => v !== null);
  if (known.length === 0) return null;
  return Math.round((known.reduce((a, b) => a + b, 0) / known.length) * 1000) / 1000;
}

/** A component's 90 bars: per day, the mean uptime of its monitors with data. */
function combineDays(monitors: readonly MonitorSummary[]): DayBar[] {
  const first = monitors[0];
  if (!first) return [];
  return first.days.map((day, i) => ({
    day: day.day,
    uptime: mean(monitors.map((m) => m.days[i]?.uptime ?? null)),
    down: monitors.reduce((sum, m) => sum + (m.days[i]?.down ?? 0), 0),
    maintenance: monitors.reduce((sum, m) => sum + (m.days[i]?.maintenance ?? 0), 0),
  }));
}

export interface ViewInput {
  page: PageRow;
  url: string;
  components: readonly ComponentRow[];
  monitors: readonly MonitorSummary[];
  incidents: readonly IncidentRow[];
  updates: readonly UpdateRow[];
  now: number;
}

/**
 * Builds what public output shows: component statuses (monitors, raised by open incidents), the
 * overall status, active/upcoming/past incidents with their updates. Monitors appear only through
 * their component: no id, name, target or check message of theirs is carried over.
 */
export function buildView(input: ViewInput): PublicView {
  const { page, now } = input;
  const monitors = new Map(input.monitors.map((m) => [m.id, m]));
  const updates = new Map<string, UpdateRow[]>();
  for (const u of input.updates) {
    const list = updates.get(u.incident_id) ?? [];
    list.push(u);
    updates.set(u.incident_id, list);
  }
  const names = new Map(input.components.map((c) => [c.id, c.name]));
  const order = new Map(input.components.map((c, i) => [c.id, i]));

  const incidents = input.incidents.map((row) => {
    const phase = phaseOf(row, now);
    const componentIds = parseIds(row.component_ids).filter((id) => names.has(id));
    componentIds.sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
    // Maintenance follows its window: shown in progress once started, completed once over.
    let status: IncidentStatus = row.status;
    let resolvedAt = row.resolved_at;
    if (row.kind === 'maintenance' && row.status === 'scheduled' && phase === 'active') status = 'in_progress';
    if (row.kind === 'maintenance' && row.resolved_at === null && phase === 'past') {
      status = 'completed';
      resolvedAt = row.scheduled_until;
    }
    const shown: PublicIncident = {
      id: row.id,
      title: row.title,
      impact: row.impact,
      kind: row.kind,
      status,
      components: componentIds.map((id) => ({ id, name: names.get(id) ?? '' })),
      scheduledFor: row.scheduled_for,
      scheduledUntil: row.scheduled_until,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      resolvedAt,
      updates: (updates.get(row.id) ?? []).map((u) => ({ status: u.status, body: u.body, createdAt: u.created_at })),
    };
    return { phase, shown };
  });
  const active = incidents.filter((i) => i.phase === 'active').map((i) => i.shown);

  const components: PublicComponent[] = input.components.map((c) => {
    const own = parseIds(c.monitor_ids)
      .map((id) => monitors.get(id))
      .filter((m): m is MonitorSummary => m !== undefined);
    let status = statusFromMonitors(own.map((m) => m.status));
    for (const incident of active) {
      if (!incident.components.some((x) => x.id === c.id)) continue;
      status = worse(status, incident.kind === 'maintenance' ? 'under_maintenance' : COMPONENT_RAISE[incident.impact]);
    }
    return { id: c.id, name: c.name, description: c.description, group: c.group_name, status, uptime90d: mean(own.map((m) => m.uptime90d)), days: combineDays(own) };
  });

  let overall: ComponentStatus = components.reduce<ComponentStatus>((acc, c) => worse(acc, c.status), 'operational');
  for (const incident of active) overall = worse(overall, incident.kind === 'maintenance' ? 'under_maintenance' : OVERALL_RAISE[incident.impact]);

  const pastSince = Math.floor(now / DAY) * DAY - (PAST_DAYS - 1) * DAY;
  const byRecent = (a: PublicIncident, b: PublicIncident) => b.createdAt - a.createdAt;
  const used = own(input.components);
  const latest = [
    page.updated_at,
    ...input.monitors.filter((m) => used.has(m.id)).map((m) => m.statusSince),
    ...input.incidents.map((i) => i.updated_at),
  ];
  return {
    slug: page.slug,
    title: page.title,
    description: page.description,
    url: input.url,
    showUptimeBars: page.show_uptime_bars === 1,
    updatedAt: Math.max(...latest),
    now,
    overall: { status: overall, indicator: INDICATOR[overall], description: BANNER[overall] },
    components,
    active: active.sort(byRecent),
    upcoming: incidents
      .filter((i) => i.phase === 'upcoming')
      .map((i) => i.shown)
      .sort((a, b) => (a.scheduledFor ?? 0) - (b.scheduledFor ?? 0)),
    past: incidents
      .filter((i) => i.phase === 'past' && (i.shown.resolvedAt ?? 0) >= pastSince)
      .map((i) => i.shown)
      .sort(byRecent),
    recent: incidents
      .map((i) => i.shown)
      .sort(byRecent)
      .slice(0, FEED_SIZE),
  };
}

function own(components: readonly ComponentRow[]): Set<string> {
  return new Set(components.flatMap((c) => parseIds(c.monitor_ids)));
}

/** Monitor ids of a page's components, each once. */
export function monitorIdsOf(components: readonly ComponentRow[]): string[] {
  return [...own(components)];
}
