// Staff log-in, log-out, password and session (/api/auth/*). A session's CSRF token is kept by
// core.ts for every later staff request.

import type * as schemas from '../../../signaling/http/schemas.ts';
import { ApiError, csrfHeader, request, setCsrfToken, staff, type S } from './core.ts';

export type Role = S<typeof schemas.UserRoleT>;
export type Session = S<typeof schemas.MeView>;
export type User = Session['user'];

export const authApi = {
  async login(username: string, password: string): Promise<Session> {
    // Not through staff(): a 401 here means bad credentials, not an expired session.
    const s = await request<Session>('/api/auth/login', {
      method: 'POST',
      body: { username, password },
      headers: csrfHeader(),
    });
    setCsrfToken(s.csrfToken);
    return s;
  },
  async logout(): Promise<void> {
    try {
      await request<void>('/api/auth/logout', { method: 'POST', headers: csrfHeader() });
    } finally {
      setCsrfToken('');
    }
  },
  /** Changes the user's own password; its other sessions end, this one stays. */
  changePassword: (currentPassword: string, newPassword: string) =>
    staff<void>('/api/auth/password', { method: 'POST', body: { currentPassword, newPassword } }),
  /** Current session, or null when not logged in. */
  async me(): Promise<Session | null> {
    try {
      const s = await request<Session>('/api/auth/me');
      setCsrfToken(s.csrfToken);
      return s;
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return null;
      throw err;
    }
  },
};
