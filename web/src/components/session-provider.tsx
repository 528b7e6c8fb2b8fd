import { useMemo, type ReactNode } from 'react';
import { ApiError, api } from '../api';
import { useApi } from '../hooks/use-api';
import { SessionContext } from '../hooks/use-session';
import { LoadError, Loading } from './loading';

/** Loads who is logged in; until then the app shows a spinner (a 401 sends the person to /login). */
export function SessionProvider({ children }: { children: ReactNode }) {
  const me = useApi('/auth/me', (signal) => api.me(signal));
  const value = useMemo(() => (me.data ? { me: me.data, reload: me.reload } : null), [me.data, me.reload]);

  if (!value) {
    const authError = me.error instanceof ApiError && me.error.isAuth;
    return <div className="full-page">{me.error && !authError ? <LoadError error={me.error} onRetry={() => void me.reload()} /> : <Loading />}</div>;
  }
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}
