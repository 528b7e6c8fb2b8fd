import { useState } from 'react';
import type { MonitorLookup } from '../../hooks/use-monitor-lookup';
import { COMPONENT_LIMITS, type ComponentDraft } from '../../lib/component-drafts';
import { Button } from '../button';
import { Dialog } from '../dialog';
import { Field } from '../field';
import { ArrowDownIcon, ArrowUpIcon, PlusIcon, TrashIcon, XIcon } from '../icons';
import { MonitorPicker } from '../monitors/monitor-picker';
import { StatusDot } from '../monitors/monitor-status';

interface Props {
  projectId: number;
  draft: ComponentDraft;
  index: number;
  count: number;
  lookup: MonitorLookup;
  /** The datalist of group names already used on the page. */
  groupsListId: string;
  problem: string | undefined;
  readOnly: boolean;
  onChange: (change: Partial<ComponentDraft>) => void;
  onMove: (by: number) => void;
  onRemove: () => void;
}

/** One component in the editor: name, group, description, its monitors (picked by search), order and removal. */
export function ComponentRow({ projectId, draft, index, count, lookup, groupsListId, problem, readOnly, onChange, onMove, onRemove }: Props) {
  const [picking, setPicking] = useState(false);
  const label = draft.name.trim() || `component ${index + 1}`;

  return (
    <li className="component-row" data-testid="component-row" aria-label={`Component ${index + 1}: ${draft.name.trim() || 'unnamed'}`}>
      <div className="component-row-head">
        <span className="component-index" aria-hidden="true">
          {index + 1}
        </span>
        <div className="component-fields">
          <Field label="Name">
            {(id) => <input id={id} className="input" value={draft.name} onChange={(e) => onChange({ name: e.target.value })} maxLength={200} placeholder="Website, API, Checkout…" disabled={readOnly} />}
          </Field>
          <Field label="Group (optional)">
            {(id) => (
              <input id={id} className="input" value={draft.group} onChange={(e) => onChange({ group: e.target.value })} maxLength={200} list={groupsListId} placeholder="e.g. Platform" disabled={readOnly} />
            )}
          </Field>
          <Field label="Description (optional)" className="component-description">
            {(id) => (
              <input id={id} className="input" value={draft.description} onChange={(e) => onChange({ description: e.target.value })} maxLength={500} placeholder="Shown under the name on the page" disabled={readOnly} />
            )}
          </Field>
        </div>
        {!readOnly && (
          <div className="component-actions">
            <Button size="sm" variant="ghost" className="btn-icon" onClick={() => onMove(-1)} disabled={index === 0} aria-label={`Move ${label} up`} title="Move up">
              <ArrowUpIcon size={14} />
            </Button>
            <Button size="sm" variant="ghost" className="btn-icon" onClick={() => onMove(1)} disabled={index === count - 1} aria-label={`Move ${label} down`} title="Move down">
              <ArrowDownIcon size={14} />
            </Button>
            <Button size="sm" variant="ghost" className="btn-icon text-danger" onClick={onRemove} aria-label={`Remove ${label}`} title="Remove">
              <TrashIcon size={14} />
            </Button>
          </div>
        )}
      </div>
      <div className="component-monitors">
        <span className="field-label">Monitors</span>
        <ul className="monitor-chips" aria-label={`Monitors of ${label}`}>
          {draft.monitorIds.map((monitorId) => {
            const monitor = lookup.get(monitorId);
            const name = monitor === undefined ? 'Loading…' : monitor === null ? 'Deleted monitor' : monitor.name;
            return (
              <li key={monitorId} className={`monitor-chip ${monitor === null ? 'monitor-chip-missing' : ''}`}>
                {monitor && <StatusDot status={monitor.status} />}
                <span className="monitor-chip-name" title={monitor ? monitor.target : monitorId}>
                  {name}
                </span>
                {!readOnly && (
                  <button type="button" className="monitor-chip-remove" onClick={() => onChange({ monitorIds: draft.monitorIds.filter((m) => m !== monitorId) })} aria-label={`Remove ${name} from ${label}`}>
                    <XIcon size={12} />
                  </button>
                )}
              </li>
            );
          })}
          {!readOnly && (
            <li>
              <Button size="sm" onClick={() => setPicking(true)}>
                <PlusIcon size={14} />
                {draft.monitorIds.length === 0 ? 'Choose monitors' : 'Change'}
              </Button>
            </li>
          )}
        </ul>
      </div>
      {problem && <div className="component-problem">{problem}</div>}
      <Dialog open={picking} onClose={() => setPicking(false)} title={`Monitors of ${label}`} description="The component shows the worst status of these monitors, and their average daily uptime.">
        <div className="stack">
          <MonitorPicker
            projectId={projectId}
            selected={new Set(draft.monitorIds)}
            onChange={(selected, monitor) => {
              lookup.remember(monitor);
              // Keep the chosen order; new ones go last.
              onChange({ monitorIds: [...draft.monitorIds.filter((m) => selected.has(m)), ...[...selected].filter((m) => !draft.monitorIds.includes(m))] });
            }}
          />
          {draft.monitorIds.length > COMPONENT_LIMITS.monitorsPerComponent && <div className="form-error">At most {COMPONENT_LIMITS.monitorsPerComponent} monitors per component.</div>}
          <div className="dialog-footer">
            <Button variant="primary" onClick={() => setPicking(false)}>
              Done
            </Button>
          </div>
        </div>
      </Dialog>
    </li>
  );
}
