import { useState, type FormEvent } from 'react';
import { api, type StatusPage } from '../../api';
import { useAction } from '../../hooks/use-action';
import { Badge } from '../badge';
import { Button } from '../button';
import { ConfirmDialog } from '../confirm-dialog';
import { Field } from '../field';
import { FormError } from '../form-error';
import { Section } from '../section';

interface Props {
  page: StatusPage;
  canManage: boolean;
  /** The page's protection changed (the API answers ok only, so the caller refetches). */
  onChanged: () => Promise<void>;
}

/** Sets, changes or removes the page's password. */
export function PasswordSection({ page, canManage, onChanged }: Props) {
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [clearing, setClearing] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const action = useAction(api.setStatusPagePassword);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    setDone(null);
    if (password !== confirm) return setProblem('The two passwords differ.');
    if (!(await action.run(page.id, password))) return;
    setPassword('');
    setConfirm('');
    setDone(page.passwordProtected ? 'Password changed: visitors enter the new one.' : 'The page is password-protected now.');
    await onChanged();
  };

  return (
    <Section
      title="Password protection"
      description="For internal pages: visitors enter a password before they see anything, feeds, JSON and badges included. Search engines are asked not to index it."
      actions={page.passwordProtected ? <Badge tone="amber">Protected</Badge> : <Badge tone="green">Public</Badge>}
    >
      {canManage ? (
        <form className="stack" onSubmit={submit} onChange={() => setDone(null)}>
          <div className="form-grid">
            <Field label={page.passwordProtected ? 'New password' : 'Password'} hint="At least 8 characters.">
              {(id, hint) => <input id={id} aria-describedby={hint} type="password" className="input" value={password} onChange={(e) => setPassword(e.target.value)} minLength={8} maxLength={200} required autoComplete="new-password" />}
            </Field>
            <Field label="Repeat password">
              {(id) => <input id={id} type="password" className="input" value={confirm} onChange={(e) => setConfirm(e.target.value)} minLength={8} maxLength={200} required autoComplete="new-password" />}
            </Field>
          </div>
          <FormError error={problem ?? action.error} />
          <div className="form-actions form-actions-start">
            <Button type="submit" variant="primary" pending={action.pending}>
              {page.passwordProtected ? 'Change password' : 'Protect with password'}
            </Button>
            {page.passwordProtected && (
              <Button variant="ghost" className="text-danger" onClick={() => setClearing(true)}>
                Remove password
              </Button>
            )}
            {done && (
              <span className="text-success" role="status">
                {done}
              </span>
            )}
          </div>
        </form>
      ) : (
        <p className="text-muted">{page.passwordProtected ? 'Visitors need a password to see this page.' : 'Anyone with the address can see this page.'}</p>
      )}
      <ConfirmDialog
        open={clearing}
        onClose={() => setClearing(false)}
        title="Make the page public?"
        confirmLabel="Remove password"
        onConfirm={async () => {
          await api.clearStatusPagePassword(page.id);
          setDone('The password is removed: the page is public.');
          await onChanged();
        }}
      >
        Anyone with its address can see the page, its feeds and badges, and search engines may index it.
      </ConfirmDialog>
    </Section>
  );
}
