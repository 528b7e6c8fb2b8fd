import { useState } from 'react';
import { api, monitorsPath, type MaintenanceWindow } from '../../api';
import { useApi } from '../../hooks/use-api';
import { formatDateTime, formatDuration } from '../../lib/format';
import { Badge } from '../badge';
import { Button } from '../button';
import { ConfirmDialog } from '../confirm-dialog';
import { Dialog } from '../dialog';
import { EmptyState } from '../empty-state';
import { PlusIcon, WrenchIcon } from '../icons';
import { LoadError, Loading } from '../loading';
import { Section } from '../section';
import { MaintenanceForm } from './maintenance-form';

interface Props {
  projectId: number;
  canManage: boolean;
}

function describeWhen(window: MaintenanceWindow): string {
  if (window.cron) {
    const duration = window.durationMinutes === null ? '' : ` for ${formatDuration(window.durationMinutes * 60_000)}`;
    return `cron ${window.cron}${duration} (${window.timezone})`;
  }
  if (window.startsAt !== null && window.endsAt !== null) return `${formatDateTime(window.startsAt)} – ${formatDateTime(window.endsAt)}`;
  return '—';
}

/** Maintenance windows of a project: list, add, delete. Checks inside one are recorded as maintenance and alert nobody. */
export function MaintenanceWindows({ projectId, canManage }: Props) {
  const key = `/projects/${projectId}/maintenance`;
  const windows = useApi(key, (signal) => api.maintenance(projectId, signal));
  // Names for the windows that name monitors; one page is enough to label the usual few.
  const names = useApi(monitorsPath(projectId, { limit: 200 }), (signal) => api.monitors(projectId, { limit: 200 }, signal));
  const [adding, setAdding] = useState(false);
  const [deleting, setDeleting] = useState<MaintenanceWindow | null>(null);
  const nameOf = (id: string) => names.data?.items.find((monitor) => monitor.id === id)?.name ?? null;
  const now = Date.now();

  return (
    <Section
      title="Maintenance windows"
      description="While a window is on, checks are recorded as maintenance: nobody is alerted and uptime is not affected."
      flush
      actions={
        canManage ? (
          <Button size="sm" onClick={() => setAdding(true)}>
            <PlusIcon size={14} />
            Add window
          </Button>
        ) : undefined
      }
    >
      {windows.error && <LoadError error={windows.error} onRetry={() => void windows.reload()} />}
      {windows.loading && <Loading />}
      {windows.data?.items.length === 0 && (
        <EmptyState icon={<WrenchIcon size={22} />} title="No maintenance windows">
          Plan deploys and upgrades ahead: one-off windows with a start and an end, or recurring ones from a cron expression.
        </EmptyState>
      )}
      {windows.data && windows.data.items.length > 0 && (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Title</th>
                <th scope="col">When</th>
                <th scope="col">Monitors</th>
                {canManage && (
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {windows.data.items.map((window) => {
                const ended = window.cron === null && window.endsAt !== null && window.endsAt < now;
                const monitorNames = window.monitorIds?.map((id) => nameOf(id) ?? id) ?? [];
                return (
                  <tr key={window.id} data-testid="maintenance-row" className={ended ? 'row-muted' : undefined}>
                    <td>
                      <div className="cell-primary">
                        {window.title}
                        {window.activeNow && <Badge tone="accent">On now</Badge>}
                        {ended && <Badge>Ended</Badge>}
                        {window.cron && <Badge tone="blue">Recurring</Badge>}
                      </div>
                    </td>
                    <td className="mono details-cell" title={describeWhen(window)}>
                      {describeWhen(window)}
                    </td>
                    <td className="details-cell" title={monitorNames.join(', ')}>
                      {window.monitorIds === null ? 'All monitors' : monitorNames.length <= 2 ? monitorNames.join(', ') : `${monitorNames.length} monitors`}
                    </td>
                    {canManage && (
                      <td className="cell-actions">
                        <Button size="sm" variant="ghost" className="text-danger" onClick={() => setDeleting(window)}>
                          Delete
                        </Button>
                      </td>
                    )}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <Dialog open={adding} onClose={() => setAdding(false)} title="Add a maintenance window">
        <MaintenanceForm
          projectId={projectId}
          onCancel={() => setAdding(false)}
          onCreated={(created) => {
            windows.mutate((current) => ({ items: [...(current?.items ?? []), created] }));
            setAdding(false);
          }}
        />
      </Dialog>
      <ConfirmDialog
        open={deleting !== null}
        onClose={() => setDeleting(null)}
        title={`Delete “${deleting?.title ?? ''}”?`}
        confirmLabel="Delete window"
        onConfirm={async () => {
          if (!deleting) return;
          await api.deleteMaintenance(deleting.id);
          windows.mutate((current) => ({ items: (current?.items ?? []).filter((w) => w.id !== deleting.id) }));
        }}
      >
        Monitors it covers are checked and alert as usual from now on.
      </ConfirmDialog>
    </Section>
  );
}
