// Staff in the centre's units for the intake tests: an administrator makes an account in a unit
// (by its code in the centre's list) and the account logs in, changing the password it was given.
import type { TestServer } from '../support/server.ts';
import { firstLogin, sharedStaffSession, StaffClient } from '../support/server.ts';

export type StaffRoleName = 'ADMIN' | 'MEDIATOR' | 'JUDGE' | 'DISPATCHER' | 'UNIT_HEAD' | 'GRID_WORKER';

export async function unitIdOf(server: TestServer, code: string): Promise<string> {
  return (await server.ctx.db.organisation.findFirstOrThrow({ where: { code } })).id;
}

export async function createUnitStaff(
  server: TestServer,
  unitId: string,
  user: { username: string; displayName: string; role: StaffRoleName; password: string },
): Promise<{ id: string; client: StaffClient }> {
  const admin = await sharedStaffSession(server.url, server.admin);
  const initialPassword = `${user.password}-initial`;
  const created = (await admin.json('POST', '/api/users', { ...user, password: initialPassword, unitId }, 201)).user as { id: string };
  const client = await firstLogin(new StaffClient(server.url), user.username, initialPassword, user.password);
  return { id: created.id, client };
}
