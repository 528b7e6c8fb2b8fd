import { useState, type FormEvent } from 'react';
import { api } from '../../api';
import { useAction } from '../../hooks/use-action';
import { Button } from '../button';
import { Field } from '../field';
import { FormError } from '../form-error';

export function ChangePasswordForm({ onChanged }: { onChanged: () => void }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [localError, setLocalError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const action = useAction(api.changePassword);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setDone(false);
    if (next.length < 8) return setLocalError('The new password must be at least 8 characters.');
    if (next !== confirm) return setLocalError('The new passwords do not match.');
    setLocalError(null);
    if (!(await action.run(current, next))) return;
    setCurrent('');
    setNext('');
    setConfirm('');
    setDone(true);
    onChanged();
  };

  return (
    <form onSubmit={submit} className="stack form-narrow">
      <Field label="Current password">
        {(id) => <input id={id} type="password" className="input" value={current} onChange={(e) => setCurrent(e.target.value)} required autoComplete="current-password" />}
      </Field>
      <Field label="New password" hint="At least 8 characters.">
        {(id, hint) => (
          <input id={id} aria-describedby={hint} type="password" className="input" value={next} onChange={(e) => setNext(e.target.value)} required minLength={8} autoComplete="new-password" />
        )}
      </Field>
      <Field label="Confirm new password">
        {(id) => <input id={id} type="password" className="input" value={confirm} onChange={(e) => setConfirm(e.target.value)} required autoComplete="new-password" />}
      </Field>
      <FormError error={localError ?? action.error} />
      {done && (
        <div className="callout callout-success" role="status">
          Password changed. Your other sessions have been logged out.
        </div>
      )}
      <div className="form-actions form-actions-start">
        <Button type="submit" variant="primary" pending={action.pending}>
          Change password
        </Button>
      </div>
    </form>
  );
}
