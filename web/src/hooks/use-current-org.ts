import { useRoute } from 'wouter';
import type { OrgWithRole } from '../api';
import { readStored } from '../lib/storage';
import { useSession } from './use-session';

export const LAST_ORG_KEY = 'wp-last-org';

/** The organisation slug in the URL, if the page is inside one. */
export function useOrgSlug(): string | null {
  const [match, params] = useRoute('/orgs/:orgSlug/*?');
  return match ? (params.orgSlug ?? null) : null;
}

/**
 * The organisation the chrome (sidebar, switchers) is about: the one in the URL, or on pages
 * outside any organisation (account, jobs), the one last visited, so the navigation stays put.
 */
export function useCurrentOrg(): OrgWithRole | null {
  const { me } = useSession();
  const slug = useOrgSlug() ?? readStored(LAST_ORG_KEY);
  return me.orgs.find((org) => org.slug === slug) ?? me.orgs[0] ?? null;
}
