// A party whose link does not work is told whom to call: for a genuine link (revoked, expired) the
// case's unit with the phone its administrator set, and the mediator; for a garbled or unknown
// link only the centre — never a name from a case the caller cannot prove it belongs to.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedLeakCase, sharedStaffSession, startTestServer, type StaffClient, type TestServer } from '../support/server.ts';

let server: TestServer;
let admin: StaffClient;
let mediator: StaffClient;
let caseId: string;
let token: string;
let participantId: string;

const contact = async (authorization?: string) => {
  const res = await fetch(`${server.url}/api/party/contact`, { headers: authorization ? { authorization } : {} });
  return { status: res.status, body: (await res.json()) as { unit: { name: string; phone: string | null }; mediator: string | null; code?: string } };
};

beforeAll(async () => {
  server = await startTestServer();
  admin = await sharedStaffSession(server.url, server.admin);
  const seeded = await seedLeakCase(server);
  ({ mediator, caseId } = seeded);
  token = seeded.parties[0]!.token;
  participantId = seeded.parties[0]!.id;
}, 60_000);
afterAll(async () => server?.close());

describe('whom a party calls when its link does not work', () => {
  it('the administrator sets the unit phone (validated, audited); staff who are not admins cannot', async () => {
    const bad = await admin.request('PUT', '/api/org', { phone: '打电话' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toContain('联系电话');
    expect((await mediator.request('PUT', '/api/org', { phone: '0472-5126688' })).status).toBe(403);
    const ok = await admin.json('PUT', '/api/org', { phone: '0472-5126688' }, 200);
    expect(ok.org.phone).toBe('0472-5126688');
    expect(await server.ctx.db.auditEntry.count({ where: { type: 'ORG_PHONE_UPDATED' } })).toBe(1);
  });

  it('a revoked link still names its unit, phone and mediator', async () => {
    const invitation = (await mediator.json('GET', `/api/cases/${caseId}/invitations`)).invitations.find(
      (i: { participantId: string }) => i.participantId === participantId,
    );
    await mediator.json('POST', `/api/cases/${caseId}/invitations/${invitation.id}/revoke`, {}, 200);
    expect((await fetch(`${server.url}/api/party/me`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
    const { status, body } = await contact(`Bearer ${token}`);
    expect(status).toBe(200);
    expect(body).toEqual({ unit: { name: expect.stringContaining('调解'), phone: '0472-5126688' }, mediator: '李瑞芳' });
  });

  it('a garbled, forged or missing link gets only the centre', async () => {
    const forged = `${token.split('.')[0]}.${'A'.repeat(32)}`;
    for (const auth of ['Bearer not-a-link', `Bearer ${forged}`, undefined]) {
      const { status, body } = await contact(auth);
      expect(status).toBe(200);
      expect(body.mediator).toBeNull();
      expect(body.unit.phone).toBe('0472-5126688');
    }
  });
});
