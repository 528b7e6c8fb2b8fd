import { useState, type FormEvent } from 'react';
import { api, IMPACTS, type Impact, type IncidentStatus, type StatusComponent, type StatusIncident } from '../../api';
import { useAction } from '../../hooks/use-action';
import { finalStatus, IMPACT_LABELS, IMPACT_TONES, INCIDENT_STATUS_LABELS, phaseOf, statusesOf } from '../../lib/status-pages';
import { Badge } from '../badge';
import { Button } from '../button';
import { Field } from '../field';
import { FormError } from '../form-error';
import { CheckIcon, MegaphoneIcon, TrashIcon, WrenchIcon } from '../icons';
import { RelativeTime } from '../relative-time';

interface Props {
  incident: StatusIncident;
  components: readonly StatusComponent[];
  authorName: (userId: string | null) => string | null;
  canManage: boolean;
  onChanged: (incident: StatusIncident) => void;
  onDelete: (incident: StatusIncident) => void;
}

const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const clock = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });

/** "Nov 22, 2025, 2:00 PM – 3:30 PM" in the viewer's zone (the end's date only when it differs). */
export function windowText(incident: StatusIncident): string | null {
  const { scheduledFor: from, scheduledUntil: until } = incident;
  if (from === null || until === null) return null;
  const sameDay = new Date(from).toDateString() === new Date(until).toDateString();
  return `${when.format(from)} – ${sameDay ? clock.format(until) : when.format(until)}`;
}

const DEFAULT_CLOSING: Record<'incident' | 'maintenance', string> = {
  incident: 'This incident has been resolved.',
  maintenance: 'The maintenance is complete.',
};

/** One incident or maintenance: what it affects, its timeline, and the next update. */
export function IncidentCard({ incident, components, authorName, canManage, onChanged, onDelete }: Props) {
  const [composing, setComposing] = useState<IncidentStatus | null>(null);
  const closed = incident.resolvedAt !== null;
  const phase = phaseOf(incident, Date.now());
  const final = finalStatus(incident.kind);
  const affected = incident.componentIds.map((id) => components.find((c) => c.id === id)?.name).filter((name): name is string => name !== undefined);
  const period = windowText(incident);

  return (
    <article className={`incident-card incident-${incident.kind} ${closed ? 'incident-closed' : ''}`} data-testid="incident-card" aria-label={incident.title}>
      <header className="incident-head">
        <span className={`incident-icon impact-${incident.kind === 'maintenance' ? 'maintenance' : incident.impact}`} aria-hidden="true">
          {incident.kind === 'maintenance' ? <WrenchIcon size={14} /> : closed ? <CheckIcon size={14} /> : <MegaphoneIcon size={14} />}
        </span>
        <div className="incident-head-text">
          <h3 className="incident-title">{incident.title}</h3>
          <div className="incident-meta">
            <Badge tone={closed ? 'green' : incident.kind === 'maintenance' ? 'blue' : 'amber'}>{INCIDENT_STATUS_LABELS[incident.status]}</Badge>
            {incident.kind === 'incident' ? <Badge tone={IMPACT_TONES[incident.impact]}>{IMPACT_LABELS[incident.impact]} impact</Badge> : <Badge tone="blue">Maintenance</Badge>}
            {!closed && phase === 'upcoming' && <Badge>Upcoming</Badge>}
            {!closed && phase === 'past' && (
              <Badge tone="neutral" title="Its window is over: the public page shows it as completed">
                Window over
              </Badge>
            )}
            <span className="text-muted">
              {closed ? 'Closed' : incident.kind === 'maintenance' ? 'Announced' : 'Opened'} <RelativeTime ms={incident.resolvedAt ?? incident.createdAt} />
            </span>
          </div>
          <div className="incident-scope text-muted">
            {period && <span>{period} ·</span>}
            <span>{affected.length > 0 ? `Affects ${affected.join(', ')}` : 'Affects no component in particular'}</span>
          </div>
        </div>
        {canManage && (
          <div className="incident-actions">
            {composing === null && (
              <>
                <Button size="sm" onClick={() => setComposing(incident.status === final ? (statusesOf(incident.kind)[0] ?? final) : incident.status)}>
                  {closed ? 'Reopen' : 'Post update'}
                </Button>
                {!closed && (
                  <Button size="sm" onClick={() => setComposing(final)}>
                    <CheckIcon size={14} />
                    {incident.kind === 'maintenance' ? 'Complete' : 'Resolve'}
                  </Button>
                )}
              </>
            )}
            <Button size="sm" variant="ghost" className="btn-icon text-danger" onClick={() => onDelete(incident)} aria-label={`Delete ${incident.title}`} title="Delete">
              <TrashIcon size={14} />
            </Button>
          </div>
        )}
      </header>
      {composing !== null && (
        <UpdateForm
          key={composing}
          incident={incident}
          initialStatus={composing}
          onCancel={() => setComposing(null)}
          onPosted={(updated) => {
            setComposing(null);
            onChanged(updated);
          }}
        />
      )}
      <ol className="timeline" aria-label={`Updates of ${incident.title}`}>
        {incident.updates.map((update) => {
          const author = authorName(update.authorId);
          return (
            <li key={update.id} className="timeline-item" data-testid="incident-update">
              <div className="timeline-head">
                <strong>{INCIDENT_STATUS_LABELS[update.status]}</strong>
                <span className="text-muted">
                  <RelativeTime ms={update.createdAt} />
                  {author && ` · ${author}`}
                </span>
              </div>
              <p className="timeline-body">{update.body}</p>
            </li>
          );
        })}
      </ol>
    </article>
  );
}

