// The accounts area: administrators manage staff accounts on /api/users; staff log in and out,
// read themselves and change their own password on /api/auth (signaling/auth/routes.ts).
import { authRoutes } from '../auth/routes.ts';
import type { AppContext } from '../context.ts';
import type { ApiArea } from '../http/api-area.ts';
import { userRoutes } from './routes.ts';
import { UserService } from './user-service.ts';

export function usersArea(ctx: AppContext): ApiArea & { users: UserService } {
  const users = new UserService(ctx);
  return {
    name: 'users',
    routes: [
      { prefix: '/auth', plugin: authRoutes(ctx, users) },
      { prefix: '/users', plugin: userRoutes(users) },
    ],
    users,
  };
}
