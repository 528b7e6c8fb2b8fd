import { DAY } from '../lib/periods.js';
import { escapeHtml as e, formatDay, formatPct, formatTime, humanize, isoDay } from './html.js';
import { STYLE } from './style.js';
import type { ComponentStatus, DayBar, PublicComponent, PublicIncident, PublicView } from './types.js';
import { PAST_DAYS, STATUS_TEXT, worse } from './view.js';

const DOT: Record<ComponentStatus, string> = {
  operational: '#1f883d',
  under_maintenance: '#0969da',
  degraded_performance: '#bf8700',
  partial_outage: '#db6d28',
  major_outage: '#cf222e',
};

const ICON_OK = '<svg viewBox="0 0 24 24" aria-hidden="true"><circle cx="12" cy="12" r="11" fill="currentColor" opacity=".25"/><path d="M7 12.5l3.2 3.2L17 9" fill="none" stroke="currentColor" stroke-width="2.4" stroke-linecap="round" stroke-linejoin="round"/></svg>';
const ICON_WARN = '<svg viewBox="0 0 24 24" aria-hidden="true"><circle cx="12" cy="12" r="11" fill="currentColor" opacity=".25"/><path d="M12 6.5v7" stroke="currentColor" stroke-width="2.4" stroke-linecap="round"/><circle cx="12" cy="17.2" r="1.5" fill="currentColor"/></svg>';
const ICON_MAINT = '<svg viewBox="0 0 24 24" aria-hidden="true"><circle cx="12" cy="12" r="11" fill="currentColor" opacity=".25"/><path d="M12 6.5V12l3.5 2.2" fill="none" stroke="currentColor" stroke-width="2.4" stroke-linecap="round" stroke-linejoin="round"/></svg>';

/** Public paths of a page; links stay on whatever host served the page (custom domains included). */
export function pagePaths(slug: string) {
  const base = `/status/${slug}`;
  return { page: base, atom: `${base}/feed.atom`, rss: `${base}/feed.rss`, json: `${base}/summary.json`, login: `${base}/login` };
}

function favicon(status: ComponentStatus): string {
  const svg = `<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'><circle cx='8' cy='8' r='7' fill='${DOT[status]}'/></svg>`;
  return `data:image/svg+xml,${encodeURIComponent(svg)}`;
}

