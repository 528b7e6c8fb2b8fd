import { useState, type FormEvent } from 'react';
import { useLocation } from 'wouter';
import { api } from '../api';
import { useAction } from '../hooks/use-action';
import { useSession } from '../hooks/use-session';
import { Button } from './button';
import { Field } from './field';
import { FormError } from './form-error';

interface Props {
  onCancel?: () => void;
  /** Called after the organisation exists, before navigating into it. */
  onCreated?: () => void;
}

/** Creates an organisation, refreshes the session's list and opens the new organisation. */
export function CreateOrgForm({ onCancel, onCreated }: Props) {
  const [name, setName] = useState('');
  const { reload } = useSession();
  const [, navigate] = useLocation();
  const action = useAction(api.createOrg);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const org = await action.run(name.trim());
    if (!org) return;
    await reload();
    onCreated?.();
    navigate(`/orgs/${org.slug}/projects`);
  };

  return (
    <form onSubmit={submit} className="stack">
      <Field label="Organisation name" hint="Usually your company or team. You can rename it later.">
        {(id, hint) => (
          <input id={id} aria-describedby={hint} className="input" value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} autoComplete="organization" data-autofocus />
        )}
      </Field>
      <FormError error={action.error} />
      <div className="form-actions">
        {onCancel && <Button onClick={onCancel}>Cancel</Button>}
        <Button type="submit" variant="primary" pending={action.pending}>
          Create organisation
        </Button>
      </div>
    </form>
  );
}
