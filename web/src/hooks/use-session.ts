import { createContext, useContext } from 'react';
import type { Me } from '../api';

export interface SessionValue {
  me: Me;
  /** Refetches /api/auth/me (after creating, renaming or leaving an organisation). */
  reload: () => Promise<void>;
}

export const SessionContext = createContext<SessionValue | null>(null);

/** The logged-in user and their organisations; only inside the authenticated part of the app. */
export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession must be used inside <SessionProvider>');
  return value;
}
