// Staff session (logged-in user) context.
import { createContext, useContext } from 'react';
import type { Role, User } from './api.ts';

export interface SessionValue {
  user: User | null;
  setUser(user: User | null): void;
  logout(): Promise<void>;
}

export const SessionContext = createContext<SessionValue | null>(null);

export function useSession(): SessionValue {
  const v = useContext(SessionContext);
  if (!v) throw new Error('useSession outside SessionContext');
  return v;
}

/** Landing page for a role after login. */
export function homeFor(role: Role): string {
  if (role === 'GRID_WORKER') return '/intake/grid';
  if (role === 'DISPATCHER') return '/intake/desk';
  return role === 'ADMIN' ? '/admin' : '/';
}
