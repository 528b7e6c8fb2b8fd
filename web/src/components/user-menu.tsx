import { Link, useLocation } from 'wouter';
import { api } from '../api';
import { clearApiCache } from '../hooks/use-api';
import { useSession } from '../hooks/use-session';
import { initials } from '../lib/format';
import { Dropdown } from './dropdown';
import { CodeIcon, LogOutIcon, UserIcon } from './icons';

/** Opened by a button showing the person's name and email; holds Account and Log out. */
export function UserMenu({ onNavigate }: { onNavigate?: () => void }) {
  const { me } = useSession();
  const [, navigate] = useLocation();
  const { user } = me;

  const logOut = async () => {
    try {
      await api.logout();
    } catch {
      // Already logged out (expired session): the destination is the same.
    }
    clearApiCache();
    navigate('/login', { replace: true });
  };

  return (
    <Dropdown
      placement="above"
      triggerClassName="user-button"
      trigger={
        <>
          <span className="avatar" aria-hidden="true">
            {initials(user.name || user.email)}
          </span>
          <span className="user-button-text">
            {user.name && <span className="user-button-name">{user.name}</span>}
            <span className="user-button-email">{user.email}</span>
          </span>
        </>
      }
    >
      {(close) => (
        <>
          <Link
            href="/account"
            className="dropdown-item"
            onClick={() => {
              close();
              onNavigate?.();
            }}
          >
            <UserIcon />
            <span className="dropdown-item-text">Account</span>
          </Link>
          <a href="/api/openapi.json" className="dropdown-item" target="_blank" rel="noreferrer" onClick={close}>
            <CodeIcon />
            <span className="dropdown-item-text">API reference (OpenAPI)</span>
          </a>
          <div className="dropdown-separator" role="separator" />
          <button type="button" className="dropdown-item" onClick={() => void logOut()}>
            <LogOutIcon />
            <span className="dropdown-item-text">Log out</span>
          </button>
        </>
      )}
    </Dropdown>
  );
}
