/**
 * Who is signed in. The API key is exchanged once for an HttpOnly session cookie (POST
 * /api/session); the page keeps only the session's CSRF token, in memory, and asks the API for it
 * again on load (GET /api/session), so a reload stays signed in without the key being stored.
 */
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { api, onSignedOut, setCsrfToken, unwrap } from './api/client';
import type { paths } from './api/schema';

export type User = paths['/api/session']['get']['responses']['200']['content']['application/json']['user'];

interface SessionState {
  /** undefined while the API is asked; null when nobody is signed in. */
  user: User | null | undefined;
  signIn: (apiKey: string) => Promise<void>;
  signOut: () => Promise<void>;
}

const SessionContext = createContext<SessionState | undefined>(undefined);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null | undefined>(undefined);

  useEffect(() => {
    api
      .GET('/api/session')
      .then(({ data }) => {
        setCsrfToken(data?.session?.csrf_token ?? null);
        setUser(data?.user ?? null);
      })
      .catch(() => setUser(null));
    return onSignedOut(() => {
      setCsrfToken(null);
      setUser(null);
    });
  }, []);

  const signIn = useCallback(async (apiKey: string) => {
    const session = await unwrap(api.POST('/api/session', { body: { api_key: apiKey } }));
    setCsrfToken(session.csrf_token);
    setUser(session.user);
  }, []);

  const signOut = useCallback(async () => {
    await unwrap(api.DELETE('/api/session'));
    setCsrfToken(null);
    setUser(null);
  }, []);

  return <SessionContext.Provider value={{ user, signIn, signOut }}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const state = useContext(SessionContext);
  if (!state) throw new Error('useSession outside SessionProvider');
  return state;
}
