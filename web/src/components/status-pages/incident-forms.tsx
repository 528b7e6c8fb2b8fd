import { useState, type FormEvent } from 'react';
import { api, IMPACTS, INCIDENT_STATUSES, type Impact, type IncidentStatus, type StatusComponent, type StatusIncident } from '../../api';
import { useAction } from '../../hooks/use-action';
import { IMPACT_HINTS, IMPACT_LABELS, INCIDENT_STATUS_LABELS } from '../../lib/status-pages';
import { browserTimeZone, fromLocalInput, toLocalInput } from '../../lib/time-zones';
import { Button } from '../button';
import { Field } from '../field';
import { FormError } from '../form-error';

const QUARTER = 15 * 60_000;

interface FormProps {
  statusPageId: string;
  components: readonly StatusComponent[];
  onCreated: (incident: StatusIncident) => void;
  onCancel: () => void;
}

/** Checkboxes for the page's components an incident or maintenance affects. */
function AffectedComponents({ components, selected, onChange }: { components: readonly StatusComponent[]; selected: ReadonlySet<string>; onChange: (next: Set<string>) => void }) {
  return (
    <fieldset className="choice-group">
      <legend className="field-label">Affected components</legend>
      {components.length === 0 ? (
        <p className="field-hint">The page has no components yet; the post is shown for the whole page.</p>
      ) : (
        <div className="affected-list">
          {components.map((component) => (
            <label key={component.id} className="check-row">
              <input
                type="checkbox"
                checked={selected.has(component.id)}
                onChange={(e) => {
                  const next = new Set(selected);
                  if (e.target.checked) next.add(component.id);
                  else next.delete(component.id);
                  onChange(next);
                }}
              />
              <span>
                {component.name}
                {component.group && <span className="text-subtle"> · {component.group}</span>}
              </span>
            </label>
          ))}
        </div>
      )}
    </fieldset>
  );
}

/** Components in page order, whatever order they were ticked in. */
const inPageOrder = (components: readonly StatusComponent[], selected: ReadonlySet<string>) => components.filter((c) => selected.has(c.id)).map((c) => c.id);

/** Opens an incident with its first update. */
export function ReportIncidentForm({ statusPageId, components, onCreated, onCancel }: FormProps) {
  const [title, setTitle] = useState('');
  const [impact, setImpact] = useState<Impact>('minor');
  const [status, setStatus] = useState<IncidentStatus>('investigating');
  const [body, setBody] = useState('');
  const [affected, setAffected] = useState<Set<string>>(new Set());
  const action = useAction(api.createStatusIncident);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const created = await action.run(statusPageId, { kind: 'incident', title: title.trim(), impact, status, body: body.trim(), componentIds: inPageOrder(components, affected) });
    if (created) onCreated(created);
  };

  return (
    <form className="stack" onSubmit={submit}>
      <Field label="Title" hint="What users notice: “Checkout fails for some card payments”.">
        {(id, hint) => <input id={id} aria-describedby={hint} className="input" value={title} onChange={(e) => setTitle(e.target.value)} required maxLength={200} data-autofocus />}
      </Field>
      <div className="form-grid">
        <Field label="Impact" hint={IMPACT_HINTS[impact]}>
          {(id, hint) => (
            <select id={id} aria-describedby={hint} className="input" value={impact} onChange={(e) => setImpact(e.target.value as Impact)}>
              {IMPACTS.map((value) => (
                <option key={value} value={value}>
                  {IMPACT_LABELS[value]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Status">
          {(id) => (
            <select id={id} className="input" value={status} onChange={(e) => setStatus(e.target.value as IncidentStatus)}>
              {INCIDENT_STATUSES.map((value) => (
                <option key={value} value={value}>
                  {INCIDENT_STATUS_LABELS[value]}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <AffectedComponents components={components} selected={affected} onChange={setAffected} />
      <Field label="Message" hint="The first update, shown on the page and sent to feed readers. Plain text.">
        {(id, hint) => <textarea id={id} aria-describedby={hint} className="input textarea" value={body} onChange={(e) => setBody(e.target.value)} required maxLength={5000} rows={4} />}
      </Field>
      <FormError error={action.error} />
      <div className="dialog-footer">
        <Button onClick={onCancel}>Cancel</Button>
        <Button type="submit" variant="primary" pending={action.pending}>
          Report incident
        </Button>
      </div>
    </form>
  );
}

/** Announces maintenance: its window, what it affects and a first message. */
export function ScheduleMaintenanceForm({ statusPageId, components, onCreated, onCancel }: FormProps) {
  const start = Math.ceil((Date.now() + 60 * 60_000) / QUARTER) * QUARTER;
  const [title, setTitle] = useState('');
  const [startsAt, setStartsAt] = useState(() => toLocalInput(start));
  const [endsAt, setEndsAt] = useState(() => toLocalInput(start + 60 * 60_000));
  const [body, setBody] = useState('');
  const [affected, setAffected] = useState<Set<string>>(new Set());
  const [problem, setProblem] = useState<string | null>(null);
  const action = useAction(api.createStatusIncident);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    const scheduledFor = fromLocalInput(startsAt);
    const scheduledUntil = fromLocalInput(endsAt);
    if (scheduledFor === null || scheduledUntil === null || scheduledUntil <= scheduledFor) return setProblem('The maintenance must end after it starts.');
    const created = await action.run(statusPageId, { kind: 'maintenance', title: title.trim(), body: body.trim(), componentIds: inPageOrder(components, affected), scheduledFor, scheduledUntil });
    if (created) onCreated(created);
  };

  return (
    <form className="stack" onSubmit={submit}>
      <Field label="Title" hint="What happens: “Database upgrade”.">
        {(id, hint) => <input id={id} aria-describedby={hint} className="input" value={title} onChange={(e) => setTitle(e.target.value)} required maxLength={200} data-autofocus />}
      </Field>
      <div className="form-grid">
        <Field label="Starts" hint={`Your time zone (${browserTimeZone()}); the page shows UTC.`}>
          {(id, hint) => <input id={id} aria-describedby={hint} type="datetime-local" className="input" value={startsAt} onChange={(e) => setStartsAt(e.target.value)} required />}
        </Field>
        <Field label="Ends">{(id) => <input id={id} type="datetime-local" className="input" value={endsAt} onChange={(e) => setEndsAt(e.target.value)} required />}</Field>
      </div>
      <AffectedComponents components={components} selected={affected} onChange={setAffected} />
      <Field label="Message" hint="What visitors should expect while it lasts. It shows as in progress during the window and completed after it.">
        {(id, hint) => <textarea id={id} aria-describedby={hint} className="input textarea" value={body} onChange={(e) => setBody(e.target.value)} required maxLength={5000} rows={4} />}
      </Field>
      <FormError error={problem ?? action.error} />
      <div className="dialog-footer">
        <Button onClick={onCancel}>Cancel</Button>
        <Button type="submit" variant="primary" pending={action.pending}>
          Schedule maintenance
        </Button>
      </div>
    </form>
  );
}
