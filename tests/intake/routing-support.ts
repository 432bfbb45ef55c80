// Staff of the centre's units and registered matters for the 分流 tests: accounts are made in the
// database (the unit staff API is another item's) and log in through the real API; matters are
// registered with the core's registerMatter, as every channel does.
import { hashPassword } from '../../signaling/auth/password.ts';
import type { Db } from '../../signaling/db.ts';
import type { UserRole } from '../../signaling/domain/vocabulary.ts';
import { registerMatter, type NewMatter } from '../../signaling/intake/registration.ts';
import { StaffClient } from '../support/server.ts';

export const STAFF_PASSWORD = 'Routing-2026-pass';

export interface UnitStaff {
  id: string;
  orgId: string;
  username: string;
  displayName: string;
  role: UserRole;
}

export async function unitIdOf(db: Db, code: string): Promise<string> {
  return (await db.organisation.findFirstOrThrow({ where: { code } })).id;
}

let passwordHash: Promise<string> | null = null;

/** An active account in the unit with that code (no first-login change pending). */
export async function addUnitStaff(db: Db, unitCode: string, role: UserRole, username: string, displayName: string): Promise<UnitStaff> {
  passwordHash ??= hashPassword(STAFF_PASSWORD);
  const orgId = await unitIdOf(db, unitCode);
  const u = await db.user.create({ data: { username, displayName, role, orgId, passwordHash: await passwordHash } });
  return { id: u.id, orgId, username, displayName, role };
}

export async function loginAs(baseUrl: string, user: UnitStaff): Promise<StaffClient> {
  const client = new StaffClient(baseUrl);
  const res = await client.login(user.username, STAFF_PASSWORD);
  if (!res.ok) throw new Error(`login ${user.username}: ${res.status} ${await res.text()}`);
  return client;
}

export async function registerTestMatter(db: Db, dispatcher: UnitStaff, overrides: Partial<NewMatter> = {}, at = new Date()) {
  const centre = await db.organisation.findUniqueOrThrow({ where: { id: dispatcher.orgId }, select: { centreId: true } });
  return db.$transaction((tx) =>
    registerMatter(tx, {
      centreId: centre.centreId!,
      channel: 'WINDOW',
      disputeType: 'PROPERTY_SERVICE',
      title: '物业费与漏水维修纠纷',
      summary: '业主因楼上漏水未修拒交物业费',
      areaCode: '150204001001',
      registeredById: dispatcher.id,
      owner: { unitId: dispatcher.orgId, userId: dispatcher.id },
      parties: [
        { role: 'APPLICANT', name: '王某', phone: '13800000001' },
        { role: 'RESPONDENT', kind: 'ORGANISATION', name: '青山物业服务有限公司' },
      ],
      at,
      actorLabel: `${dispatcher.displayName}（中心受理员）`,
      ...overrides,
    }),
  );
}
