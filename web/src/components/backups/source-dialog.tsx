import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { api, errorMessage, type BackupSource } from '../../api';
import { BackupFormProblem, newSourceForm, newTarget, RETENTION_FIELDS, sourceInputOf, type SourceFormState, type TargetDraft } from '../../lib/backup-form';
import { BACKUP_PRESETS, formatMinutes, SUGGESTED_RPO, VERIFY_PRESETS } from '../../lib/backups';
import { Button } from '../button';
import { Dialog } from '../dialog';
import { Field } from '../field';
import { PeriodPicker } from '../period-picker';
import { AlertIcon, PlusIcon } from '../icons';
import { TimeZoneSelect } from '../time-zone-select';
import { ScheduleChoice } from './schedule-choice';
import { TargetFields } from './target-fields';

const MAX_TARGETS = 5;

interface Props {
  open: boolean;
  onClose: () => void;
  projectId: number;
  onCreated: (source: BackupSource) => void;
}

/** "Add database": connection, targets, schedule, retention, encryption, restore tests, RPO/RTO. */
export function SourceDialog({ open, onClose, projectId, onCreated }: Props) {
  return (
    <Dialog open={open} onClose={onClose} title="Add a database to back up" size="lg" description="Watchpost connects once now to check the server version and that a matching pg_dump is installed.">
      <SourceForm
        projectId={projectId}
        onCancel={onClose}
        onCreated={(source) => {
          onCreated(source);
          onClose();
        }}
      />
    </Dialog>
  );
}

/** What went wrong, named by its kind, so "can't connect" and "wrong pg_dump" read differently. */
function problemTitle(message: string): string {
  if (/^Cannot connect/i.test(message)) return 'Could not connect to the database';
  if (/needs pg_(dump|restore|dumpall)/i.test(message)) return 'No matching pg_dump on this server';
  if (/cron/i.test(message)) return 'Check the schedule';
  return 'Could not add the database';
}

function Group({ title, description, children }: { title: string; description?: ReactNode; children: ReactNode }) {
  return (
    <section className="backup-form-group">
      <div>
        <h3 className="backup-form-heading">{title}</h3>
        {description && <p className="field-hint">{description}</p>}
      </div>
      {children}
    </section>
  );
}

