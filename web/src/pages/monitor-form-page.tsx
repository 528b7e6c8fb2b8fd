import { useCallback, useState, type FormEvent } from 'react';
import { Link, useLocation, useParams, useSearch } from 'wouter';
import { ApiError, api, errorMessage, MONITOR_TYPES, type CheckOutcome, type Monitor, type OrgWithRole, type Project } from '../api';
import { Button } from '../components/button';
import { FormError } from '../components/form-error';
import { PlayIcon } from '../components/icons';
import { LoadError, Loading } from '../components/loading';
import { ChannelChoice } from '../components/monitors/channel-choice';
import { CheckerFields } from '../components/monitors/checker-fields';
import { CheckingFields, HeartbeatFields } from '../components/monitors/schedule-fields';
import { TestOutcome } from '../components/monitors/test-outcome';
import { TypePicker } from '../components/monitors/type-picker';
import { Field } from '../components/field';
import { PageHeader } from '../components/page-header';
import { Section } from '../components/section';
import { WithProject } from '../components/with-project';
import { invalidate, primeCache, useApi } from '../hooks/use-api';
import { useDocumentTitle } from '../hooks/use-document-title';
import { formStateOf, FormProblem, monitorInputOf, newFormState, suggestedName, type MonitorFormState, type SetField } from '../lib/monitor-form';
import { TYPE_DESCRIPTIONS, TYPE_LABELS } from '../lib/monitors';
import { NEEDS, roleAtLeast } from '../lib/roles';
import { NotFoundPage } from './not-found-page';

/** `/monitors/new` and `/monitors/:monitorId/edit`. */
export function MonitorFormPage({ org }: { org: OrgWithRole }) {
  return <WithProject org={org}>{(project) => <MonitorEditor org={org} project={project} />}</WithProject>;
}

function MonitorEditor({ org, project }: { org: OrgWithRole; project: Project }) {
  const { monitorId } = useParams<{ monitorId?: string }>();
  const base = `/orgs/${org.slug}/projects/${project.id}/monitors`;
  const monitor = useApi(monitorId ? `/monitors/${monitorId}` : null, (signal) => api.monitor(monitorId ?? '', signal));
  const type = new URLSearchParams(useSearch()).get('type');
  useDocumentTitle(monitorId ? `Edit ${monitor.data?.name ?? 'monitor'}` : 'New monitor', project.name, org.name);

  if (!roleAtLeast(org.role, NEEDS.monitorManage)) return <NotFoundPage title="You can't change monitors" message="Viewers see monitors but can't add or change them. Ask an admin for the member role." />;
  if (!monitorId) {
    const initial = newFormState(MONITOR_TYPES.find((t) => t === type) ?? 'http');
    return <MonitorForm key={initial.type} project={project} base={base} initial={initial} monitor={null} />;
  }
  if (monitor.error instanceof ApiError && monitor.error.status === 404) return <NotFoundPage title="Monitor not found" message="It may have been deleted." />;
  if (monitor.error) return <LoadError error={monitor.error} onRetry={() => void monitor.reload()} />;
  if (!monitor.data) return <Loading />;
  if (monitor.data.projectId !== project.id) return <NotFoundPage title="Monitor not found" />;
  return <MonitorForm key={monitor.data.id} project={project} base={base} initial={formStateOf(monitor.data)} monitor={monitor.data} />;
}

interface FormProps {
  project: Project;
  base: string;
  initial: MonitorFormState;
  /** The monitor being changed; null for a new one. */
  monitor: Monitor | null;
}

