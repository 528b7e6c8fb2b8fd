import { useEffect, type ComponentType } from 'react';
import type { OrgWithRole } from '../api';
import { LAST_ORG_KEY, useOrgSlug } from '../hooks/use-current-org';
import { useSession } from '../hooks/use-session';
import { writeStored } from '../lib/storage';
import { NotFoundPage } from '../pages/not-found-page';

/** Resolves the URL's organisation slug for pages inside an organisation. */
export function WithOrg({ page: Page }: { page: ComponentType<{ org: OrgWithRole }> }) {
  const { me } = useSession();
  const slug = useOrgSlug();
  const org = me.orgs.find((candidate) => candidate.slug === slug);

  useEffect(() => {
    if (org) writeStored(LAST_ORG_KEY, org.slug);
  }, [org]);

  if (!org) {
    return <NotFoundPage title="Organisation not found" message="It doesn't exist, or you are not a member of it. Ask an admin of the organisation for an invitation." />;
  }
  return <Page org={org} />;
}
