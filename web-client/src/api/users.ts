// Staff accounts, managed by the administrator (/api/users).

import type * as schemas from '../../../signaling/http/schemas.ts';
import type { Role } from './auth.ts';
import { enc, staff, type S } from './core.ts';

export type ManagedUser = S<typeof schemas.UserView>;

export const usersApi = {
  users: () => staff<{ users: ManagedUser[] }>('/api/users').then((r) => r.users),
  createUser: (u: { username: string; displayName: string; role: Role; password: string }) =>
    staff<{ user: ManagedUser }>('/api/users', { method: 'POST', body: u }).then((r) => r.user),
  updateUser: (id: string, patch: { displayName?: string; active?: boolean; password?: string }) =>
    staff<{ user: ManagedUser }>(`/api/users/${enc(id)}`, { method: 'PATCH', body: patch }).then((r) => r.user),
};
