import type { ReactNode } from 'react';
import { Link, useLocation, useRoute } from 'wouter';
import { api, type OrgWithRole } from '../api';
import { useApi } from '../hooks/use-api';
import { useCurrentOrg } from '../hooks/use-current-org';
import { useSession } from '../hooks/use-session';
import { NEEDS, roleAtLeast } from '../lib/roles';
import { readStored } from '../lib/storage';
import { ActivityIcon, BellIcon, BugIcon, DatabaseIcon, FolderIcon, GlobeIcon, HeartPulseIcon, KeyIcon, ListIcon, LogoIcon, PackageIcon, ScrollIcon, SettingsIcon, TimerIcon, UsersIcon } from './icons';
import { OrgSwitcher } from './org-switcher';
import { UserMenu } from './user-menu';
import { lastProjectKey } from './with-project';

interface NavItemProps {
  href: string;
  icon: ReactNode;
  children: string;
  onNavigate?: () => void;
  /** Only the page itself counts, not pages below it. */
  exact?: boolean;
}

function NavItem({ href, icon, children, onNavigate, exact = false }: NavItemProps) {
  const [location] = useLocation();
  // Sub-pages (an issue of the issue list) keep their section highlighted.
  const active = location === href || (!exact && location.startsWith(`${href}/`));
  return (
    <Link href={href} className="nav-item" aria-current={active ? 'page' : undefined} onClick={onNavigate}>
      {icon}
      <span>{children}</span>
    </Link>
  );
}

/** The project the sidebar shows pages of: the one in the URL, else the one opened last in this organisation. */
function useSidebarProject(org: OrgWithRole | null) {
  const [inProject, params] = useRoute('/orgs/:orgSlug/projects/:projectId/*?');
  const projects = useApi(org ? `/orgs/${org.id}/projects` : null, (signal) => api.projects(org?.id ?? '', signal));
  if (!org) return null;
  const fromUrl = inProject && params.orgSlug === org.slug ? Number(params.projectId) : null;
  const id = fromUrl ?? Number(readStored(lastProjectKey(org.id)));
  return projects.data?.items.find((project) => project.id === id) ?? null;
}

function ProjectNav({ base, projectId, name, onNavigate }: { base: string; projectId: number; name: string; onNavigate?: () => void }) {
  const root = `${base}/projects/${projectId}`;
  return (
    <nav className="nav" aria-label={`Project ${name}`}>
      <div className="nav-heading nav-heading-project" title={name}>
        {name}
      </div>
      <NavItem href={`${root}/issues`} icon={<BugIcon />} onNavigate={onNavigate}>
        Issues
      </NavItem>
      <NavItem href={`${root}/performance`} icon={<ActivityIcon />} onNavigate={onNavigate}>
        Performance
      </NavItem>
      <NavItem href={`${root}/releases`} icon={<PackageIcon />} onNavigate={onNavigate}>
        Releases
      </NavItem>
      <NavItem href={`${root}/monitors`} icon={<HeartPulseIcon />} onNavigate={onNavigate}>
        Monitors
      </NavItem>
      <NavItem href={`${root}/notifications`} icon={<BellIcon />} onNavigate={onNavigate}>
        Notifications
      </NavItem>
      <NavItem href={`${root}/status-pages`} icon={<GlobeIcon />} onNavigate={onNavigate}>
        Status pages
      </NavItem>
      <NavItem href={`${root}/backups`} icon={<DatabaseIcon />} onNavigate={onNavigate}>
        Backups
      </NavItem>
      <NavItem href={`${root}/settings`} icon={<SettingsIcon />} onNavigate={onNavigate}>
        Project settings
      </NavItem>
    </nav>
  );
}

export function Sidebar({ onNavigate }: { onNavigate?: () => void }) {
  const { me } = useSession();
  const org = useCurrentOrg();
  const base = org ? `/orgs/${org.slug}` : null;
  const project = useSidebarProject(org);

  return (
    <div className="sidebar-inner">
      <Link href="/" className="brand sidebar-brand" onClick={onNavigate}>
        <span className="brand-mark">
          <LogoIcon size={18} />
        </span>
        Watchpost
      </Link>
      <OrgSwitcher onNavigate={onNavigate} />
      {base && org && (
        <nav className="nav" aria-label="Organisation">
          {/* With the project's own pages listed below, "Projects" means the list only. */}
          <NavItem href={`${base}/projects`} icon={<FolderIcon />} onNavigate={onNavigate} exact={project !== null}>
            Projects
          </NavItem>
          <NavItem href={`${base}/members`} icon={<UsersIcon />} onNavigate={onNavigate}>
            Members
          </NavItem>
          <NavItem href={`${base}/tokens`} icon={<KeyIcon />} onNavigate={onNavigate}>
            API tokens
          </NavItem>
          {roleAtLeast(org.role, NEEDS.auditRead) && (
            <NavItem href={`${base}/audit`} icon={<ScrollIcon />} onNavigate={onNavigate}>
              Audit log
            </NavItem>
          )}
          <NavItem href={`${base}/settings`} icon={<SettingsIcon />} onNavigate={onNavigate}>
            Settings
          </NavItem>
        </nav>
      )}
      {base && project && <ProjectNav base={base} projectId={project.id} name={project.name} onNavigate={onNavigate} />}
      {me.user.isAdmin && (
        <nav className="nav" aria-label="Instance">
          <div className="nav-heading">Instance</div>
          <NavItem href="/admin/jobs" icon={<TimerIcon />} onNavigate={onNavigate}>
            Jobs
          </NavItem>
          <NavItem href="/admin/audit" icon={<ListIcon />} onNavigate={onNavigate}>
            Instance audit
          </NavItem>
        </nav>
      )}
      <div className="sidebar-footer">
        <UserMenu onNavigate={onNavigate} />
      </div>
    </div>
  );
}
