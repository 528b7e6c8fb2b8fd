import { useState } from 'react';
import { api, statusIncidentsPath, type Items, type StatusIncident, type StatusPage } from '../../api';
import type { ApiState } from '../../hooks/use-api';
import { usePaged } from '../../hooks/use-paged';
import { phaseOf } from '../../lib/status-pages';
import { Button } from '../button';
import { ConfirmDialog } from '../confirm-dialog';
import { Dialog } from '../dialog';
import { EmptyState } from '../empty-state';
import { MegaphoneIcon, PlusIcon, WrenchIcon } from '../icons';
import { LoadError, Loading } from '../loading';
import { Section } from '../section';
import { IncidentCard } from './incident-card';
import { ReportIncidentForm, ScheduleMaintenanceForm } from './incident-forms';

const RESOLVED_PAGE = 20;
const PHASE_ORDER = { active: 0, upcoming: 1, past: 2 } as const;

interface Props {
  page: StatusPage;
  /** Open incidents and maintenance (shared with the preview). */
  open: ApiState<Items<StatusIncident>>;
  authorName: (userId: string | null) => string | null;
  canManage: boolean;
}

/** Incidents and maintenance of a page: open ones first, then the resolved history; report, schedule, update, resolve, delete. */
export function IncidentsPanel({ page, open, authorName, canManage }: Props) {
  const [creating, setCreating] = useState<'incident' | 'maintenance' | null>(null);
  const [deleting, setDeleting] = useState<StatusIncident | null>(null);
  const resolved = usePaged(
    statusIncidentsPath(page.id, { state: 'resolved' }),
    async (request, signal) => {
      const { items } = await api.statusIncidents(page.id, { state: 'resolved', limit: request.limit, before: request.before }, signal);
      return { items, nextBefore: items.length === request.limit ? (items.at(-1)?.id ?? null) : null };
    },
    RESOLVED_PAGE,
  );
  const now = Date.now();
  const openItems = [...(open.data?.items ?? [])].sort((a, b) => PHASE_ORDER[phaseOf(a, now)] - PHASE_ORDER[phaseOf(b, now)]);

  /** An incident changed state: it may move between the open and resolved lists. */
  const changed = (incident: StatusIncident) => {
    open.mutate((current) => {
      const rest = (current?.items ?? []).filter((i) => i.id !== incident.id);
      return { items: incident.resolvedAt === null ? [incident, ...rest].sort((a, b) => (a.id < b.id ? 1 : -1)) : rest };
    });
    void resolved.refresh();
  };
  const created = (incident: StatusIncident) => {
    setCreating(null);
    changed(incident);
  };

  const cardOf = (incident: StatusIncident) => (
    <IncidentCard key={incident.id} incident={incident} components={page.components} authorName={authorName} canManage={canManage} onChanged={changed} onDelete={setDeleting} />
  );

  return (
    <div className="stack-lg">
      <Section
        title="Open incidents and maintenance"
        description="Shown at the top of the page until resolved. Maintenance shows as in progress during its window."
        flush
        actions={
          canManage && (
            <div className="section-actions-row">
              <Button size="sm" onClick={() => setCreating('maintenance')}>
                <WrenchIcon size={14} />
                Schedule maintenance
              </Button>
              <Button size="sm" variant="primary" onClick={() => setCreating('incident')}>
                <PlusIcon size={14} />
                Report incident
              </Button>
            </div>
          )
        }
      >
        {open.error && <LoadError error={open.error} onRetry={() => void open.reload()} />}
        {open.loading && <Loading />}
        {open.data && openItems.length === 0 && (
          <EmptyState icon={<MegaphoneIcon size={22} />} title="Nothing open">
            When something breaks, report it here: a short title, what it affects and what you know. Post updates as you learn more, and resolve it when it's over.
          </EmptyState>
        )}
        {openItems.length > 0 && <div className="incident-list">{openItems.map(cardOf)}</div>}
      </Section>
      <Section title="Resolved" description="The public page lists what was resolved in the last 14 days under “Past incidents”." flush>
        {resolved.error && <LoadError error={resolved.error} onRetry={() => void resolved.refresh()} />}
        {resolved.loading && <Loading />}
        {!resolved.loading && !resolved.error && resolved.items.length === 0 && <p className="section-empty text-muted">Nothing resolved yet.</p>}
        {resolved.items.length > 0 && <div className="incident-list">{resolved.items.map(cardOf)}</div>}
        {resolved.hasMore && (
          <div className="section-footer load-more">
            <Button size="sm" onClick={() => void resolved.loadMore()} pending={resolved.loadingMore}>
              Load older
            </Button>
          </div>
        )}
      </Section>
      <Dialog open={creating === 'incident'} onClose={() => setCreating(null)} title="Report incident" description="It shows on the public page at once, with this first update.">
        <ReportIncidentForm statusPageId={page.id} components={page.components} onCreated={created} onCancel={() => setCreating(null)} />
      </Dialog>
      <Dialog open={creating === 'maintenance'} onClose={() => setCreating(null)} title="Schedule maintenance" description="Announced on the page ahead of time; affected components show as under maintenance during the window.">
        <ScheduleMaintenanceForm statusPageId={page.id} components={page.components} onCreated={created} onCancel={() => setCreating(null)} />
      </Dialog>
      <ConfirmDialog
        open={deleting !== null}
        onClose={() => setDeleting(null)}
        title={`Delete “${deleting?.title ?? ''}”?`}
        confirmLabel="Delete"
        onConfirm={async () => {
          if (!deleting) return;
          await api.deleteStatusIncident(deleting.id);
          open.mutate((current) => ({ items: (current?.items ?? []).filter((i) => i.id !== deleting.id) }));
          await resolved.refresh();
        }}
      >
        It disappears from the public page and its feeds with all its updates. To close it and keep the history, resolve it instead.
      </ConfirmDialog>
    </div>
  );
}
