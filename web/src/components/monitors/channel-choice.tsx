import { Link } from 'wouter';
import { api } from '../../api';
import { useApi } from '../../hooks/use-api';
import type { MonitorFormState, SetField } from '../../lib/monitor-form';
import { Badge } from '../badge';
import { Field } from '../field';
import { LoadError } from '../loading';

interface Props {
  projectId: number;
  /** The notification channels page. */
  channelsHref: string;
  state: MonitorFormState;
  set: SetField;
}

/** Where the monitor's alerts go: the project's default channels, or the ones chosen here; and how often to repeat them. */
export function ChannelChoice({ projectId, channelsHref, state, set }: Props) {
  const channels = useApi(`/projects/${projectId}/channels`, (signal) => api.channels(projectId, signal));
  const items = channels.data?.items ?? [];
  const defaults = items.filter((channel) => channel.isDefault && channel.enabled);
  const toggle = (id: string, on: boolean) => set('channelIds', on ? [...state.channelIds, id] : state.channelIds.filter((existing) => existing !== id));

  return (
    <div className="stack">
      {channels.error && <LoadError error={channels.error} onRetry={() => void channels.reload()} />}
      <fieldset className="choice-group">
        <legend className="field-label">Send alerts to</legend>
        <label className="check-row">
          <input type="radio" name="channel-mode" checked={state.channelMode === 'default'} onChange={() => set('channelMode', 'default')} />
          The project’s default channels
          <span className="text-muted">{channels.data ? (defaults.length > 0 ? `(${defaults.map((c) => c.name).join(', ')})` : '(none yet)') : ''}</span>
        </label>
        <label className="check-row">
          <input type="radio" name="channel-mode" checked={state.channelMode === 'chosen'} onChange={() => set('channelMode', 'chosen')} />
          Only the channels chosen here
        </label>
        {state.channelMode === 'chosen' && (
          <ul className="picker-list choice-indent" aria-label="Channels">
            {items.map((channel) => (
              <li key={channel.id}>
                <label className="check-row">
                  <input type="checkbox" checked={state.channelIds.includes(channel.id)} onChange={(e) => toggle(channel.id, e.target.checked)} />
                  <span className="picker-name">{channel.name}</span>
                  <span className="text-subtle">{channel.typeLabel}</span>
                  {!channel.enabled && <Badge tone="amber">Off</Badge>}
                </label>
              </li>
            ))}
            {channels.data && items.length === 0 && <li className="text-muted picker-empty">This project has no channels yet.</li>}
          </ul>
        )}
      </fieldset>
      <p className="field-hint">
        <Link href={channelsHref}>Manage notification channels</Link> — Slack, email, webhooks, PagerDuty and more.
      </p>
      <Field label="Repeat the alert every (failed checks)" hint="While it stays down, alert again after this many failed checks; 0 alerts once." className="field-narrow">
        {(id, d) => <input id={id} aria-describedby={d} className="input" type="number" min={0} max={10_000} value={state.resendEvery} onChange={(e) => set('resendEvery', e.target.value)} required />}
      </Field>
    </div>
  );
}
