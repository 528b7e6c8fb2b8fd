import type { ReactNode } from 'react';
import { Link, useLocation } from 'wouter';
import { useCurrentOrg } from '../hooks/use-current-org';
import { useSession } from '../hooks/use-session';
import { NEEDS, roleAtLeast } from '../lib/roles';
import { FolderIcon, KeyIcon, ListIcon, LogoIcon, ScrollIcon, SettingsIcon, TimerIcon, UsersIcon } from './icons';
import { OrgSwitcher } from './org-switcher';
import { UserMenu } from './user-menu';

interface NavItemProps {
  href: string;
  icon: ReactNode;
  children: string;
  onNavigate?: () => void;
}

function NavItem({ href, icon, children, onNavigate }: NavItemProps) {
  const [location] = useLocation();
  // Sub-pages (a project's settings) keep their section highlighted.
  const active = location === href || location.startsWith(`${href}/`);
  return (
    <Link href={href} className="nav-item" aria-current={active ? 'page' : undefined} onClick={onNavigate}>
      {icon}
      <span>{children}</span>
    </Link>
  );
}

export function Sidebar({ onNavigate }: { onNavigate?: () => void }) {
  const { me } = useSession();
  const org = useCurrentOrg();
  const base = org ? `/orgs/${org.slug}` : null;

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
          <NavItem href={`${base}/projects`} icon={<FolderIcon />} onNavigate={onNavigate}>
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
