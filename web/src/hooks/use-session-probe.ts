import { api, type SessionInfo, type User } from '../api';
import { primeCache, useApi, type ApiState } from './use-api';

const KEY = '/auth/session';

/**
 * Who is logged in, if anyone, from the probe that never answers 401: asking /auth/me instead
 * would make every logged-out visit log a 401 in the browser console.
 */
export function useSessionProbe(enabled = true): ApiState<SessionInfo> {
  return useApi(enabled ? KEY : null, (signal) => api.session(signal));
}

/** After login, setup or joining, the caller already knows who is logged in: the app skips one round trip. */
export function primeSessionProbe(user: User): void {
  primeCache(KEY, { user } satisfies SessionInfo);
}
