import { useState, type FormEvent } from 'react';
import { Link, useLocation } from 'wouter';
import { api, type InviteDescription, type User } from '../api';
import { AuthLayout } from '../components/auth-layout';
import { Button } from '../components/button';
import { Field } from '../components/field';
import { FormError } from '../components/form-error';
import { LoadError, Loading } from '../components/loading';
import { RelativeTime } from '../components/relative-time';
import { useAction } from '../hooks/use-action';
import { clearApiCache, useApi } from '../hooks/use-api';
import { useDocumentTitle } from '../hooks/use-document-title';
import { primeSessionProbe, useSessionProbe } from '../hooks/use-session-probe';
import { ROLE_LABELS } from '../lib/roles';
import { tokenFromHash } from '../lib/url';

/** Accepting an invitation: as the logged-in invitee, or by creating the account. */
export function InvitePage() {
  useDocumentTitle('Invitation');
  const token = tokenFromHash();
  const invite = useApi(token ? `/invites/describe#${token}` : null, () => api.describeInvite(token ?? ''));
  // If the probe fails, the page works as for a logged-out visitor: accepting still checks on the server.
  const session = useSessionProbe();

  if (!token) {
    return (
      <AuthLayout title="This invitation link is incomplete" description="Invitation links end with #token=…. Copy the whole link from the message you received and open it again.">
        <Link href="/login" className="btn btn-block">
          Go to login
        </Link>
      </AuthLayout>
    );
  }
  if (invite.error) {
    return (
      <AuthLayout title="Invitation not valid">
        <LoadError error={invite.error} />
        <p className="text-muted">Ask the person who invited you for a new link.</p>
      </AuthLayout>
    );
  }
  if (!invite.data || session.loading) {
    return (
      <AuthLayout title="Invitation">
        <Loading />
      </AuthLayout>
    );
  }
  const details = invite.data;
  return (
    <AuthLayout
      title={`Join ${details.orgName}`}
      description={
        <>
          You have been invited to <strong>{details.orgName}</strong> as <strong>{ROLE_LABELS[details.role].toLowerCase()}</strong>, with the email{' '}
          <strong>{details.email}</strong>. The invitation expires <RelativeTime ms={details.expiresAt} />.
        </>
      }
    >
      <InviteActions token={token} details={details} user={session.data?.user ?? null} onLoggedOut={() => void session.reload()} />
    </AuthLayout>
  );
}

interface ActionsProps {
  token: string;
  details: InviteDescription;
  user: User | null;
  onLoggedOut: () => void;
}

function InviteActions({ token, details, user, onLoggedOut }: ActionsProps) {
  const [, navigate] = useLocation();
  const accept = useAction(api.acceptInvite);
  const logout = useAction(api.logout);

  const acceptAs = async (body: Parameters<typeof api.acceptInvite>[0]) => {
    const result = await accept.run(body);
    if (!result) return;
    clearApiCache();
    primeSessionProbe(result.user);
    navigate(`/orgs/${result.org.slug}/projects`, { replace: true });
  };

  if (user && user.email.toLowerCase() === details.email.toLowerCase()) {
    return (
      <div className="stack">
        <FormError error={accept.error} />
        <Button variant="primary" className="btn-block" pending={accept.pending} onClick={() => void acceptAs({ token })}>
          Accept invitation
        </Button>
      </div>
    );
  }
  if (user) {
    return (
      <div className="stack">
        <div className="callout callout-warning">
          You are logged in as <strong>{user.email}</strong>, but this invitation is for <strong>{details.email}</strong>. Log out, then log in as{' '}
          {details.email} {details.accountExists ? '' : 'or create that account'} to accept it.
        </div>
        <FormError error={logout.error} />
        <Button
          className="btn-block"
          pending={logout.pending}
          onClick={async () => {
            if (await logout.run()) {
              clearApiCache();
              onLoggedOut();
            }
          }}
        >
          Log out and continue
        </Button>
      </div>
    );
  }
  if (details.accountExists) {
    const next = encodeURIComponent(`/invite#token=${token}`);
    return (
      <div className="stack">
        <p className="text-muted">An account for {details.email} already exists. Log in with it, and you will come back here to accept.</p>
        <Link href={`/login?next=${next}&email=${encodeURIComponent(details.email)}`} className="btn btn-primary btn-block">
          Log in as {details.email}
        </Link>
      </div>
    );
  }
  return <CreateAccountForm email={details.email} pending={accept.pending} error={accept.error} onSubmit={(name, password) => void acceptAs({ token, name, password })} />;
}

interface CreateProps {
  email: string;
  pending: boolean;
  error: string | null;
  onSubmit: (name: string, password: string) => void;
}

function CreateAccountForm({ email, pending, error, onSubmit }: CreateProps) {
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [localError, setLocalError] = useState<string | null>(null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (password.length < 8) return setLocalError('The password must be at least 8 characters.');
    if (password !== confirm) return setLocalError('The passwords do not match.');
    setLocalError(null);
    onSubmit(name.trim(), password);
  };

  return (
    <form onSubmit={submit} className="stack">
      <Field label="Email">{(id) => <input id={id} className="input" value={email} readOnly autoComplete="username" />}</Field>
      <Field label="Your name">{(id) => <input id={id} className="input" value={name} onChange={(e) => setName(e.target.value)} autoComplete="name" maxLength={200} autoFocus />}</Field>
      <Field label="Password" hint="At least 8 characters.">
        {(id, hint) => (
          <input id={id} aria-describedby={hint} type="password" className="input" value={password} onChange={(e) => setPassword(e.target.value)} required minLength={8} autoComplete="new-password" />
        )}
      </Field>
      <Field label="Confirm password">
        {(id) => <input id={id} type="password" className="input" value={confirm} onChange={(e) => setConfirm(e.target.value)} required autoComplete="new-password" />}
      </Field>
      <FormError error={localError ?? error} />
      <Button type="submit" variant="primary" className="btn-block" pending={pending}>
        Create account and join
      </Button>
    </form>
  );
}
