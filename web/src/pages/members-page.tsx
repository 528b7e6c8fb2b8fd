import { api, type OrgWithRole } from '../api';
import { LoadError, Loading } from '../components/loading';
import { InviteForm } from '../components/members/invite-form';
import { MembersTable } from '../components/members/members-table';
import { PendingInvites } from '../components/members/pending-invites';
import { PageHeader } from '../components/page-header';
import { Section } from '../components/section';
import { useApi } from '../hooks/use-api';
import { useDocumentTitle } from '../hooks/use-document-title';
import { NEEDS, roleAtLeast } from '../lib/roles';

export function MembersPage({ org }: { org: OrgWithRole }) {
  useDocumentTitle('Members', org.name);
  const canManage = roleAtLeast(org.role, NEEDS.memberManage);
  const members = useApi(`/orgs/${org.id}/members`, (signal) => api.members(org.id, signal));
  // Listing invitations needs the admin role; don't ask for what would be refused.
  const invites = useApi(canManage ? `/orgs/${org.id}/invites` : null, (signal) => api.invites(org.id, signal));

  return (
    <div className="page">
      <PageHeader title="Members" description={`People who can see ${org.name}, and what they can do.`} />
      <div className="stack-lg">
        <Section title="Members" flush description={members.data ? `${members.data.items.length} ${members.data.items.length === 1 ? 'person' : 'people'}` : undefined}>
          {members.error && <LoadError error={members.error} onRetry={() => void members.reload()} />}
          {members.loading && <Loading />}
          {members.data && <MembersTable org={org} members={members.data.items} onChanged={() => void members.reload()} />}
        </Section>
        {canManage ? (
          <>
            <Section title="Invite someone" description="Watchpost doesn’t send email: you get a link to send them yourself.">
              <InviteForm org={org} onInvited={() => void invites.reload()} />
            </Section>
            <Section title="Pending invitations" flush>
              {invites.error && <LoadError error={invites.error} onRetry={() => void invites.reload()} />}
              {invites.loading && <Loading />}
              {invites.data && <PendingInvites org={org} invites={invites.data.items} onChanged={() => void invites.reload()} />}
            </Section>
          </>
        ) : (
          <p className="text-muted">To invite people, ask someone with the admin role in {org.name}.</p>
        )}
      </div>
    </div>
  );
}
