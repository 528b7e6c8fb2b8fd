import { useState, type FormEvent } from 'react';
import { api, type MaintenanceInput, type MaintenanceWindow } from '../../api';
import { useAction } from '../../hooks/use-action';
import { browserTimeZone, fromLocalInput, toLocalInput } from '../../lib/time-zones';
import { Button } from '../button';
import { Field } from '../field';
import { FormError } from '../form-error';
import { PeriodPicker } from '../period-picker';
import { TimeZoneSelect } from '../time-zone-select';
import { MonitorPicker } from './monitor-picker';

const QUARTER = 15 * 60_000;

interface Props {
  projectId: number;
  onCreated: (window: MaintenanceWindow) => void;
  onCancel: () => void;
}

/** A new maintenance window: one-off (start and end) or recurring (cron, duration, zone); all monitors or chosen ones. */
export function MaintenanceForm({ projectId, onCreated, onCancel }: Props) {
  const start = Math.ceil(Date.now() / QUARTER) * QUARTER;
  const [title, setTitle] = useState('');
  const [kind, setKind] = useState<'once' | 'recurring'>('once');
  const [startsAt, setStartsAt] = useState(() => toLocalInput(start));
  const [endsAt, setEndsAt] = useState(() => toLocalInput(start + 60 * 60_000));
  const [cron, setCron] = useState('0 3 * * 0');
  const [duration, setDuration] = useState('60');
  const [timezone, setTimezone] = useState(browserTimeZone);
  const [scope, setScope] = useState<'all' | 'chosen'>('all');
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [problem, setProblem] = useState<string | null>(null);
  const action = useAction(api.createMaintenance);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    const body: MaintenanceInput = {
      title: title.trim(),
      monitorIds: scope === 'all' ? null : [...chosen],
      startsAt: null,
      endsAt: null,
      cron: null,
      durationMinutes: null,
      timezone,
    };
    if (scope === 'chosen' && chosen.size === 0) return setProblem('Choose at least one monitor, or apply the window to all monitors.');
    if (kind === 'once') {
      body.startsAt = fromLocalInput(startsAt);
      body.endsAt = fromLocalInput(endsAt);
      if (body.startsAt === null || body.endsAt === null || body.endsAt <= body.startsAt) return setProblem('The window must end after it starts.');
    } else {
      body.cron = cron.trim();
      body.durationMinutes = Number(duration);
    }
    const created = await action.run(projectId, body);
    if (created) onCreated(created);
  };

  return (
    <form className="stack" onSubmit={submit}>
      <Field label="Title" hint="What happens, e.g. “Database upgrade”.">
        {(id, hint) => <input id={id} aria-describedby={hint} className="input" value={title} onChange={(e) => setTitle(e.target.value)} required maxLength={200} />}
      </Field>
      <div className="field-label" aria-hidden="true">
        When
      </div>
      <PeriodPicker
        label="When"
        value={kind}
        onChange={setKind}
        options={[
          { value: 'once', label: 'One-off' },
          { value: 'recurring', label: 'Recurring' },
        ]}
      />
      {kind === 'once' ? (
        <div className="form-grid">
          <Field label="Starts" hint={`Your time zone (${browserTimeZone()}).`}>
            {(id, hint) => <input id={id} aria-describedby={hint} type="datetime-local" className="input" value={startsAt} onChange={(e) => setStartsAt(e.target.value)} required />}
          </Field>
          <Field label="Ends">{(id) => <input id={id} type="datetime-local" className="input" value={endsAt} onChange={(e) => setEndsAt(e.target.value)} required />}</Field>
        </div>
      ) : (
        <div className="form-grid form-grid-3">
          <Field label="Cron expression" hint="When it starts: 0 3 * * 0 is Sundays at 03:00.">
            {(id, hint) => <input id={id} aria-describedby={hint} className="input mono" value={cron} onChange={(e) => setCron(e.target.value)} required maxLength={200} spellCheck={false} />}
          </Field>
          <Field label="Duration (minutes)">
            {(id) => <input id={id} type="number" className="input" min={1} max={10_080} value={duration} onChange={(e) => setDuration(e.target.value)} required />}
          </Field>
          <Field label="Time zone">{(id) => <TimeZoneSelect id={id} value={timezone} onChange={setTimezone} />}</Field>
        </div>
      )}
      <div className="field-label" aria-hidden="true">
        Applies to
      </div>
      <PeriodPicker
        label="Applies to"
        value={scope}
        onChange={setScope}
        options={[
          { value: 'all', label: 'All monitors' },
          { value: 'chosen', label: 'Chosen monitors' },
        ]}
      />
      {scope === 'chosen' && <MonitorPicker projectId={projectId} selected={chosen} onChange={setChosen} />}
      <FormError error={problem ?? action.error} />
      <div className="dialog-footer">
        <Button onClick={onCancel}>Cancel</Button>
        <Button type="submit" variant="primary" pending={action.pending}>
          Add window
        </Button>
      </div>
    </form>
  );
}
