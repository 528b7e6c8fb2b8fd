import { useEffect, useState, type ReactNode } from 'react';
import { useLocation } from 'wouter';
import { useCurrentOrg, useOrgSlug } from '../hooks/use-current-org';
import { CodeIcon, MenuIcon } from './icons';
import { ProjectSwitcher } from './project-switcher';
import { Sidebar } from './sidebar';
import { ThemeToggle } from './theme-toggle';

/** The logged-in shell: sidebar navigation, a top bar with the project switcher, the page. */
export function AppLayout({ children }: { children: ReactNode }) {
  const [navOpen, setNavOpen] = useState(false);
  const [location] = useLocation();
  const org = useCurrentOrg();
  const inOrg = useOrgSlug() !== null;

  // Each page starts at the top, and the mobile drawer closes on navigation.
  useEffect(() => {
    window.scrollTo(0, 0);
    setNavOpen(false);
  }, [location]);

  useEffect(() => {
    if (!navOpen) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') setNavOpen(false);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [navOpen]);

  return (
    <div className={`app ${navOpen ? 'nav-open' : ''}`}>
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <aside className="sidebar" aria-label="Sidebar">
        <Sidebar onNavigate={() => setNavOpen(false)} />
      </aside>
      {navOpen && <div className="scrim" onClick={() => setNavOpen(false)} aria-hidden="true" />}
      <div className="app-main">
        <header className="topbar">
          <button type="button" className="btn btn-ghost btn-icon nav-toggle" onClick={() => setNavOpen(true)} aria-label="Open navigation">
            <MenuIcon />
          </button>
          <div className="topbar-crumbs">
            {org && inOrg && (
              <>
                <span className="crumb">{org.name}</span>
                <span className="crumb-sep" aria-hidden="true">
                  /
                </span>
                <ProjectSwitcher org={org} />
              </>
            )}
          </div>
          <div className="topbar-actions">
            <a className="btn btn-ghost btn-sm" href="/api/openapi.json" target="_blank" rel="noreferrer" title="OpenAPI document, for scripts">
              <CodeIcon />
              API
            </a>
            <ThemeToggle />
          </div>
        </header>
        <main id="main" className="content" tabIndex={-1}>
          {children}
        </main>
      </div>
    </div>
  );
}
