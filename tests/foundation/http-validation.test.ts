// Malformed input on every route: 400 with a message, and nothing written to the database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaffUser, makeIdNumber, startTestServer, StaffClient, type TestServer } from '../support/server.ts';

describe('malformed bodies on every route', () => {
  let server: TestServer;
  let admin: StaffClient;
  let mediator: StaffClient;
  let caseId: string;
  let participantId: string;
  let token: string;
  let userId: string;

  beforeAll(async () => {
    server = await startTestServer();
    admin = new StaffClient(server.url);
    await admin.login(server.admin.username, server.admin.password);
    ({ id: userId, client: mediator } = await createStaffUser(admin, {
      username: 'med',
      displayName: '调解员',
      role: 'MEDIATOR',
      password: 'mediator-pass-1',
    }));
    caseId = (await mediator.json('POST', '/api/cases', { title: '物业费纠纷', disputeType: 'PROPERTY_SERVICE', summary: '拖欠物业费' }, 201)).case.id;
    participantId = (
      await mediator.json(
        'POST',
        `/api/cases/${caseId}/participants`,
        { role: 'APPLICANT', side: 'A', name: '张某', phone: '13900139000', idNumber: makeIdNumber('15020419900101123') },
        201,
      )
    ).participant.id;
    token = (await mediator.json('POST', `/api/cases/${caseId}/invitations`, { participantId }, 201)).invitation.url.split('/j/')[1];
  });
  afterAll(() => server?.close());

  async function snapshot() {
    const db = server.ctx.db;
    const [users, cases, participants, invitations, audit, sessions] = await Promise.all([
      db.user.findMany(),
      db.case.findMany(),
      db.participant.findMany(),
      db.invitation.findMany(),
      db.auditEntry.count(),
      db.userSession.count(),
    ]);
    return JSON.stringify({ users, cases, participants, invitations, audit, sessions });
  }

  type Who = 'admin' | 'mediator' | 'party' | 'anonymous';
  const cases: Array<[string, Who, string, string, unknown, string?]> = [
    ['login: missing password', 'anonymous', 'POST', '/api/auth/login', { username: 'x' }],
    ['login: not JSON', 'anonymous', 'POST', '/api/auth/login', '{"username":'],
    ['login: wrong types', 'anonymous', 'POST', '/api/auth/login', { username: 1, password: [] }],
    ['users: bad role', 'admin', 'POST', '/api/users', { username: 'abc', displayName: '甲', role: 'ROOT', password: 'long-enough-1' }],
    ['users: short password', 'admin', 'POST', '/api/users', { username: 'abcd', displayName: '甲', role: 'MEDIATOR', password: 'short' }],
    ['users: bad username', 'admin', 'POST', '/api/users', { username: '../x', displayName: '甲', role: 'MEDIATOR', password: 'long-enough-1' }],
    ['users: extra field', 'admin', 'POST', '/api/users', { username: 'abcd', displayName: '甲', role: 'MEDIATOR', password: 'long-enough-1', isRoot: true }],
    ['users patch: empty', 'admin', 'PATCH', '/api/users/USER', {}],
    ['users patch: wrong type', 'admin', 'PATCH', '/api/users/USER', { active: 'no' }],
    ['seal: not base64', 'admin', 'PUT', '/api/org/seal', { pngBase64: '***' }],
    [
      'seal: not a PNG',
      'admin',
      'PUT',
      '/api/org/seal',
      { pngBase64: Buffer.from('GIF89a not a png at all, just some bytes here').toString('base64') },
      'INVALID_IMAGE',
    ],
    ['case: missing title', 'mediator', 'POST', '/api/cases', { disputeType: 'GENERAL', summary: 'x' }],
    ['case: blank title', 'mediator', 'POST', '/api/cases', { title: '   ', disputeType: 'GENERAL', summary: 'x' }],
    ['case: unknown dispute type', 'mediator', 'POST', '/api/cases', { title: 't', disputeType: 'MURDER', summary: 'x' }],
    ['case: bad due date', 'mediator', 'POST', '/api/cases', { title: 't', disputeType: 'GENERAL', summary: 'x', dueDate: '2026-13-45' }],
    ['case: past due date', 'mediator', 'POST', '/api/cases', { title: 't', disputeType: 'GENERAL', summary: 'x', dueDate: '2020-01-01' }],
    ['case: huge title', 'mediator', 'POST', '/api/cases', { title: '长'.repeat(101), disputeType: 'GENERAL', summary: 'x' }],
    ['case patch: empty', 'mediator', 'PATCH', '/api/cases/CASE', {}],
    ['case patch: bad id', 'mediator', 'PATCH', '/api/cases/..%2F..', { title: 'x' }],
    ['transition: unknown status', 'mediator', 'POST', '/api/cases/CASE/transition', { to: 'DONE' }],
    ['transition: missing to', 'mediator', 'POST', '/api/cases/CASE/transition', {}],
    [
      'participant: bad ID checksum',
      'mediator',
      'POST',
      '/api/cases/CASE/participants',
      { role: 'APPLICANT', side: 'A', name: '甲', phone: '13800138000', idNumber: '110105194912310021' },
      'INVALID_ID_NUMBER',
    ],
    [
      'participant: bad phone',
      'mediator',
      'POST',
      '/api/cases/CASE/participants',
      { role: 'APPLICANT', side: 'A', name: '甲', phone: '12345', idNumber: '11010519491231002X' },
      'INVALID_PHONE',
    ],
    [
      'participant: bad role',
      'mediator',
      'POST',
      '/api/cases/CASE/participants',
      { role: 'JUDGE', side: 'A', name: '甲', phone: '13800138000', idNumber: '11010519491231002X' },
    ],
    [
      'participant: bad side',
      'mediator',
      'POST',
      '/api/cases/CASE/participants',
      { role: 'APPLICANT', side: 'C', name: '甲', phone: '13800138000', idNumber: '11010519491231002X' },
    ],
    ['invitation: missing participant', 'mediator', 'POST', '/api/cases/CASE/invitations', {}],
    ['invitation: expiry out of range', 'mediator', 'POST', '/api/cases/CASE/invitations', { participantId: 'PART', expiresInDays: 365 }],
    ['invitation: expiry not integer', 'mediator', 'POST', '/api/cases/CASE/invitations', { participantId: 'PART', expiresInDays: 1.5 }],
    ['party confirm: bad last4', 'party', 'POST', '/api/party/confirm-identity', { name: '张某', idLast4: '12' }],
    ['party confirm: missing name', 'party', 'POST', '/api/party/confirm-identity', { idLast4: '1234' }],
    ['party consent: false', 'party', 'POST', '/api/party/consent', { consent: false }],
    ['party consent: string', 'party', 'POST', '/api/party/consent', { consent: 'yes' }],
    ['signing lock: version not a number', 'mediator', 'POST', '/api/signing/CASE/lock', { versionSeq: 'latest' }],
    ['signing unlock: no reason', 'mediator', 'POST', '/api/signing/CASE/unlock', {}],
    ['signing agent authority: not boolean', 'mediator', 'PUT', '/api/signing/CASE/agents/PART/authority', { authorised: 'yes' }],
    ['signing mediator-sign: not base64', 'mediator', 'POST', '/api/signing/CASE/mediator-sign', { signaturePngBase64: '***' }],
    ['signing consent: bad clause and hash', 'party', 'POST', '/api/signing/CASE/consent', { clauseId: '../x', clauseSha256: 'abc' }],
    ['signing objection: bad clause, hash, no text', 'party', 'POST', '/api/signing/CASE/objections', { clauseId: '../x', clauseSha256: 'abc', text: '' }],
    ['signing code: bad onBehalfOf', 'party', 'POST', '/api/signing/CASE/code', { onBehalfOf: '../x' }],
    ['signing sign: missing fields', 'party', 'POST', '/api/signing/CASE/sign', { name: '张某', code: '12' }],
    ['judicial apply: missing service details', 'party', 'POST', '/api/judicial/CASE/apply', { courtId: 'abc' }],
    ['judicial consent: missing fields', 'mediator', 'POST', '/api/judicial/CASE/consents', { participantId: 'PART' }],
    ['judicial materials: unknown kind', 'party', 'POST', '/api/judicial/CASE/materials?kind=PASSPORT&name=a.pdf', { x: 1 }],
  ];

  it.each(cases)('%s → 400 with a message, nothing written', async (_name, who, method, rawUrl, body, code = 'VALIDATION') => {
    const url = rawUrl.replace('CASE', caseId).replace('PART', participantId).replace('USER', userId);
    const before = await snapshot();
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (who === 'party') headers.authorization = `Bearer ${token}`;
    let res: Response;
    if (who === 'admin' || who === 'mediator') {
      res = await (who === 'admin' ? admin : mediator).request(method, url, body);
    } else {
      res = await fetch(server.url + url, { method, headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
    }
    const json = await res.json();
    expect(res.status, JSON.stringify(json)).toBe(400);
    expect(json.code).toBe(code);
    expect(typeof json.message).toBe('string');
    expect(json.message.length).toBeGreaterThan(4);
    expect(await snapshot()).toBe(before);
  });

  it('answers unknown API routes with a JSON 404', async () => {
    const res = await fetch(`${server.url}/api/nope`);
    expect(res.status).toBe(404);
    expect((await res.json()).code).toBe('NOT_FOUND');
  });
});
