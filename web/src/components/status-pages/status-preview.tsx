import type { ComponentStatus, StatusComponent, StatusIncident, StatusPage } from '../../api';
import type { MonitorLookup } from '../../hooks/use-monitor-lookup';
import { BANNER_TEXT, COMPONENT_STATUS_LABELS, IMPACT_LABELS, INCIDENT_STATUS_LABELS, phaseOf, publicUrls, raisedBy, statusFromMonitors, worse } from '../../lib/status-pages';
import { ExternalLinkIcon, LockIcon, RefreshIcon } from '../icons';
import { Button } from '../button';

interface Props {
  page: StatusPage;
  /** Open incidents and maintenance; undefined while loading. */
  openIncidents: StatusIncident[] | undefined;
  lookup: MonitorLookup;
}

interface Shown {
  component: StatusComponent;
  status: ComponentStatus | null;
}

/** Statuses as the public page computes them, from the saved components, their monitors and active incidents. */
function computeView(page: StatusPage, incidents: readonly StatusIncident[], lookup: MonitorLookup, now: number) {
  const active = incidents.filter((i) => phaseOf(i, now) === 'active');
  const shown: Shown[] = page.components.map((component) => {
    const monitors = component.monitorIds.map((id) => lookup.get(id));
    if (monitors.some((m) => m === undefined)) return { component, status: null };
    let status = statusFromMonitors(monitors.flatMap((m) => (m ? [m.status] : [])));
    for (const incident of active) if (incident.componentIds.includes(component.id)) status = worse(status, raisedBy(incident, 'component'));
    return { component, status };
  });
  let overall: ComponentStatus | null = shown.some((s) => s.status === null) ? null : 'operational';
  if (overall !== null) {
    for (const s of shown) overall = worse(overall, s.status ?? 'operational');
    for (const incident of active) overall = worse(overall, raisedBy(incident, 'overall'));
  }
  const upcoming = incidents.filter((i) => phaseOf(i, now) === 'upcoming').length;
  return { shown, overall, active, upcoming };
}

/**
 * A compact stand-in for the public page. The page itself cannot be framed: it sends
 * `frame-ancestors 'none'` and `X-Frame-Options: DENY`, so the real thing opens in a new tab.
 */
export function StatusPreview({ page, openIncidents, lookup }: Props) {
  const urls = publicUrls(page);
  const { shown, overall, active, upcoming } = computeView(page, openIncidents ?? [], lookup, Date.now());

  return (
    <section className="card status-preview" aria-label="Preview" data-testid="status-preview">
      <div className="status-preview-header">
        <div>
          <h2 className="section-title">Preview</h2>
          <p className="section-description">What visitors see now, as last saved.</p>
        </div>
        <Button size="sm" variant="ghost" className="btn-icon" onClick={lookup.reload} aria-label="Refresh monitor states" title="Refresh monitor states">
          <RefreshIcon size={14} />
        </Button>
      </div>
      <div className="status-preview-body">
        <div className="status-preview-title">{page.title}</div>
        {page.description && <p className="status-preview-description">{page.description}</p>}
        <div className={`status-banner status-banner-${overall ?? 'loading'}`} role="status">
          {overall === null ? 'Loading monitor states…' : BANNER_TEXT[overall]}
        </div>
        {active.length > 0 && (
          <ul className="status-preview-incidents">
            {active.map((incident) => (
              <li key={incident.id}>
                <strong>{incident.title}</strong>
                <span className="text-muted">
                  {' '}
                  · {incident.kind === 'maintenance' ? 'Maintenance' : `${IMPACT_LABELS[incident.impact]} impact`} · {INCIDENT_STATUS_LABELS[incident.status]}
                </span>
              </li>
            ))}
          </ul>
        )}
        {shown.length === 0 ? (
          <p className="text-muted status-preview-empty">No components yet: the page shows “No components yet.”</p>
        ) : (
          <ul className="status-preview-components">
            {blocksOf(shown).map((block) =>
              block.group === null ? (
                <ComponentLine key={block.members[0]?.component.id} shown={block.members[0]} />
              ) : (
                <li key={`group:${block.group}`} className="status-preview-group">
                  <div className="status-preview-row status-preview-group-name">
                    <span>{block.group}</span>
                    <StateText status={block.status} />
                  </div>
                  <ul>
                    {block.members.map((member) => (
                      <ComponentLine key={member.component.id} shown={member} />
                    ))}
                  </ul>
                </li>
              ),
            )}
          </ul>
        )}
        {upcoming > 0 && (
          <p className="field-hint">
            {upcoming} scheduled maintenance{upcoming === 1 ? '' : 's'} announced.
          </p>
        )}
      </div>
      <div className="section-footer">
        <a href={urls.page} target="_blank" rel="noreferrer" className="btn btn-primary btn-block">
          Open public page
          <ExternalLinkIcon size={14} />
        </a>
        {page.passwordProtected && (
          <p className="field-hint">
            <LockIcon size={12} /> Password-protected: the new tab asks for the password first.
          </p>
        )}
        <p className="field-hint">
          Already open? Reload it: browsers keep the page up to 30 seconds. The page itself can’t be shown inside the dashboard, as it forbids framing; this summary follows its rules.
        </p>
      </div>
    </section>
  );
}

interface Block {
  group: string | null;
  status: ComponentStatus | null;
  members: Shown[];
}

/** Components in page order; a group stands where its first member does, with its worst status (as on the public page). */
function blocksOf(shown: readonly Shown[]): Block[] {
  const blocks: Block[] = [];
  for (const item of shown) {
    const group = item.component.group;
    if (group === null) {
      blocks.push({ group: null, status: item.status, members: [item] });
      continue;
    }
    if (blocks.some((b) => b.group === group)) continue;
    const members = shown.filter((s) => s.component.group === group);
    const status = members.some((m) => m.status === null) ? null : members.reduce<ComponentStatus>((acc, m) => worse(acc, m.status ?? 'operational'), 'operational');
    blocks.push({ group, status, members });
  }
  return blocks;
}

function StateText({ status }: { status: ComponentStatus | null }) {
  return <span className={`status-preview-state state-${status ?? 'loading'}`}>{status === null ? '…' : COMPONENT_STATUS_LABELS[status]}</span>;
}

function ComponentLine({ shown }: { shown: Shown | undefined }) {
  if (!shown) return null;
  return (
    <li className="status-preview-row">
      <span className="status-preview-name">{shown.component.name}</span>
      <StateText status={shown.status} />
    </li>
  );
}
