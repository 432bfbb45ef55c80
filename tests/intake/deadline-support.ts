// Helpers of the 限时办结 tests: staff of a given unit of the centre (written directly, as the units'
// staff UI is another part's), and matters registered through the core's registerMatter — the same
// function every intake channel calls — at a chosen instant.
import type { Db } from '../../signaling/db.ts';
import { hashPassword } from '../../signaling/auth/password.ts';
import { registerMatter } from '../../signaling/intake/registration.ts';
import type { DisputeType, UserRole } from '../../signaling/domain/vocabulary.ts';
import { StaffClient } from '../support/server.ts';

export interface UnitStaff {
  id: string;
  unitId: string;
  client: StaffClient;
}

export async function staffInUnit(
  db: Db,
  baseUrl: string,
  who: { username: string; displayName: string; role: UserRole; unitCode: string; password?: string },
): Promise<UnitStaff> {
  const unit = await db.organisation.findFirstOrThrow({ where: { code: who.unitCode } });
  const password = who.password ?? 'Deadline-test-2026';
  const user = await db.user.create({
    data: { username: who.username, displayName: who.displayName, role: who.role, passwordHash: await hashPassword(password), orgId: unit.id },
  });
  const client = new StaffClient(baseUrl);
  const res = await client.login(who.username, password);
  if (!res.ok) throw new Error(`login ${who.username} → ${res.status}: ${await res.text()}`);
  return { id: user.id, unitId: unit.id, client };
}

export async function registerAt(
  db: Db,
  owner: { id: string; unitId: string },
  at: Date,
  opts: { disputeType?: DisputeType; title?: string } = {},
): Promise<{ id: string; stageDueAt: Date }> {
  const centre = await db.centre.findFirstOrThrow();
  const m = await db.$transaction((tx) =>
    registerMatter(tx, {
      centreId: centre.id,
      channel: 'WINDOW',
      disputeType: opts.disputeType ?? 'PROPERTY_SERVICE',
      title: opts.title ?? '物业费纠纷',
      summary: '业主与物业公司就物业费发生争议',
      registeredById: owner.id,
      owner: { unitId: owner.unitId, userId: owner.id },
      parties: [{ role: 'APPLICANT', name: '张某' }],
      at,
      actorLabel: '受理员（测试）',
    }),
  );
  return { id: m.id, stageDueAt: m.stageDueAt };
}

/** The matter's history steps of these types, oldest first, with their data. */
export async function steps(
  db: Db,
  matterId: string,
  types: string[],
): Promise<{ type: string; at: Date; actorLabel: string; data: Record<string, unknown> }[]> {
  const rows = await db.matterEvent.findMany({ where: { matterId, type: { in: types } }, orderBy: { id: 'asc' } });
  return rows.map((r) => ({ type: r.type, at: r.at, actorLabel: r.actorLabel, data: JSON.parse(r.data) as Record<string, unknown> }));
}
