import { useState, type FormEvent } from 'react';
import { Link, Redirect, useLocation } from 'wouter';
import { api } from '../api';
import { AuthLayout } from '../components/auth-layout';
import { Button } from '../components/button';
import { Field } from '../components/field';
import { FormError } from '../components/form-error';
import { LoadError, Loading } from '../components/loading';
import { useAction } from '../hooks/use-action';
import { clearApiCache, useApi } from '../hooks/use-api';
import { useDocumentTitle } from '../hooks/use-document-title';
import { primeSessionProbe, useSessionProbe } from '../hooks/use-session-probe';
import { tokenFromHash } from '../lib/url';

const MIN_PASSWORD = 8;

/** First run: the person holding the setup link creates the first admin and organisation. */
export function SetupPage() {
  useDocumentTitle('Set up');
  const status = useApi('/setup', () => api.setupStatus());
  // Only an instance that is already set up can have someone logged in.
  const session = useSessionProbe(status.data?.needsSetup === false);

  if (status.error) {
    return (
      <AuthLayout title="Set up Watchpost">
        <LoadError error={status.error} onRetry={() => void status.reload()} />
      </AuthLayout>
    );
  }
  if (!status.data || session.loading) {
    return (
      <AuthLayout title="Set up Watchpost">
        <Loading />
      </AuthLayout>
    );
  }
  if (!status.data.needsSetup && session.data?.user) return <Redirect to="/" replace />;
  if (!status.data.needsSetup) {
    return (
      <AuthLayout title="Already set up" description="This Watchpost instance already has an administrator.">
        <Link href="/login" className="btn btn-primary btn-block">
          Go to login
        </Link>
      </AuthLayout>
    );
  }
  return <SetupForm />;
}

function SetupForm() {
  const [, navigate] = useLocation();
  const hashToken = tokenFromHash();
  const [token, setToken] = useState(hashToken ?? '');
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [orgName, setOrgName] = useState('');
  const [localError, setLocalError] = useState<string | null>(null);
  const action = useAction(api.setup);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (password.length < MIN_PASSWORD) return setLocalError(`The password must be at least ${MIN_PASSWORD} characters.`);
    if (password !== confirm) return setLocalError('The passwords do not match.');
    setLocalError(null);
    const result = await action.run({ token: token.trim(), email: email.trim(), name: name.trim() || undefined, password, orgName: orgName.trim() });
    if (!result) return;
    clearApiCache();
    primeSessionProbe(result.user);
    navigate(`/orgs/${result.org.slug}/projects`, { replace: true });
  };

  return (
    <AuthLayout title="Set up Watchpost" description="Create the administrator account and your first organisation. This page works once, with the link printed in the server log.">
      <form onSubmit={submit} className="stack">
        {hashToken === null && (
          <Field label="Setup token" hint="The part after #token= in the setup link the server printed at start.">
            {(id, hint) => (
              <input id={id} aria-describedby={hint} className="input mono" value={token} onChange={(e) => setToken(e.target.value)} required autoComplete="off" spellCheck={false} />
            )}
          </Field>
        )}
        <Field label="Your name">
          {(id) => <input id={id} className="input" value={name} onChange={(e) => setName(e.target.value)} autoComplete="name" maxLength={200} autoFocus />}
        </Field>
        <Field label="Email">
          {(id) => <input id={id} type="email" className="input" value={email} onChange={(e) => setEmail(e.target.value)} required autoComplete="email" maxLength={254} />}
        </Field>
        <Field label="Password" hint={`At least ${MIN_PASSWORD} characters.`}>
          {(id, hint) => (
            <input id={id} aria-describedby={hint} type="password" className="input" value={password} onChange={(e) => setPassword(e.target.value)} required minLength={MIN_PASSWORD} autoComplete="new-password" />
          )}
        </Field>
        <Field label="Confirm password">
          {(id) => <input id={id} type="password" className="input" value={confirm} onChange={(e) => setConfirm(e.target.value)} required autoComplete="new-password" />}
        </Field>
        <Field label="Organisation name" hint="Your company or team; projects live in it.">
          {(id, hint) => (
            <input id={id} aria-describedby={hint} className="input" value={orgName} onChange={(e) => setOrgName(e.target.value)} required maxLength={200} autoComplete="organization" />
          )}
        </Field>
        <FormError error={localError ?? action.error} />
        <Button type="submit" variant="primary" className="btn-block" pending={action.pending}>
          Create admin account
        </Button>
      </form>
    </AuthLayout>
  );
}
