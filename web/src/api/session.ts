import { useQuery, useQueryClient } from '@tanstack/react-query';
import { setCsrfToken } from './client.ts';
import { call } from './typed.ts';
import type { Role, SessionInfo, SessionUser } from './types.ts';
import { clearAllDrafts, setDraftOwner } from '../pages/cancel/wizardDraft.ts';

export const SESSION_KEY = ['session'] as const;

export async function fetchSession(): Promise<SessionInfo> {
  const session = await call('get', '/api/auth/session', { quiet401: true });
  setCsrfToken(session.csrfToken);
  setDraftOwner(session.user?.id);
  return session;
}

/** The signed-in user (or null) and the CSRF token, fetched once and kept fresh. */
export function useSession() {
  return useQuery({ queryKey: SESSION_KEY, queryFn: fetchSession, staleTime: 60_000 });
}

export function hasRole(user: SessionUser | null | undefined, role: Role): boolean {
  if (!user) return false;
  return user.roles.includes(role) || user.roles.includes('admin');
}

/** Where a user lands after signing in. */
export function homeFor(user: SessionUser): string {
  if (user.roles.includes('admin')) return '/admin';
  if (user.roles.includes('reviewer')) return '/review';
  return '/account';
}

/** After sign-in, reauth or sign-out: take the new token and refetch everything for the new identity. */
export function useSessionRefresh() {
  const client = useQueryClient();
  return async (csrfToken?: string | null) => {
    if (csrfToken !== undefined) setCsrfToken(csrfToken);
    await client.invalidateQueries({ queryKey: SESSION_KEY });
    return client.fetchQuery({ queryKey: SESSION_KEY, queryFn: fetchSession });
  };
}

export function useSignOutReset() {
  const client = useQueryClient();
  return () => {
    setCsrfToken(null);
    setDraftOwner(null);
    clearAllDrafts();
    // How one signs in does not change with signing out: keep the methods the server named.
    const methods = client.getQueryData<SessionInfo>(SESSION_KEY)?.methods ?? ['password'];
    client.clear();
    client.setQueryData(SESSION_KEY, { user: null, csrfToken: null, methods } satisfies SessionInfo);
  };
}