function documentOf(title: string, status: ComponentStatus, head: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="color-scheme" content="light dark"><meta name="referrer" content="strict-origin-when-cross-origin">
<title>${e(title)}</title><link rel="icon" href="${favicon(status)}">${head}
<style>${STYLE}</style></head>
<body><div class="wrap">${body}</div></body></html>
`;
}

/** The bar class of a day: colour by uptime, blue for maintenance only, grey without data. */
function barClass(day: DayBar): string {
  if (day.uptime === null) return day.maintenance > 0 ? 'm' : 'n';
  if (day.uptime >= 99.9) return 'u';
  if (day.uptime >= 99) return 'd';
  if (day.uptime >= 95) return 'p';
  return 'o';
}

function bars(component: PublicComponent): string {
  const cells = component.days
    .map((day) => {
      // Kept short: 90 of these per component make up most of the page.
      const note = day.uptime === null ? (day.maintenance > 0 ? 'maintenance' : 'no data') : formatPct(day.uptime);
      return `<i class=${barClass(day)} title="${isoDay(day.day)}: ${note}"></i>`;
    })
    .join('');
  return `<div class="bars" role="img" aria-label="Uptime of ${e(component.name)} per day over 90 days">${cells}</div><div class="axis"><span><span class="d90">90 days ago</span><span class="d30">30 days ago</span></span><span class="up">${e(formatPct(component.uptime90d))}${component.uptime90d === null ? '' : ' uptime'}</span><span>Today</span></div>`;
}

function componentBlock(component: PublicComponent, showBars: boolean): string {
  const desc = component.description ? `<p class="cdesc">${e(component.description)}</p>` : '';
  return `<div class="comp"><div class="row"><div><span class="name">${e(component.name)}</span>${desc}</div><span class="st st-${component.status}">${STATUS_TEXT[component.status]}</span></div>${showBars && component.days.length > 0 ? bars(component) : ''}</div>`;
}

/** Components in page order; a group is shown where its first member stands, with its worst status. */
function componentList(view: PublicView): string {
  const done = new Set<string>();
  const parts: string[] = [];
  for (const component of view.components) {
    if (component.group === null) {
      parts.push(componentBlock(component, view.showUptimeBars));
      continue;
    }
    if (done.has(component.group)) continue;
    done.add(component.group);
    const members = view.components.filter((c) => c.group === component.group);
    const status = members.reduce<ComponentStatus>((acc, c) => worse(acc, c.status), 'operational');
    parts.push(
      `<div class="grp"><div class="ghead row"><span>${e(component.group)}</span><span class="st st-${status}">${STATUS_TEXT[status]}</span></div>${members.map((c) => componentBlock(c, view.showUptimeBars)).join('')}</div>`,
    );
  }
  return parts.length === 0 ? '<div class="comp quiet">No components yet.</div>' : parts.join('');
}

function timeline(incident: PublicIncident): string {
  const items = incident.updates.map((u) => `<li><p><strong>${e(humanize(u.status))}</strong> — ${e(u.body)}</p><time datetime="${new Date(u.createdAt).toISOString()}">${formatTime(u.createdAt)}</time></li>`);
  return items.length === 0 ? '' : `<ol class="tl">${items.join('')}</ol>`;
}

function windowText(incident: PublicIncident): string {
  if (incident.scheduledFor === null || incident.scheduledUntil === null) return '';
  const sameDay = isoDay(incident.scheduledFor) === isoDay(incident.scheduledUntil);
  const until = sameDay ? formatTime(incident.scheduledUntil).split(', ')[1] ?? '' : formatTime(incident.scheduledUntil);
  return `${formatTime(incident.scheduledFor).replace(/ UTC$/, '')} – ${until}`;
}

function affects(incident: PublicIncident): string {
  return incident.components.length === 0 ? '' : ` · Affects ${incident.components.map((c) => e(c.name)).join(', ')}`;
}

const impactClass = (incident: PublicIncident) => (incident.kind === 'maintenance' ? 'maint' : incident.impact);

function activeBlock(incident: PublicIncident): string {
  const when = incident.kind === 'maintenance' ? `Maintenance ${e(windowText(incident))}` : `${humanize(incident.impact)} impact · since ${formatTime(incident.createdAt)}`;
  return `<article class="card inc i-${impactClass(incident)}"><h3>${e(incident.title)}</h3><p class="meta">${when}${affects(incident)}</p>${timeline(incident)}</article>`;
}

function upcomingBlock(incident: PublicIncident): string {
  return `<article class="card inc i-maint"><h3>${e(incident.title)}</h3><p class="meta">Scheduled ${e(windowText(incident))}${affects(incident)}</p>${timeline(incident)}</article>`;
}

function pastDays(view: PublicView): string {
  const today = Math.floor(view.now / DAY) * DAY;
  const days: string[] = [];
  for (let i = 0; i < PAST_DAYS; i++) {
    const start = today - i * DAY;
    const those = view.past.filter((p) => (p.resolvedAt ?? p.createdAt) >= start && (p.resolvedAt ?? p.createdAt) < start + DAY);
    const body =
      those.length === 0
        ? '<p class="quiet">No incidents reported.</p>'
        : those
            .map(
              (p) =>
                `<details class="past"><summary class="t-${impactClass(p)}">${e(p.title)}</summary><p class="meta">${p.kind === 'maintenance' ? `Maintenance ${e(windowText(p))}` : `${humanize(p.impact)} impact`} · ${humanize(p.status)} ${formatTime(p.resolvedAt ?? p.updatedAt)}${affects(p)}</p>${timeline(p)}</details>`,
            )
            .join('');
    days.push(`<h3 class="day">${formatDay(start)}</h3>${body}`);
  }
  return days.join('');
}

/** The public status page: banner, active incidents, components with 90-day bars, maintenance, history. */
export function renderPage(view: PublicView): string {
  const paths = pagePaths(view.slug);
  const status = view.overall.status;
  const icon = status === 'operational' ? ICON_OK : status === 'under_maintenance' ? ICON_MAINT : ICON_WARN;
  const head = `<meta name="description" content="${e(`${view.title}: ${view.overall.description}`)}"><link rel="alternate" type="application/atom+xml" title="${e(view.title)} incidents (Atom)" href="${paths.atom}"><link rel="alternate" type="application/rss+xml" title="${e(view.title)} incidents (RSS)" href="${paths.rss}">`;
  const body = [
    `<header><h1>${e(view.title)}</h1>${view.description ? `<p>${e(view.description)}</p>` : ''}</header>`,
    `<section class="banner b-${status}" role="status">${icon}<span>${view.overall.description}</span></section>`,
    view.active.length > 0 ? `<section aria-label="Active incidents">${view.active.map(activeBlock).join('')}</section>` : '',
    `<section aria-label="Components" class="card">${componentList(view)}</section>`,
    view.upcoming.length > 0 ? `<h2>Scheduled maintenance</h2><section>${view.upcoming.map(upcomingBlock).join('')}</section>` : '',
    `<h2>Past incidents</h2><section>${pastDays(view)}</section>`,
    `<footer><span>Powered by Watchpost</span><span><a href="${paths.atom}">Atom feed</a> · <a href="${paths.rss}">RSS</a> · <a href="${paths.json}">JSON</a> · Times in UTC</span></footer>`,
  ].join('\n');
  return documentOf(`${view.title} status`, status, head, body);
}

/** The form a password-protected page shows instead of itself. */
export function renderLogin(title: string, slug: string, message: string | null): string {
  const error = message === null ? '' : `<p class="err" role="alert">${e(message)}</p>`;
  const body = `<main class="card login"><h1>${e(title)}</h1><p>This status page is password-protected.</p>${error}<form method="post" action="${pagePaths(slug).login}"><label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required autofocus maxlength="200"><button type="submit">View status</button></form></main><footer><span>Powered by Watchpost</span></footer>`;
  return documentOf(`${title} status`, 'operational', '<meta name="robots" content="noindex">', body);
}

/** No page at this address. */
export function renderNotFound(): string {
  return documentOf('Status page not found', 'operational', '<meta name="robots" content="noindex">', '<main class="card login"><h1>Status page not found</h1><p>There is no status page at this address.</p></main>');
}
