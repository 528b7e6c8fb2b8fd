import { useState, type FormEvent } from 'react';
import { api, type IngestKey } from '../../api';
import { useAction } from '../../hooks/use-action';
import { Button } from '../button';
import { Dialog } from '../dialog';
import { Field } from '../field';
import { FormError } from '../form-error';

const GRACE = [
  { seconds: 0, label: 'Immediately' },
  { seconds: 3600, label: 'After 1 hour' },
  { seconds: 86_400, label: 'After 24 hours' },
  { seconds: 7 * 86_400, label: 'After 7 days' },
];

interface Props {
  projectId: number;
  keyInfo: IngestKey | null;
  onClose: () => void;
  onRotated: () => void;
}

export function RotateKeyDialog({ projectId, keyInfo, onClose, onRotated }: Props) {
  return (
    <Dialog
      open={keyInfo !== null}
      onClose={onClose}
      title={`Rotate “${keyInfo?.label ?? ''}”`}
      description="A new key with a new DSN replaces this one. Keep the old DSN working long enough to deploy the new one everywhere."
      size="sm"
    >
      {keyInfo && <RotateForm projectId={projectId} keyInfo={keyInfo} onClose={onClose} onRotated={onRotated} />}
    </Dialog>
  );
}

function RotateForm({ projectId, keyInfo, onClose, onRotated }: Props & { keyInfo: IngestKey }) {
  const [grace, setGrace] = useState(3600);
  const action = useAction(api.rotateKey);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!(await action.run(projectId, keyInfo.id, grace))) return;
    onRotated();
    onClose();
  };

  return (
    <form onSubmit={submit} className="stack">
      <Field label="Old DSN stops working" hint={grace === 0 ? 'Apps still sending with the old DSN will have their events rejected right away.' : undefined}>
        {(id, hint) => (
          <select id={id} aria-describedby={hint} className="input" value={grace} onChange={(e) => setGrace(Number(e.target.value))} data-autofocus>
            {GRACE.map((option) => (
              <option key={option.seconds} value={option.seconds}>
                {option.label}
              </option>
            ))}
          </select>
        )}
      </Field>
      <FormError error={action.error} />
      <div className="dialog-footer">
        <Button onClick={onClose}>Cancel</Button>
        <Button type="submit" variant="primary" pending={action.pending}>
          Rotate key
        </Button>
      </div>
    </form>
  );
}
