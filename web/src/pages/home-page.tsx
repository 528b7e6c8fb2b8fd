import { Redirect } from 'wouter';
import { CreateOrgForm } from '../components/create-org-form';
import { EmptyState } from '../components/empty-state';
import { BuildingIcon } from '../components/icons';
import { LAST_ORG_KEY } from '../hooks/use-current-org';
import { useDocumentTitle } from '../hooks/use-document-title';
import { useSession } from '../hooks/use-session';
import { readStored } from '../lib/storage';

/** "/" opens the organisation used last (or the first); with none, offers to create one. */
export function HomePage() {
  useDocumentTitle('Welcome');
  const { me } = useSession();
  const last = readStored(LAST_ORG_KEY);
  const org = me.orgs.find((candidate) => candidate.slug === last) ?? me.orgs[0];
  if (org) return <Redirect to={`/orgs/${org.slug}/projects`} replace />;

  return (
    <div className="narrow">
      <EmptyState icon={<BuildingIcon size={22} />} title="You are not in any organisation yet">
        Create an organisation to start adding projects, or ask a colleague to invite you to theirs.
      </EmptyState>
      <div className="card card-padded">
        <CreateOrgForm />
      </div>
    </div>
  );
}
