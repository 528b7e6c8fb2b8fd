import { api } from '../api';
import { ChangePasswordForm } from '../components/account/change-password-form';
import { ProfileNameForm } from '../components/account/profile-name-form';
import { SessionsTable } from '../components/account/sessions-table';
import { Badge } from '../components/badge';
import { LoadError, Loading } from '../components/loading';
import { PageHeader } from '../components/page-header';
import { RelativeTime } from '../components/relative-time';
import { Section } from '../components/section';
import { useApi } from '../hooks/use-api';
import { useDocumentTitle } from '../hooks/use-document-title';
import { useSession } from '../hooks/use-session';
import { initials } from '../lib/format';
import { ROLE_LABELS } from '../lib/roles';

export function AccountPage() {
  useDocumentTitle('Account');
  const { me } = useSession();
  const sessions = useApi('/auth/sessions', (signal) => api.sessions(signal));
  const { user } = me;

  return (
    <div className="page">
      <PageHeader title="Account" description="Your profile, password and where you are logged in." />
      <div className="stack-lg">
        <Section title="Profile">
          <div className="profile">
            <span className="avatar avatar-lg" aria-hidden="true">
              {initials(user.name || user.email)}
            </span>
            <div>
              <div className="profile-name">
                {user.name || user.email} {user.isAdmin && <Badge tone="accent">Instance admin</Badge>}
              </div>
              <div className="text-muted">{user.email}</div>
            </div>
          </div>
          <ProfileNameForm user={user} />
          <dl className="facts">
            <div>
              <dt>Member since</dt>
              <dd>
                <RelativeTime ms={user.createdAt} />
              </dd>
            </div>
            <div>
              <dt>Last login</dt>
              <dd>
                <RelativeTime ms={user.lastLoginAt} empty="never" />
              </dd>
            </div>
            <div>
              <dt>Organisations</dt>
              <dd>{me.orgs.length === 0 ? 'none' : me.orgs.map((org) => `${org.name} (${ROLE_LABELS[org.role].toLowerCase()})`).join(', ')}</dd>
            </div>
          </dl>
        </Section>
        <Section title="Change password" description="Changing it logs you out everywhere else.">
          <ChangePasswordForm onChanged={() => void sessions.reload()} />
        </Section>
        <Section title="Sessions" description="Browsers where you are logged in. Revoke any you don’t recognise." flush>
          {sessions.error && <LoadError error={sessions.error} onRetry={() => void sessions.reload()} />}
          {sessions.loading && <Loading />}
          {sessions.data && <SessionsTable sessions={sessions.data.items} onChanged={() => void sessions.reload()} />}
        </Section>
      </div>
    </div>
  );
}
