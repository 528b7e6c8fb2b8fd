import { useState, type FormEvent } from 'react';
import { api, errorMessage, type Channel, type ChannelTypeInfo, type CreatedChannel } from '../../api';
import { configOf, SchemaFormProblem, valuesOf, type FormValues } from '../../lib/schema-form';
import { Button } from '../button';
import { Dialog } from '../dialog';
import { Field } from '../field';
import { FormError } from '../form-error';
import { SchemaFields } from './schema-fields';
import { SigningSecret } from './signing-secret';

interface Props {
  open: boolean;
  onClose: () => void;
  projectId: number;
  types: ChannelTypeInfo[];
  /** The channel to change; null to add one. */
  channel: Channel | null;
  onSaved: (channel: Channel) => void;
}

/** Add or change a notification channel; its settings come from the type's JSON Schema. */
export function ChannelDialog({ open, onClose, projectId, types, channel, onSaved }: Props) {
  const [secret, setSecret] = useState<string | null>(null);
  const close = () => {
    setSecret(null);
    onClose();
  };
  return (
    <Dialog open={open} onClose={close} title={secret ? 'Webhook added' : channel ? `Edit ${channel.name}` : 'Add a notification channel'}>
      {secret ? (
        <SigningSecret secret={secret} onDone={close} />
      ) : (
        <ChannelForm
          projectId={projectId}
          types={types}
          channel={channel}
          onCancel={close}
          onSaved={(saved) => {
            onSaved(saved);
            if (saved.signingSecret) setSecret(saved.signingSecret);
            else close();
          }}
        />
      )}
    </Dialog>
  );
}

interface FormProps {
  projectId: number;
  types: ChannelTypeInfo[];
  channel: Channel | null;
  onCancel: () => void;
  onSaved: (channel: CreatedChannel) => void;
}

function ChannelForm({ projectId, types, channel, onCancel, onSaved }: FormProps) {
  const [type, setType] = useState(channel?.type ?? types[0]?.type ?? 'webhook');
  const info = types.find((candidate) => candidate.type === type);
  const [name, setName] = useState(channel?.name ?? '');
  const [isDefault, setIsDefault] = useState(channel?.isDefault ?? true);
  const [values, setValues] = useState<FormValues>(() => (info ? valuesOf(info.configSchema, channel?.config) : {}));
  const [clear, setClear] = useState<string[]>([]);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const changeType = (next: string) => {
    setType(next);
    const nextInfo = types.find((candidate) => candidate.type === next);
    setValues(nextInfo ? valuesOf(nextInfo.configSchema, undefined) : {});
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!info) return;
    setPending(true);
    setError(null);
    try {
      const config = configOf(info.configSchema, values, { clear });
      const saved = channel
        ? await api.updateChannel(channel.id, { name: name.trim(), isDefault, config })
        : await api.createChannel(projectId, { name: name.trim(), type, isDefault, config });
      onSaved(saved);
    } catch (caught) {
      setError(caught instanceof SchemaFormProblem ? caught.message : errorMessage(caught));
      setPending(false);
    }
  };

  return (
    <form className="stack" onSubmit={submit}>
      <div className="form-grid">
        <Field label="Type">
          {(id) => (
            <select id={id} className="input" value={type} onChange={(e) => changeType(e.target.value)} disabled={channel !== null}>
              {types.map((candidate) => (
                <option key={candidate.type} value={candidate.type}>
                  {candidate.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Name">
          {(id) => <input id={id} className="input" value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} placeholder="#ops on Slack" data-autofocus />}
        </Field>
      </div>
      {info && (
        <SchemaFields
          key={type}
          schema={info.configSchema}
          values={values}
          onChange={setValues}
          path={type}
          secretFields={info.secretFields}
          secretsSet={channel?.secretsSet ?? []}
          clear={clear}
          onClear={(key, on) => setClear((current) => (on ? [...current, key] : current.filter((k) => k !== key)))}
        />
      )}
      <label className="check-row">
        <input type="checkbox" checked={isDefault} onChange={(e) => setIsDefault(e.target.checked)} />
        Default channel: gets the alerts of every monitor that doesn’t choose its own channels
      </label>
      <FormError error={error} />
      <div className="dialog-footer">
        <Button onClick={onCancel}>Cancel</Button>
        <Button type="submit" variant="primary" pending={pending}>
          {channel ? 'Save changes' : 'Add channel'}
        </Button>
      </div>
    </form>
  );
}