interface UpdateFormProps {
  incident: StatusIncident;
  initialStatus: IncidentStatus;
  onPosted: (incident: StatusIncident) => void;
  onCancel: () => void;
}

/** A new status and message; the final status closes the incident, any other (re)opens it. */
function UpdateForm({ incident, initialStatus, onPosted, onCancel }: UpdateFormProps) {
  const final = finalStatus(incident.kind);
  const [status, setStatus] = useState(initialStatus);
  const [impact, setImpact] = useState<Impact>(incident.impact);
  const [body, setBody] = useState(initialStatus === final ? DEFAULT_CLOSING[incident.kind] : '');
  const action = useAction(api.postIncidentUpdate);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const updated = await action.run(incident.id, { status, body: body.trim(), ...(incident.kind === 'incident' && impact !== incident.impact ? { impact } : {}) });
    if (updated) onPosted(updated);
  };

  return (
    <form className="incident-update-form stack" onSubmit={submit} aria-label={`Update ${incident.title}`}>
      <div className={incident.kind === 'incident' ? 'form-grid' : 'field-narrow'}>
        <Field label="New status">
          {(id) => (
            <select id={id} className="input" value={status} onChange={(e) => setStatus(e.target.value as IncidentStatus)}>
              {statusesOf(incident.kind).map((value) => (
                <option key={value} value={value}>
                  {INCIDENT_STATUS_LABELS[value]}
                </option>
              ))}
            </select>
          )}
        </Field>
        {incident.kind === 'incident' && (
          <Field label="Impact">
            {(id) => (
              <select id={id} className="input" value={impact} onChange={(e) => setImpact(e.target.value as Impact)}>
                {IMPACTS.map((value) => (
                  <option key={value} value={value}>
                    {IMPACT_LABELS[value]}
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
      </div>
      <Field label="Update message">
        {(id) => <textarea id={id} className="input textarea" value={body} onChange={(e) => setBody(e.target.value)} required maxLength={5000} rows={3} autoFocus />}
      </Field>
      <FormError error={action.error} />
      <div className="form-actions form-actions-start">
        <Button type="submit" variant="primary" size="sm" pending={action.pending}>
          {status === final ? (incident.kind === 'maintenance' ? 'Post and complete' : 'Post and resolve') : 'Post update'}
        </Button>
        <Button size="sm" variant="ghost" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
