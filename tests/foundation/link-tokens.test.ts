// Party link tokens: valid, expired, revoked, tampered and used for another case — each
// rejected with its own clear error and an audit entry; through real HTTP and SQLite.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failedLinks } from '../../signaling/cases/failed-links.ts';
import { resolveLink } from '../../signaling/cases/link-resolution.ts';
import { DomainError } from '../../signaling/errors.ts';
import { acceptPrivacy, createStaffUser, makeIdNumber, startTestServer, StaffClient, type TestServer } from '../support/server.ts';

describe('party link tokens', () => {
  let server: TestServer;
  let mediator: StaffClient;
  let caseA: string;
  let caseB: string;
  let partyA: string;

  beforeAll(async () => {
    server = await startTestServer();
    const admin = new StaffClient(server.url);
    await admin.login(server.admin.username, server.admin.password);
    mediator = (await createStaffUser(admin, { username: 'lirf', displayName: '李瑞芳', role: 'MEDIATOR', password: 'mediator-pass-1' })).client;
    caseA = (await mediator.json('POST', '/api/cases', { title: '王某家漏水纠纷', disputeType: 'NEIGHBOUR', summary: '6楼直饮水管道多次漏水' }, 201)).case.id;
    caseB = (await mediator.json('POST', '/api/cases', { title: '另一案件', disputeType: 'GENERAL', summary: '无关' }, 201)).case.id;
    partyA = (
      await mediator.json(
        'POST',
        `/api/cases/${caseA}/participants`,
        { role: 'RESPONDENT', side: 'B', name: '王某', phone: '13800138000', idNumber: makeIdNumber('15020419800101123') },
        201,
      )
    ).participant.id;
  });
  afterAll(() => server?.close());

  const invite = async (body: Record<string, unknown> = {}) =>
    (await mediator.json('POST', `/api/cases/${caseA}/invitations`, { participantId: partyA, ...body }, 201)).invitation as { id: string; url: string };
  const tokenOf = (url: string) => url.split('/j/')[1]!;
  const partyGet = (token: string) => fetch(`${server.url}/api/party/me`, { headers: { authorization: `Bearer ${token}` } });
  const rejections = () => server.ctx.db.auditEntry.findMany({ where: { type: 'INVITATION_REJECTED' }, orderBy: { seq: 'asc' } });

  async function expectRejected(token: string, code: string, message: RegExp, caseId: string | null) {
    await failedLinks(server.ctx).flush(); // earlier attempts' summary first
    const before = (await rejections()).length;
    const res = await partyGet(token);
    const body = await res.json();
    expect(res.status).toBe(code === 'TOKEN_WRONG_CASE' ? 403 : 401);
    expect(body.code).toBe(code);
    expect(body.message).toMatch(message);
    // Rejections are summarised per window (tests/operations/failed-links.test.ts): end this one.
    await failedLinks(server.ctx).flush();
    const after = await rejections();
    expect(after).toHaveLength(before + 1);
    expect(JSON.parse(after.at(-1)!.data)).toMatchObject({ reason: code, count: 1 });
    expect(after.at(-1)!.caseId).toBe(caseId);
  }

  it('a valid link shows the case and the party; opening /j/<token> is logged as a use', async () => {
    const inv = await invite();
    expect(inv.url).toMatch(new RegExp(`^${server.url}/j/`));
    const page = await fetch(inv.url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const me = await (await partyGet(tokenOf(inv.url))).json();
    expect(me.case.title).toBe('王某家漏水纠纷');
    expect(me.participant).toMatchObject({ name: '王某', role: 'RESPONDENT', side: 'B', identityConfirmed: false });
    const uses = await server.ctx.db.invitationUse.count({ where: { invitationId: inv.id } });
    expect(uses).toBe(1);
    expect(await server.ctx.db.auditEntry.count({ where: { type: 'INVITATION_USED', caseId: caseA } })).toBe(1);
  });

  it('rejects a tampered token', async () => {
    const token = tokenOf((await invite()).url);
    const last = token.at(-1) === 'A' ? 'B' : 'A';
    await expectRejected(token.slice(0, -1) + last, 'TOKEN_INVALID', /无效/, null);
  });

  it('rejects a token pointing at another invitation id', async () => {
    const a = tokenOf((await invite()).url);
    const b = tokenOf((await invite()).url);
    await expectRejected(`${a.split('.')[0]}.${b.split('.')[1]}`, 'TOKEN_INVALID', /无效/, null);
  });

  it('rejects a malformed token', async () => {
    await expectRejected('not-a-token', 'TOKEN_MALFORMED', /格式错误/, null);
  });

  it('rejects an expired token and audits it against its case', async () => {
    const inv = await invite({ expiresInDays: 1 });
    await server.ctx.db.invitation.update({ where: { id: inv.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await expectRejected(tokenOf(inv.url), 'TOKEN_EXPIRED', /过期/, caseA);
    expect((await fetch(inv.url)).status).toBe(401);
  });

  it('rejects a revoked token', async () => {
    const inv = await invite();
    const revoked = await mediator.json('POST', `/api/cases/${caseA}/invitations/${inv.id}/revoke`);
    expect(revoked.invitation.revokedAt).not.toBeNull();
    await expectRejected(tokenOf(inv.url), 'TOKEN_REVOKED', /撤销/, caseA);
    const again = await mediator.request('POST', `/api/cases/${caseA}/invitations/${inv.id}/revoke`);
    expect(again.status).toBe(409);
  });

  it('rejects a token used for another case', async () => {
    const token = tokenOf((await invite()).url);
    await failedLinks(server.ctx).flush();
    const before = (await rejections()).length;
    const err = await resolveLink(server.ctx, token, { ip: '127.0.0.1', userAgent: 'test', expectCaseId: caseB }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe('TOKEN_WRONG_CASE');
    expect((err as DomainError).message).toBe('该链接不属于此案件');
    await failedLinks(server.ctx).flush();
    const after = await rejections();
    expect(after).toHaveLength(before + 1);
    expect(after.at(-1)!.caseId).toBe(caseA);
  });

  it('stores only a keyed hash of the link secret', async () => {
    const inv = await invite();
    const secret = tokenOf(inv.url).split('.')[1]!;
    const row = await server.ctx.db.invitation.findUniqueOrThrow({ where: { id: inv.id } });
    expect(row.secretHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(secret);
  });

  it('lists invitations with use counts but never the token', async () => {
    const { invitations } = await mediator.json('GET', `/api/cases/${caseA}/invitations`);
    expect(invitations.length).toBeGreaterThan(3);
    expect(invitations.some((i: { useCount: number }) => i.useCount >= 1)).toBe(true);
    expect(JSON.stringify(invitations)).not.toMatch(/\/j\//);
  });

  it('a party confirms identity (name + last 4 of ID) and only then consents; both audited', async () => {
    const token = tokenOf((await invite()).url);
    const post = (url: string, body: unknown) =>
      fetch(server.url + url, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const early = await post('/api/party/consent', { consent: true });
    expect(early.status).toBe(409);
    expect((await early.json()).code).toBe('IDENTITY_NOT_CONFIRMED');
    await acceptPrivacy(server.url, token, []);
    const wrong = await post('/api/party/confirm-identity', { name: '王某', idLast4: '0000' });
    expect(wrong.status).toBe(400);
    expect((await wrong.json()).code).toBe('IDENTITY_MISMATCH');
    const idNumber = makeIdNumber('15020419800101123');
    const ok = await post('/api/party/confirm-identity', { name: '王某', idLast4: idNumber.slice(-4) });
    expect(ok.status).toBe(200);
    expect((await ok.json()).participant.identityConfirmed).toBe(true);
    const consent = await post('/api/party/consent', { consent: true });
    expect((await consent.json()).participant.consentGiven).toBe(true);
    const types = (await server.ctx.db.auditEntry.findMany({ where: { caseId: caseA }, select: { type: true } })).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['PARTY_IDENTITY_FAILED', 'PARTY_IDENTITY_CONFIRMED', 'PARTY_CONSENT_GIVEN']));
  });
});
