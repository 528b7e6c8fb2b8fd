import type { ReactNode } from 'react';
import { LogoIcon } from './icons';
import { ThemeToggle } from './theme-toggle';

interface Props {
  title: string;
  description?: ReactNode;
  children: ReactNode;
  footer?: ReactNode;
}

/** The centred card used by set-up, login and invitations. */
export function AuthLayout({ title, description, children, footer }: Props) {
  return (
    <div className="auth-page">
      <div className="auth-top">
        <span className="brand">
          <span className="brand-mark">
            <LogoIcon size={18} />
          </span>
          Watchpost
        </span>
        <ThemeToggle />
      </div>
      <main className="auth-main">
        <div className="card auth-card">
          <h1 className="auth-title">{title}</h1>
          {description && <div className="auth-description">{description}</div>}
          {children}
        </div>
        {footer && <div className="auth-footer">{footer}</div>}
      </main>
    </div>
  );
}
