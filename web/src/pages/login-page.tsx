import { useState, type FormEvent } from 'react';
import { Redirect, useLocation, useSearch } from 'wouter';
import { api } from '../api';
import { AuthLayout } from '../components/auth-layout';
import { Button } from '../components/button';
import { Field } from '../components/field';
import { FormError } from '../components/form-error';
import { useAction } from '../hooks/use-action';
import { clearApiCache, useApi } from '../hooks/use-api';
import { useDocumentTitle } from '../hooks/use-document-title';
import { primeSessionProbe, useSessionProbe } from '../hooks/use-session-probe';
import { safeNext } from '../lib/url';

export function LoginPage() {
  useDocumentTitle('Log in');
  const [, navigate] = useLocation();
  const params = new URLSearchParams(useSearch());
  const next = safeNext(params.get('next'));
  const expired = params.get('expired') === '1';
  const [email, setEmail] = useState(params.get('email') ?? '');
  const [password, setPassword] = useState('');
  const action = useAction(api.login);
  // A fresh instance has no accounts yet: point at the setup link instead of a login that can't work.
  const setup = useApi('/setup', () => api.setupStatus());
  const session = useSessionProbe();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = await action.run(email.trim(), password);
    if (!result) return;
    clearApiCache();
    primeSessionProbe(result.user);
    navigate(next ?? '/', { replace: true });
  };

  // Someone already logged in (a bookmark, the back button) goes straight on; the form shows meanwhile.
  if (session.data?.user && !session.refreshing) return <Redirect to={next ?? '/'} replace />;

  return (
    <AuthLayout title="Log in to Watchpost" footer={<span>Forgot your password? An instance administrator can reset it with <code>watchpost user reset-password</code>.</span>}>
      {expired && !action.error && (
        <div className="callout callout-info" role="status">
          Your session has expired. Log in again to continue where you were.
        </div>
      )}
      {setup.data?.needsSetup && (
        <div className="callout callout-warning" role="status">
          Watchpost is not set up yet. Open the <strong>/setup#token=…</strong> link printed in the server log to create the first account.
        </div>
      )}
      <form onSubmit={submit} className="stack">
        <Field label="Email">
          {(id) => <input id={id} type="email" className="input" value={email} onChange={(e) => setEmail(e.target.value)} required autoComplete="username" autoFocus />}
        </Field>
        <Field label="Password">
          {(id) => <input id={id} type="password" className="input" value={password} onChange={(e) => setPassword(e.target.value)} required autoComplete="current-password" />}
        </Field>
        <FormError error={action.error} />
        <Button type="submit" variant="primary" className="btn-block" pending={action.pending}>
          Log in
        </Button>
      </form>
    </AuthLayout>
  );
}