function SourceForm({ projectId, onCancel, onCreated }: { projectId: number; onCancel: () => void; onCreated: (source: BackupSource) => void }) {
  const [state, setState] = useState<SourceFormState>(newSourceForm);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const errorRef = useRef<HTMLDivElement>(null);
  const set = <K extends keyof SourceFormState>(key: K, value: SourceFormState[K]) => setState((current) => ({ ...current, [key]: value }));
  const setTarget = (key: number, change: Partial<TargetDraft>) => setState((current) => ({ ...current, targets: current.targets.map((t) => (t.key === key ? { ...t, ...change } : t)) }));

  useEffect(() => {
    if (error) errorRef.current?.scrollIntoView({ block: 'nearest' });
  }, [error]);

  const chooseSchedule = (choice: string) =>
    setState((current) => {
      const suggested = SUGGESTED_RPO[choice];
      return { ...current, schedule: choice, ...(!current.rpoTouched && suggested !== undefined ? { rpoMinutes: String(suggested) } : {}) };
    });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setPending(true);
    setError(null);
    try {
      onCreated(await api.createBackupSource(projectId, sourceInputOf(state)));
    } catch (caught) {
      setError(caught instanceof BackupFormProblem ? caught.message : errorMessage(caught));
      setPending(false);
    }
  };

  const minutesHint = (value: string, text: string) => {
    const minutes = Number(value);
    return Number.isInteger(minutes) && minutes > 0 ? `${text} (${formatMinutes(minutes)}).` : `${text}. Optional.`;
  };

  return (
    <form className="backup-form" onSubmit={submit}>
      <div className="backup-form-body">
        <Group title="Database">
          <PeriodPicker
            label="What to back up"
            value={state.kind}
            onChange={(kind) => setState((current) => ({ ...current, kind, name: current.name || (kind === 'watchpost' ? 'watchpost' : '') }))}
            options={[
              { value: 'postgres', label: 'A PostgreSQL database' },
              { value: 'watchpost', label: 'Watchpost’s own database', title: 'The database this Watchpost server runs on: a consistent SQLite copy, or pg_dump on PostgreSQL' },
            ]}
          />
          <div className="form-grid">
            <Field label="Name" hint="How the dashboard, alerts and the CLI call it.">
              {(id, d) => <input id={id} aria-describedby={d} className="input" value={state.name} onChange={(e) => set('name', e.target.value)} required maxLength={100} placeholder="shop-db" data-autofocus />}
            </Field>
            {state.kind === 'postgres' ? (
              <Field
                label="Connection string"
                className="form-grid-full"
                hint={
                  <>
                    Stored encrypted, never shown again. <code>pg_dump</code> needs a direct or session-mode connection: on Supabase use <code>db.&lt;ref&gt;.supabase.co:5432</code> or
                    the pooler in session mode (port 5432), not the transaction pooler on port 6543. The role needs <code>SELECT</code> on everything it dumps.
                  </>
                }
              >
                {(id, d) => (
                  <input
                    id={id}
                    aria-describedby={d}
                    className="input mono"
                    type="password"
                    autoComplete="off"
                    value={state.url}
                    onChange={(e) => set('url', e.target.value)}
                    required
                    maxLength={2000}
                    placeholder="postgres://backup_user:password@db.example.com:5432/shop?sslmode=require"
                  />
                )}
              </Field>
            ) : (
              <p className="field-hint form-grid-full">
                Backs up the database this server runs on, while it keeps running: a consistent copy of the SQLite file (<code>VACUUM INTO</code>), or <code>pg_dump</code> when
                Watchpost runs on PostgreSQL. A restore writes a new file for you to move into place.
              </p>
            )}
          </div>
        </Group>

        <Group title="Where backups go" description="One or more targets; each backup is written to all of them at once. Several targets give you 3-2-1.">
          {state.targets.map((target, index) => (
            <TargetFields
              key={target.key}
              target={target}
              index={index}
              onChange={(change) => setTarget(target.key, change)}
              onRemove={state.targets.length > 1 ? () => set('targets', state.targets.filter((t) => t.key !== target.key)) : null}
            />
          ))}
          {state.targets.length < MAX_TARGETS && (
            <div>
              <Button size="sm" onClick={() => set('targets', [...state.targets, newTarget(state.targets.some((t) => t.kind === 's3') ? 'local' : 's3')])}>
                <PlusIcon size={14} />
                Add another target
              </Button>
            </div>
          )}
        </Group>

        <Group title="Schedule">
          <ScheduleChoice
            label="Backups"
            cronLabel="Backup cron expression"
            presets={BACKUP_PRESETS}
            noneLabel="Manual only"
            choice={state.schedule}
            custom={state.customSchedule}
            onChoice={chooseSchedule}
            onCustom={(cron) => set('customSchedule', cron)}
          />
          <Field label="Time zone" hint="Schedules and daily/weekly retention follow this zone." className="field-narrow">
            {(id, d) => <TimeZoneSelect id={id} describedBy={d} value={state.timezone} onChange={(zone) => set('timezone', zone)} />}
          </Field>
        </Group>

        <Group title="Retention" description="Like restic: keep the last N backups, plus the newest of each of the last N days, weeks, months and years. The newest verified backup is never deleted.">
          <div className="backup-retention">
            {RETENTION_FIELDS.map(([key, label]) => (
              <Field key={key} label={`Keep ${label.toLowerCase()}`}>
                {(id) => (
                  <input
                    id={id}
                    className="input"
                    type="number"
                    min={0}
                    max={1000}
                    value={state.retention[key]}
                    onChange={(e) => set('retention', { ...state.retention, [key]: e.target.value })}
                    required
                  />
                )}
              </Field>
            ))}
          </div>
        </Group>

        <Group title="Encryption">
          <Field
            label="Encryption key"
            className="field-narrow"
            hint={
              <>
                Optional, 16+ characters (<code>openssl rand -base64 32</code>). Empty: the server’s <code>WATCHPOST_BACKUP_KEY</code> is used if it has one, else backups are stored
                unencrypted — the source then shows whether it is encrypted. Keep a copy outside Watchpost: without it, encrypted backups can’t be restored.
              </>
            }
          >
            {(id, d) => (
              <input id={id} aria-describedby={d} className="input mono" type="password" autoComplete="new-password" value={state.encryptionKey} onChange={(e) => set('encryptionKey', e.target.value)} maxLength={500} />
            )}
          </Field>
        </Group>

        <Group
          title="Restore tests"
          description={
            state.kind === 'postgres'
              ? "Watchpost restores the latest backup into a scratch database, compares every table's row count, runs your assertions and drops it. The measured time is your real RTO. The role needs CREATEDB on that server."
              : "Watchpost restores the latest copy into a scratch file or database, checks its integrity and every table's row count. The measured time is your real RTO."
          }
        >
          <ScheduleChoice
            label="Test schedule"
            cronLabel="Restore-test cron expression"
            presets={VERIFY_PRESETS}
            noneLabel="Never"
            choice={state.verifySchedule}
            custom={state.customVerifySchedule}
            onChoice={(choice) => set('verifySchedule', choice)}
            onCustom={(cron) => set('customVerifySchedule', cron)}
          />
          {state.kind === 'postgres' && (
            <Field label="Restore-test server" hint="Optional: a postgres:// URL of another server for the scratch databases. Empty: the source's own server.">
              {(id, d) => <input id={id} aria-describedby={d} className="input mono" type="password" autoComplete="off" value={state.verifyUrl} onChange={(e) => set('verifyUrl', e.target.value)} maxLength={2000} />}
            </Field>
          )}
          <Field label="Assertions" hint="Optional SQL, one statement per line; each must return true after the restore.">
            {(id, d) => (
              <textarea
                id={id}
                aria-describedby={d}
                className="input textarea mono"
                rows={3}
                value={state.assertions}
                onChange={(e) => set('assertions', e.target.value)}
                placeholder="SELECT count(*) > 0 FROM orders"
                spellCheck={false}
              />
            )}
          </Field>
        </Group>

        <Group title="Recovery targets" description="The dashboard colours the last good backup's age against the RPO and the last restore time against the RTO: green within, amber up to 1.5×, red beyond.">
          <div className="form-grid">
            <Field label="RPO (minutes)" hint={minutesHint(state.rpoMinutes, 'How much data you can afford to lose')}>
              {(id, d) => (
                <input
                  id={id}
                  aria-describedby={d}
                  className="input"
                  type="number"
                  min={1}
                  value={state.rpoMinutes}
                  onChange={(e) => setState((current) => ({ ...current, rpoMinutes: e.target.value, rpoTouched: true }))}
                />
              )}
            </Field>
            <Field label="RTO (minutes)" hint={minutesHint(state.rtoMinutes, 'How long a restore may take')}>
              {(id, d) => <input id={id} aria-describedby={d} className="input" type="number" min={1} value={state.rtoMinutes} onChange={(e) => set('rtoMinutes', e.target.value)} />}
            </Field>
          </div>
        </Group>
      </div>
      <div className="backup-form-footer">
        {error && (
          <div className="callout callout-danger backup-form-error" role="alert" ref={errorRef} data-testid="source-form-error">
            <div className="callout-title">
              <AlertIcon size={14} />
              {problemTitle(error)}
            </div>
            <div className="backup-form-error-text">{error}</div>
          </div>
        )}
        <div className="dialog-footer">
          {pending && <span className="field-hint backup-form-pending">Checking the connection and pg_dump…</span>}
          <Button onClick={onCancel}>Cancel</Button>
          <Button type="submit" variant="primary" pending={pending}>
            Add database
          </Button>
        </div>
      </div>
    </form>
  );
}
