import { escapeHtml as e, formatTime, humanize } from './html.js';
import { pagePaths } from './render.js';
import type { PublicIncident, PublicView } from './types.js';

const iso = (at: number) => new Date(at).toISOString();

/** Absolute URL of one of the page's paths, on the host of its canonical address. */
function absolute(view: PublicView, path: string): string {
  return `${new URL(view.url).origin}${path}`;
}

/** An incident's updates as HTML (escaped again by the feed: feeds carry HTML as text). */
function contentHtml(incident: PublicIncident): string {
  const head = incident.kind === 'maintenance' ? `<p>Maintenance${incident.scheduledFor !== null && incident.scheduledUntil !== null ? ` from ${formatTime(incident.scheduledFor)} to ${formatTime(incident.scheduledUntil)}` : ''}</p>` : `<p>Impact: ${humanize(incident.impact)}</p>`;
  const affected = incident.components.length > 0 ? `<p>Affected: ${incident.components.map((c) => e(c.name)).join(', ')}</p>` : '';
  const updates = incident.updates.map((u) => `<p><small>${formatTime(u.createdAt)}</small><br><strong>${e(humanize(u.status))}</strong> — ${e(u.body).replace(/\n/g, '<br>')}</p>`).join('');
  return head + affected + updates;
}

const lastChange = (incident: PublicIncident) => Math.max(incident.updatedAt, ...incident.updates.map((u) => u.createdAt));

/** Atom 1.0 feed of the newest incidents and maintenance, one entry per incident with all its updates. */
export function renderAtom(view: PublicView): string {
  const paths = pagePaths(view.slug);
  const updated = Math.max(view.updatedAt, ...view.recent.map(lastChange));
  const entries = view.recent
    .map(
      (incident) => `<entry>
<id>urn:uuid:${incident.id}</id>
<title type="text">${e(incident.title)}</title>
<link rel="alternate" type="text/html" href="${e(view.url)}"/>
<published>${iso(incident.createdAt)}</published>
<updated>${iso(lastChange(incident))}</updated>
<category term="${incident.kind}"/>
<content type="html">${e(contentHtml(incident))}</content>
</entry>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
<id>${e(absolute(view, paths.atom))}</id>
<title type="text">${e(view.title)} status</title>
<link rel="alternate" type="text/html" href="${e(view.url)}"/>
<link rel="self" type="application/atom+xml" href="${e(absolute(view, paths.atom))}"/>
<author><name>${e(view.title)}</name></author>
<generator>Watchpost</generator>
<updated>${iso(updated)}</updated>
${entries}
</feed>
`;
}

/** RSS 2.0 feed of the same incidents. */
export function renderRss(view: PublicView): string {
  const paths = pagePaths(view.slug);
  const updated = Math.max(view.updatedAt, ...view.recent.map(lastChange));
  const items = view.recent
    .map(
      (incident) => `<item>
<title>${e(incident.title)}</title>
<link>${e(view.url)}</link>
<guid isPermaLink="false">${incident.id}</guid>
<pubDate>${new Date(incident.createdAt).toUTCString()}</pubDate>
<category>${incident.kind}</category>
<description>${e(contentHtml(incident))}</description>
</item>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
<title>${e(view.title)} status</title>
<link>${e(view.url)}</link>
<description>${e(view.description ?? `Incidents and maintenance of ${view.title}`)}</description>
<atom:link href="${e(absolute(view, paths.rss))}" rel="self" type="application/rss+xml"/>
<generator>Watchpost</generator>
<lastBuildDate>${new Date(updated).toUTCString()}</lastBuildDate>
${items}
</channel>
</rss>
`;
}

function incidentJson(incident: PublicIncident) {
  return {
    id: incident.id,
    name: incident.title,
    status: incident.status,
    impact: incident.impact,
    createdAt: iso(incident.createdAt),
    updatedAt: iso(lastChange(incident)),
    resolvedAt: incident.resolvedAt === null ? null : iso(incident.resolvedAt),
    components: incident.components,
    updates: incident.updates.map((u) => ({ status: u.status, body: u.body, createdAt: iso(u.createdAt) })),
  };
}

/**
 * The page as JSON, modelled on Atlassian Statuspage's /api/v2/summary.json: page, status
 * (indicator + description), components, unresolved incidents, upcoming and ongoing maintenance.
 */
export function renderSummary(view: PublicView): string {
  const maintenance = [...view.active.filter((i) => i.kind === 'maintenance'), ...view.upcoming];
  return JSON.stringify({
    page: { name: view.title, url: view.url, updatedAt: iso(view.updatedAt) },
    status: { indicator: view.overall.indicator, description: view.overall.description },
    components: view.components.map((c, position) => ({ id: c.id, name: c.name, description: c.description, group: c.group, position, status: c.status, uptime90d: c.uptime90d })),
    incidents: view.active.filter((i) => i.kind === 'incident').map(incidentJson),
    scheduled_maintenances: maintenance.map((m) => ({
      ...incidentJson(m),
      scheduledFor: m.scheduledFor === null ? null : iso(m.scheduledFor),
      scheduledUntil: m.scheduledUntil === null ? null : iso(m.scheduledUntil),
    })),
  });
}
