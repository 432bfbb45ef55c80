// Staff of the centre's units for the intake tests: an account is created by the administrator
// through the API (in the primary unit) and then placed in its unit — the unit staff API is
// another part of #15; here only the unit membership (User.orgId) matters.
import { firstLogin, sharedStaffSession, StaffClient, type TestServer } from '../support/server.ts';

export type UnitRole = 'DISPATCHER' | 'GRID_WORKER' | 'MEDIATOR' | 'UNIT_HEAD';

export async function unitStaff(server: TestServer, unitCode: string, role: UnitRole, username: string, displayName: string) {
  const admin = await sharedStaffSession(server.url, server.admin);
  const password = `Desk-${role.toLowerCase()}-2026x`;
  const initial = `${password}-initial`;
  const { user } = await admin.json<{ user: { id: string } }>('POST', '/api/users', { username, displayName, role, password: initial }, 201);
  const unit = await server.ctx.db.organisation.findFirstOrThrow({ where: { code: unitCode } });
  await server.ctx.db.user.update({ where: { id: user.id }, data: { orgId: unit.id } });
  const client = await firstLogin(new StaffClient(server.url), username, initial, password);
  return { id: user.id, unitId: unit.id, client, password };
}
