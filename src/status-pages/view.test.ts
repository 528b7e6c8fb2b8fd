import { describe, expect, it } from 'vitest';
import { DAY } from '../lib/periods.js';
import { flatBadge } from './badges.js';
import { escapeHtml, formatPct } from './html.js';
import type { ComponentRow, IncidentRow, PageRow } from './repo.js';
import { buildView, phaseOf, statusFromMonitors, type MonitorSummary } from './view.js';

const now = Date.UTC(2025, 2, 10, 12);

const page: PageRow = { id: 'p', project_id: 1, slug: 'acme', title: 'Acme', description: null, custom_domain: null, password_hash: null, show_uptime_bars: 1, created_at: 0, updated_at: 0 };
const component = (id: string, monitorIds: string[]): ComponentRow => ({ id, page_id: 'p', name: `Component ${id}`, description: null, position: 0, monitor_ids: JSON.stringify(monitorIds), group_name: null });
const monitor = (id: string, status: MonitorSummary['status'], uptime: number | null = 100): MonitorSummary => ({
  id,
  status,
  statusSince: 0,
  uptime90d: uptime,
  days: [{ day: now - DAY, uptime, down: 0, maintenance: 0 }, { day: now, uptime, down: uptime === 100 ? 0 : 1, maintenance: 0 }],
});
const incident = (patch: Partial<IncidentRow>): IncidentRow => ({
  id: 'i',
  page_id: 'p',
  title: 'Incident',
  impact: 'minor',
  kind: 'incident',
  status: 'investigating',
  component_ids: '["a"]',
  scheduled_for: null,
  scheduled_until: null,
  created_at: now - 1000,
  updated_at: now - 1000,
  resolved_at: null,
  created_by: null,
  ...patch,
});

describe('component status from monitors', () => {
  it('worst wins: outage, then degraded, then maintenance; up, pending and paused are operational', () => {
    expect(statusFromMonitors(['up', 'pending', 'paused'])).toBe('operational');
    expect(statusFromMonitors(['up', 'maintenance'])).toBe('under_maintenance');
    expect(statusFromMonitors(['maintenance', 'degraded'])).toBe('degraded_performance');
    expect(statusFromMonitors(['down'])).toBe('major_outage');
    expect(statusFromMonitors(['down', 'up', 'degraded'])).toBe('partial_outage');
    // A paused monitor isn't watched: the only watched one being down is a major outage.
    expect(statusFromMonitors(['down', 'paused'])).toBe('major_outage');
    expect(statusFromMonitors([])).toBe('operational');
  });
});

describe('incident phases', () => {
  it('follows the maintenance window unless updated otherwise', () => {
    const window = { kind: 'maintenance' as const, status: 'scheduled' as const, resolved_at: null, scheduled_for: now + 1000, scheduled_until: now + 2000 };
    expect(phaseOf(window, now)).toBe('upcoming');
    expect(phaseOf(window, now + 1500)).toBe('active');
    expect(phaseOf(window, now + 2500)).toBe('past');
    expect(phaseOf({ ...window, status: 'in_progress' }, now + 2500)).toBe('active');
    expect(phaseOf({ ...window, resolved_at: now }, now)).toBe('past');
  });
});

describe('the public view', () => {
  it('raises components by open major/critical incidents and the banner by any open incident', () => {
    const base = { page, url: 'https://x/status/acme', components: [component('a', ['m1']), component('b', ['m2'])], monitors: [monitor('m1', 'up'), monitor('m2', 'up')], updates: [], now };
    expect(buildView({ ...base, incidents: [] }).overall).toEqual({ status: 'operational', indicator: 'none', description: 'All systems operational' });
    const minor = buildView({ ...base, incidents: [incident({ impact: 'minor' })] });
    expect(minor.components.map((c) => c.status)).toEqual(['operational', 'operational']);
    expect(minor.overall).toMatchObject({ status: 'degraded_performance', indicator: 'minor' });
    const critical = buildView({ ...base, incidents: [incident({ impact: 'critical' })] });
    expect(critical.components.map((c) => c.status)).toEqual(['major_outage', 'operational']);
    expect(critical.overall).toMatchObject({ status: 'major_outage', description: 'Major outage' });
    const maintenance = buildView({ ...base, incidents: [incident({ kind: 'maintenance', status: 'in_progress', scheduled_for: now - 10, scheduled_until: now + 10 })] });
    expect(maintenance.components[0]?.status).toBe('under_maintenance');
    expect(maintenance.overall.description).toBe('Under maintenance');
    const resolved = buildView({ ...base, incidents: [incident({ impact: 'critical', status: 'resolved', resolved_at: now - 5 * DAY })] });
    expect(resolved.overall.status).toBe('operational');
    expect(resolved.past).toHaveLength(1);
    expect(buildView({ ...base, incidents: [incident({ status: 'resolved', resolved_at: now - 20 * DAY })] }).past).toHaveLength(0);
  });

  it('combines the bars of a component’s monitors and ignores monitors it cannot see', () => {
    const view = buildView({ page, url: 'u', components: [component('a', ['m1', 'm2', 'gone'])], monitors: [monitor('m1', 'up', 100), monitor('m2', 'down', 90)], incidents: [], updates: [], now });
    expect(view.components[0]).toMatchObject({ status: 'partial_outage', uptime90d: 95 });
    expect(view.components[0]?.days.map((d) => [d.uptime, d.down])).toEqual([
      [95, 0],
      [95, 1],
    ]);
    expect(JSON.stringify(view)).not.toMatch(/m1|m2|gone/);
  });
});

describe('formatting', () => {
  it('escapes markup and never rounds downtime up to 100%', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    expect(formatPct(99.9999)).toBe('99.99%');
    expect(formatPct(100)).toBe('100%');
    expect(formatPct(null)).toBe('no data');
    expect(flatBadge('a<b', 'ok', 'green')).toContain('<title>a&lt;b: ok</title>');
  });
});
