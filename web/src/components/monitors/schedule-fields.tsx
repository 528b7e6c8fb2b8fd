import { slugify } from '../../lib/monitors';
import { PERIOD_UNITS, type MonitorFormState, type PeriodUnit, type SetField } from '../../lib/monitor-form';
import { Field } from '../field';
import { PeriodPicker } from '../period-picker';
import { TimeZoneSelect } from '../time-zone-select';

interface Props {
  state: MonitorFormState;
  set: SetField;
}

/** How often and how patiently an active monitor is checked. */
export function CheckingFields({ state, set }: Props) {
  const number = (key: 'intervalSeconds' | 'timeoutSeconds' | 'retries' | 'retryIntervalSeconds', label: string, min: number, max: number, hint: string) => (
    <Field label={label} hint={hint}>
      {(id, d) => <input id={id} aria-describedby={d} className="input" type="number" min={min} max={max} value={state[key]} onChange={(e) => set(key, e.target.value)} required />}
    </Field>
  );
  return (
    <div className="form-grid">
      {number('intervalSeconds', 'Check every (seconds)', 20, 86_400, '20 seconds to 1 day.')}
      {number('timeoutSeconds', 'Timeout (seconds)', 1, 120, 'A check that takes longer fails.')}
      {number('retries', 'Retries', 0, 10, 'Failed checks tolerated (as pending) before the monitor is down and alerts.')}
      {number('retryIntervalSeconds', 'Retry every (seconds)', 20, 86_400, 'While retrying, checks come this often.')}
    </div>
  );
}

/** When a heartbeat expects its pings: a period or a cron schedule, plus grace; and its Sentry slug. */
export function HeartbeatFields({ state, set }: Props) {
  return (
    <div className="stack">
      <div className="field-label" aria-hidden="true">
        Pings expected
      </div>
      <PeriodPicker
        label="Pings expected"
        value={state.scheduleMode}
        onChange={(mode) => set('scheduleMode', mode)}
        options={[
          { value: 'period', label: 'Every …', title: 'A ping is expected at least this often' },
          { value: 'cron', label: 'Cron schedule', title: 'Pings are expected when the cron expression fires' },
        ]}
      />
      <div className="form-grid form-grid-3">
        {state.scheduleMode === 'period' ? (
          <>
            <Field label="Period" hint="The time between runs of the job (at least a minute).">
              {(id, d) => <input id={id} aria-describedby={d} className="input" type="number" min={1} step="any" value={state.periodValue} onChange={(e) => set('periodValue', e.target.value)} required />}
            </Field>
            <Field label="Unit">
              {(id) => (
                <select id={id} className="input" value={state.periodUnit} onChange={(e) => set('periodUnit', e.target.value as PeriodUnit)}>
                  {(Object.keys(PERIOD_UNITS) as PeriodUnit[]).map((unit) => (
                    <option key={unit} value={unit}>
                      {unit}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </>
        ) : (
          <>
            <Field label="Cron expression" hint="The job's own crontab schedule: 0 3 * * * is daily at 03:00.">
              {(id, d) => <input id={id} aria-describedby={d} className="input mono" value={state.cron} onChange={(e) => set('cron', e.target.value)} required maxLength={200} spellCheck={false} />}
            </Field>
            <Field label="Time zone">{(id) => <TimeZoneSelect id={id} value={state.timezone} onChange={(zone) => set('timezone', zone)} />}</Field>
          </>
        )}
        <Field label="Grace (minutes)" hint="How late a ping may be before the monitor is down.">
          {(id, d) => <input id={id} aria-describedby={d} className="input" type="number" min={0} step="any" value={state.graceMinutes} onChange={(e) => set('graceMinutes', e.target.value)} required />}
        </Field>
      </div>
      <Field
        label="Sentry monitor slug"
        hint={
          <>
            For check-ins from a Sentry SDK (<code>Sentry.withMonitor</code>): lower-case letters, digits, - and _.
            {state.slug === '' && state.name.trim() !== '' && (
              <>
                {' '}
                Defaults to <code>{slugify(state.name)}</code>.
              </>
            )}
          </>
        }
      >
        {(id, d) => (
          <input
            id={id}
            aria-describedby={d}
            className="input mono"
            value={state.slug}
            placeholder={state.name.trim() ? slugify(state.name) : 'nightly-backup'}
            onChange={(e) => set('slug', e.target.value)}
            pattern="[a-z0-9][a-z0-9_\-]{0,127}"
            spellCheck={false}
          />
        )}
      </Field>
    </div>
  );
}
