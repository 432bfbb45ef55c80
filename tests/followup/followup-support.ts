// A case of one unit of the centre (物业纠纷调解委员会, code "property") with its staff, staff of
// another unit and of the centre's office, and two parties who confirmed identity on their links —
// the cast of the 评价 and 回访 tests. Staff accounts are written directly (the unit staff UI is
// another part's) and log in through the real API; the case and its parties go through the API.
import { hashPassword } from '../../signaling/auth/password.ts';
import type { UserRole } from '../../signaling/domain/vocabulary.ts';
import { addConfirmedParty, StaffClient, type SeededParty, type TestServer } from '../support/server.ts';

export const STAFF_PASSWORD = 'Followup-test-2026';

export interface Staff {
  id: string;
  unitId: string;
  username: string;
  client: StaffClient;
}

let hash: Promise<string> | null = null;

export async function staffIn(server: TestServer, unitCode: string, role: UserRole, username: string, displayName: string): Promise<Staff> {
  hash ??= hashPassword(STAFF_PASSWORD);
  const unit = await server.ctx.db.organisation.findFirstOrThrow({ where: { code: unitCode } });
  const user = await server.ctx.db.user.create({ data: { username, displayName, role, orgId: unit.id, passwordHash: await hash } });
  const client = new StaffClient(server.url);
  const res = await client.login(username, STAFF_PASSWORD);
  if (!res.ok) throw new Error(`login ${username} → ${res.status}: ${await res.text()}`);
  return { id: user.id, unitId: unit.id, username, client };
}

export interface Cast {
  mediator: Staff;
  head: Staff;
  otherUnit: Staff;
  dispatcher: Staff;
}

/** Staff of the case's unit, of another unit and of the centre; `tag` keeps usernames apart when a file makes several. */
export async function castOf(server: TestServer, tag = ''): Promise<Cast> {
  return {
    mediator: await staffIn(server, 'property', 'MEDIATOR', `zhoutj${tag}`, '周调解'),
    head: await staffIn(server, 'property', 'UNIT_HEAD', `wufz${tag}`, '吴负责'),
    otherUnit: await staffIn(server, 'family', 'MEDIATOR', `zhengtj${tag}`, '郑调解'),
    dispatcher: await staffIn(server, 'centre-office', 'DISPATCHER', `wangsl${tag}`, '王受理'),
  };
}

export interface RatedCase {
  caseId: string;
  a: SeededParty;
  b: SeededParty;
}

/** A case of the mediator's unit with 申请人 李某 (A) and 被申请人 王某 (B), both confirmed on their links. */
export async function caseWithParties(mediator: Staff, title = '物业费与漏水维修纠纷'): Promise<RatedCase> {
  const caseId = (await mediator.client.json('POST', '/api/cases', { title, disputeType: 'PROPERTY_SERVICE', summary: '业主因楼上漏水未修拒交物业费' }, 201))
    .case.id as string;
  const a = await addConfirmedParty(mediator.client, caseId, { name: '李某', side: 'A', role: 'APPLICANT', id17: '15020419750312101' });
  const b = await addConfirmedParty(mediator.client, caseId, { name: '王某', side: 'B', role: 'RESPONDENT', id17: '15020419800101123' });
  return { caseId, a, b };
}

/** A call over a party's link: status and parsed body. */
export async function asParty(baseUrl: string, token: string, method: string, url: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(baseUrl + url, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** A staff call: status and parsed body. */
export async function asStaff(staff: Staff, method: string, url: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await staff.client.request(method, url, body);
  const text = await res.text();
  return { status: res.status, body: text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text };
}

/** The mediator ends the mediation by hand (调解不成): the case is concluded. */
export async function failCase(mediator: Staff, caseId: string): Promise<void> {
  await mediator.client.json('POST', `/api/cases/${caseId}/transition`, { to: 'FAILED', reason: '双方分歧较大，未能达成协议' });
}
