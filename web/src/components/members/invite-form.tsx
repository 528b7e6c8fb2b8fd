import { useRef, useState, type FormEvent } from 'react';
import { ROLES, api, type OrgWithRole, type Role } from '../../api';
import { useAction } from '../../hooks/use-action';
import { ROLE_HINTS, ROLE_LABELS } from '../../lib/roles';
import { Button } from '../button';
import { CopyButton } from '../copy-button';
import { Field } from '../field';
import { FormError } from '../form-error';

/** Creates an invitation and shows its link once: Watchpost sends no email itself. */
export function InviteForm({ org, onInvited }: { org: OrgWithRole; onInvited: () => void }) {
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('member');
  const [link, setLink] = useState<{ url: string; email: string } | null>(null);
  const linkRef = useRef<HTMLElement>(null);
  const action = useAction(api.invite);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = await action.run(org.id, email.trim(), role);
    if (!result) return;
    setLink({ url: result.url, email: result.invite.email });
    setEmail('');
    onInvited();
  };

  return (
    <div className="stack">
      {link && (
        <div className="callout callout-success secret-callout" role="status">
          <div>
            <strong>Send this link to {link.email}.</strong> It works once and expires in 7 days. It is shown only now.
          </div>
          <div className="secret-row">
            <code ref={linkRef} className="secret-value">
              {link.url}
            </code>
            <CopyButton text={link.url} label="Copy invitation link" selectRef={linkRef} />
          </div>
          <div>
            <Button size="sm" onClick={() => setLink(null)}>
              Done
            </Button>
          </div>
        </div>
      )}
      <form onSubmit={submit} className="form-grid form-grid-invite">
        <Field label="Email address">
          {(id) => <input id={id} type="email" className="input" value={email} onChange={(e) => setEmail(e.target.value)} required maxLength={254} placeholder="colleague@example.com" autoComplete="off" />}
        </Field>
        <Field label="Role" hint={ROLE_HINTS[role]}>
          {(id, hint) => (
            <select id={id} aria-describedby={hint} className="input" value={role} onChange={(e) => setRole(e.target.value as Role)}>
              {ROLES.map((option) => (
                <option key={option} value={option} disabled={option === 'owner' && org.role !== 'owner'}>
                  {ROLE_LABELS[option]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <div className="form-grid-submit">
          <Button type="submit" variant="primary" pending={action.pending}>
            Create invitation link
          </Button>
        </div>
      </form>
      <FormError error={action.error} />
    </div>
  );
}
