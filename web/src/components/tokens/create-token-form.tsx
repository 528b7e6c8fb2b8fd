import { useState, type FormEvent } from 'react';
import { TOKEN_SCOPES, api, type OrgWithRole, type TokenScope } from '../../api';
import { useAction } from '../../hooks/use-action';
import { SCOPE_NEEDS, roleAtLeast } from '../../lib/roles';
import { Button } from '../button';
import { Field } from '../field';
import { FormError } from '../form-error';

const SCOPE_LABELS: Record<TokenScope, string> = {
  read: 'Read — view data',
  write: 'Write — also change data in projects',
  admin: 'Admin — also manage projects, members, tokens',
};

const EXPIRY = [
  { value: '', label: 'Never' },
  { value: '30', label: 'In 30 days' },
  { value: '90', label: 'In 90 days' },
  { value: '365', label: 'In 1 year' },
];

interface Props {
  org: OrgWithRole;
  onCreated: (secret: string) => void;
}

export function CreateTokenForm({ org, onCreated }: Props) {
  const [name, setName] = useState('');
  const [scope, setScope] = useState<TokenScope>('read');
  const [expiry, setExpiry] = useState('90');
  const action = useAction(api.createToken);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = await action.run(org.id, { name: name.trim(), scope, expiresInDays: expiry === '' ? null : Number(expiry) });
    if (!result) return;
    setName('');
    onCreated(result.token);
  };

  return (
    <form onSubmit={submit} className="stack">
      <div className="form-grid form-grid-3">
        <Field label="Token name" hint="What uses it, e.g. “CI deploy”.">
          {(id, hint) => <input id={id} aria-describedby={hint} className="input" value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} autoComplete="off" />}
        </Field>
        <Field label="Scope" hint="A token can never do more than your own role allows.">
          {(id, hint) => (
            <select id={id} aria-describedby={hint} className="input" value={scope} onChange={(e) => setScope(e.target.value as TokenScope)}>
              {TOKEN_SCOPES.map((option) => (
                <option key={option} value={option} disabled={!roleAtLeast(org.role, SCOPE_NEEDS[option])}>
                  {SCOPE_LABELS[option]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Expires">
          {(id) => (
            <select id={id} className="input" value={expiry} onChange={(e) => setExpiry(e.target.value)}>
              {EXPIRY.map((option) => (
                <option key={option.value} value={option.value}>
                  {option.label}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <FormError error={action.error} />
      <div className="form-actions form-actions-start">
        <Button type="submit" variant="primary" pending={action.pending}>
          Create token
        </Button>
      </div>
    </form>
  );
}
