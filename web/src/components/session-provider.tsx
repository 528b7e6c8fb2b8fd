import { useMemo, type ReactNode } from 'react';
import { Redirect } from 'wouter';
import { ApiError, api } from '../api';
import { useApi } from '../hooks/use-api';
import { SessionContext } from '../hooks/use-session';
import { useSessionProbe } from '../hooks/use-session-probe';
import { loginHref } from '../lib/url';
import { LoadError, Loading } from './loading';

/**
 * Loads who is logged in; until then the app shows a spinner. The probe decides first, so a
 * logged-out visitor goes to /login without a 401 in the console; only then /auth/me adds the
 * organisations.
 */
export function SessionProvider({ children }: { children: ReactNode }) {
  const probe = useSessionProbe();
  const me = useApi(probe.data?.user ? '/auth/me' : null, (signal) => api.me(signal));
  const value = useMemo(() => (me.data ? { me: me.data, reload: me.reload } : null), [me.data, me.reload]);

  // Wait for a fresh answer: a cached "nobody" may be older than a login in another tab.
  if (probe.data?.user === null && !probe.refreshing) return <Redirect to={loginHref()} replace />;
  if (!value) {
    const error = probe.error ?? me.error;
    // A 401 from /auth/me (the session ended in between) is already on its way to /login.
    const authError = error instanceof ApiError && error.isAuth;
    const retry = () => void (probe.error ? probe.reload() : me.reload());
    return <div className="full-page">{error && !authError ? <LoadError error={error} onRetry={retry} /> : <Loading />}</div>;
  }
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}