function MonitorForm({ project, base, initial, monitor }: FormProps) {
  const [, navigate] = useLocation();
  const [state, setState] = useState(initial);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [testing, setTesting] = useState(false);
  const [outcome, setOutcome] = useState<{ result: CheckOutcome } | { error: string } | null>(null);
  const set: SetField = useCallback((key, value) => setState((current) => ({ ...current, [key]: value })), []);
  const secretsSet = monitor?.secretsSet ?? [];
  const heartbeat = state.type === 'heartbeat';

  const test = async () => {
    setTesting(true);
    setOutcome(null);
    try {
      setOutcome({ result: monitor ? await api.testSavedMonitor(monitor.id, monitorInputOf(state, 'update')) : await api.testMonitor(project.id, monitorInputOf(state, 'test')) });
    } catch (caught) {
      setOutcome({ error: errorMessage(caught) });
    } finally {
      setTesting(false);
    }
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaving(true);
    setError(null);
    try {
      const saved = monitor ? await api.updateMonitor(monitor.id, monitorInputOf(state, 'update')) : await api.createMonitor(project.id, monitorInputOf(state, 'create'));
      invalidate(`/projects/${project.id}/monitors`);
      invalidate(`/monitors/${saved.id}`);
      primeCache(`/monitors/${saved.id}`, saved);
      navigate(`${base}/${encodeURIComponent(saved.id)}`);
    } catch (caught) {
      setError(caught instanceof FormProblem ? caught.message : errorMessage(caught));
      setSaving(false);
    }
  };

  return (
    <div className="page">
      <Link href={monitor ? `${base}/${encodeURIComponent(monitor.id)}` : base} className="back-link">
        ← {monitor ? monitor.name : 'Monitors'}
      </Link>
      <PageHeader title={monitor ? `Edit ${monitor.name}` : 'New monitor'} description={monitor ? `${TYPE_LABELS[monitor.type]} monitor` : 'Pick what to watch; test it before saving.'} />
      <form className="stack-lg" onSubmit={submit}>
        {!monitor && (
          <Section title="What to monitor">
            <TypePicker
              value={state.type}
              onChange={(type) => {
                setState((current) => ({ ...newFormState(type), name: current.name, channelMode: current.channelMode, channelIds: current.channelIds }));
                setOutcome(null);
              }}
            />
          </Section>
        )}
        <Section title={TYPE_LABELS[state.type]} description={TYPE_DESCRIPTIONS[state.type]}>
          <div className="stack">
            <Field label="Name" hint={heartbeat ? 'What runs: “Nightly backup”.' : 'Leave empty to use the host name.'} className="field-narrow">
              {(id, d) => (
                <input
                  id={id}
                  aria-describedby={d}
                  className="input"
                  value={state.name}
                  placeholder={suggestedName(state) || (heartbeat ? 'Nightly backup' : 'Shop API')}
                  onChange={(e) => set('name', e.target.value)}
                  required={heartbeat}
                  maxLength={200}
                />
              )}
            </Field>
            {heartbeat ? <HeartbeatFields state={state} set={set} /> : <CheckerFields state={state} set={set} secretsSet={secretsSet} />}
            {!heartbeat && (
              <div className="test-row">
                <Button onClick={() => void test()} pending={testing}>
                  <PlayIcon size={14} />
                  Test
                </Button>
                <span className="field-hint">
                  Runs the check once from this server with these settings; nothing is saved.
                </span>
              </div>
            )}
            <div aria-live="polite">
              {outcome && 'result' in outcome && <TestOutcome outcome={outcome.result} />}
              {outcome && 'error' in outcome && <FormError error={outcome.error} />}
            </div>
          </div>
        </Section>
        {!heartbeat && (
          <Section title="Checking" description="How often the monitor is checked, and how many failures it takes to call it down.">
            <CheckingFields state={state} set={set} />
          </Section>
        )}
        <Section title="Notifications" description="Alerts go out when the monitor goes down and when it recovers.">
          <ChannelChoice projectId={project.id} channelsHref={`${base.replace(/\/monitors$/, '')}/notifications`} state={state} set={set} />
        </Section>
        <FormError error={error} />
        <div className="form-actions form-actions-start">
          <Button type="submit" variant="primary" pending={saving}>
            {monitor ? 'Save changes' : heartbeat ? 'Create heartbeat' : 'Create monitor'}
          </Button>
          <Link href={monitor ? `${base}/${encodeURIComponent(monitor.id)}` : base} className="btn btn-ghost">
            Cancel
          </Link>
        </div>
      </form>
    </div>
  );
}
