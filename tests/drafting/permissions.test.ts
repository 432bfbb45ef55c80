// Who may do what on a case's agreement draft, enforced on the server: mediators edit; parties
// are read-only on the Y.Doc (their updates reach neither other clients nor storage) but propose
// changes and comment through the API, which applies them in the live document; the mediator
// accepts or rejects; observers only read; everybody else is refused.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { readAgreement } from '../../signaling/agreement/document.ts';
import { agreementDocName } from '../../signaling/drafting/index.ts';
import { createStaffUser, startTestServer, StaffClient, type TestServer } from '../support/server.ts';
import { connectClient, setUpDraftCase, wsUrl, type DraftCase, type DraftClient } from './sync-support.ts';
import { sleep, waitFor } from '../support/wait.ts';

let server: TestServer;
let kase: DraftCase;
const clients: DraftClient[] = [];

function client(options: { token?: string; cookie?: string; headers?: Record<string, string>; docName?: string }) {
  const c = connectClient({ url: wsUrl(server.url), docName: options.docName ?? agreementDocName(kase.caseId), ...options });
  clients.push(c);
  return c;
}

/** The agreement API as a party (Bearer link token) or as staff (cookie + CSRF). */
async function asParty(token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${server.url}/api/agreements/${kase.caseId}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}
async function asStaff(staff: StaffClient, method: string, path: string, body?: unknown, caseId = kase.caseId) {
  const res = await staff.request(method, `/api/agreements/${caseId}${path}`, body);
  return { status: res.status, body: (await res.json()) as any };
}

const firstClause = (doc: Y.Doc) => readAgreement(doc).clauses[0]!;
const storedDoc = async () => {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, await server.drafting.store.readState(agreementDocName(kase.caseId)));
  return doc;
};
const storedBytesContain = async (needle: string) => {
  const rows = await server.ctx.db.draftUpdate.findMany({ where: { docName: agreementDocName(kase.caseId) } });
  const doc = new Y.Doc();
  for (const r of rows) Y.applyUpdate(doc, r.update);
  return JSON.stringify(doc.toJSON()).includes(needle);
};

beforeAll(async () => {
  server = await startTestServer();
  kase = await setUpDraftCase(server.url, server.admin);
});
afterEach(() => {
  for (const c of clients.splice(0)) c.destroy();
});
afterAll(() => server?.close());

describe('the Y.Doc: editors edit, parties and observers only read', () => {
  it('the first open builds the draft from the case dispute type template and the case parties', async () => {
    const m = client({ cookie: kase.mediator.cookie });
    await m.ready;
    const a = readAgreement(m.doc);
    expect(a.meta.disputeType).toBe('PRIVATE_LOAN');
    expect(a.parties.map((p) => [p.name, p.role, p.side])).toEqual([
      ['李某', 'APPLICANT', 'A'],
      ['王某', 'RESPONDENT', 'B'],
    ]);
    expect(a.clauses.length).toBeGreaterThan(0);
  });

  it("a party's direct edit is dropped: not at the mediator, not in the database, never acknowledged, audited", async () => {
    const m = client({ cookie: kase.mediator.cookie });
    const p = client({ token: kase.tokenA });
    let scope: string | null = null;
    p.provider.on('authenticated', ({ scope: s }: { scope: string }) => (scope = s));
    await Promise.all([m.ready, p.ready]);
    expect(scope).toBe('readonly');
    const clauseId = firstClause(m.doc).id;
    const partyText = (p.doc.getMap('clauses').get(clauseId) as Y.Map<unknown>).get('text') as Y.Text;
    partyText.insert(0, '【当事人擅自修改】');
    // The connection stays up: a mediator edit made afterwards reaches the party…
    const mediatorText = (m.doc.getMap('clauses').get(clauseId) as Y.Map<unknown>).get('text') as Y.Text;
    mediatorText.insert(mediatorText.length, '【调解员补充】');
    await m.acked();
    await waitFor(() => partyText.toString().includes('【调解员补充】'), 3000, 'mediator edit at the party');
    await sleep(200);
    // …but the party's own edit went nowhere.
    expect(mediatorText.toString()).not.toContain('擅自修改');
    expect(await storedBytesContain('擅自修改')).toBe(false);
    expect(p.provider.hasUnsyncedChanges).toBe(true);
    // A third client loading now does not get it either.
    const late = client({ cookie: kase.mediator.cookie });
    await late.ready;
    expect(firstClause(late.doc).text).not.toContain('擅自修改');
    await waitFor(async () => (await server.ctx.db.auditEntry.count({ where: { caseId: kase.caseId, type: 'AGREEMENT_EDIT_REJECTED' } })) === 1, 3000, 'audit');
  });

  it('changes a party made before connecting (sent in its SyncStep2) are dropped too', async () => {
    const m = client({ cookie: kase.mediator.cookie });
    await m.ready;
    const seeded = new Y.Doc();
    Y.applyUpdate(seeded, await server.drafting.store.readState(agreementDocName(kase.caseId)));
    seeded.getText('offline').insert(0, '离线时写的内容');
    const p = connectClient({ url: wsUrl(server.url), docName: agreementDocName(kase.caseId), token: kase.tokenB });
    clients.push(p);
    Y.applyUpdate(p.doc, Y.encodeStateAsUpdate(seeded));
    await p.ready;
    await sleep(300);
    expect(m.doc.getText('offline').toString()).toBe('');
    expect(await storedBytesContain('离线时写的内容')).toBe(false);
  });

  it('an observer (interpreter) reads the draft but may not suggest or comment', async () => {
    const o = client({ token: kase.tokenInterpreter });
    await o.ready;
    const clauseId = firstClause(o.doc).id;
    expect((await asParty(kase.tokenInterpreter, 'POST', '/suggestions', { clauseId, kind: 'replace', text: '观察员的建议' })).status).toBe(403);
    expect((await asParty(kase.tokenInterpreter, 'POST', '/comments', { clauseId, text: '观察员的意见' })).status).toBe(403);
    expect((await asParty(kase.tokenInterpreter, 'GET', '/versions')).status).toBe(200);
  });
});

describe('suggestions and comments through the server', () => {
  it("a party's suggestion reaches every client; the mediator accepts it and the clause changes everywhere", async () => {
    const m = client({ cookie: kase.mediator.cookie });
    const p = client({ token: kase.tokenA });
    await Promise.all([m.ready, p.ready]);
    const clause = firstClause(m.doc);
    const proposal = '乙方于2026年12月31日前一次性偿还借款本金50000元。';
    const res = await asParty(kase.tokenA, 'POST', '/suggestions', {
      clauseId: clause.id,
      kind: 'replace',
      index: 0,
      length: clause.text.length,
      text: proposal,
    });
    expect(res.status).toBe(201);
    const suggestionId = res.body.suggestion.id as string;
    expect(res.body.suggestion).toMatchObject({ authorName: '李某', status: 'open', text: proposal, clauseId: clause.id });
    // Live at the mediator and at the party itself (applied by the server in the live document).
    for (const c of [m, p]) await waitFor(() => readAgreement(c.doc).suggestions.some((s) => s.id === suggestionId), 3000, 'suggestion visible');
    // A party cannot decide.
    expect((await asParty(kase.tokenA, 'POST', `/suggestions/${suggestionId}/accept`, {})).status).toBe(403);
    // The mediator accepts.
    const accepted = await asStaff(kase.mediator, 'POST', `/suggestions/${suggestionId}/accept`, {});
    expect(accepted.status).toBe(200);
    expect(accepted.body.suggestion.status).toBe('accepted');
    for (const c of [m, p]) await waitFor(() => firstClause(c.doc).text === proposal, 3000, 'accepted text everywhere');
    expect(firstClause(await storedDoc()).text).toBe(proposal);
    // Accepting again is a conflict with the model's own code.
    const again = await asStaff(kase.mediator, 'POST', `/suggestions/${suggestionId}/accept`, {});
    expect(again).toMatchObject({ status: 409, body: { code: 'SUGGESTION_NOT_OPEN' } });
    const types = (await server.ctx.db.auditEntry.findMany({ where: { caseId: kase.caseId }, orderBy: { seq: 'asc' } })).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['AGREEMENT_DRAFT_CREATED', 'AGREEMENT_SUGGESTION_ADDED', 'AGREEMENT_SUGGESTION_ACCEPTED']));
  });

  it('rejecting, comments, stale suggestions', async () => {
    const m = client({ cookie: kase.mediator.cookie });
    await m.ready;
    const clause = firstClause(m.doc);
    const s1 = await asParty(kase.tokenB, 'POST', '/suggestions', { clauseId: clause.id, kind: 'insert', index: 0, text: '（乙方建议）' });
    expect(s1.status).toBe(201);
    const rejected = await asStaff(kase.mediator, 'POST', `/suggestions/${s1.body.suggestion.id}/reject`, { reason: '与双方约定不符' });
    expect(rejected).toMatchObject({ status: 200, body: { suggestion: { status: 'rejected', resolvedBy: '调解员1号' } } });
    const comment = await asParty(kase.tokenB, 'POST', '/comments', { clauseId: clause.id, text: '还款期限能否延长一个月？' });
    expect(comment).toMatchObject({ status: 201, body: { comment: { authorName: '王某', text: '还款期限能否延长一个月？' } } });
    await waitFor(() => readAgreement(m.doc).comments.some((c) => c.id === comment.body.comment.id), 3000, 'comment visible');
    // A suggestion on words the mediator then rewrites can no longer be accepted.
    const s2 = await asParty(kase.tokenB, 'POST', '/suggestions', { clauseId: clause.id, kind: 'replace', index: 0, length: 2, text: '改为' });
    const text = (m.doc.getMap('clauses').get(clause.id) as Y.Map<unknown>).get('text') as Y.Text;
    await waitFor(() => readAgreement(m.doc).suggestions.some((s) => s.id === s2.body.suggestion.id), 3000, 'suggestion visible');
    text.delete(0, 3);
    text.insert(0, '调解员改写');
    await m.acked();
    const stale = await asStaff(kase.mediator, 'POST', `/suggestions/${s2.body.suggestion.id}/accept`, {});
    expect(stale).toMatchObject({ status: 409, body: { code: 'SUGGESTION_STALE' } });
    // Unknown clause, bad body.
    expect((await asParty(kase.tokenB, 'POST', '/suggestions', { clauseId: 'c_doesnotexist', text: 'x' })).body.code).toBe('CLAUSE_NOT_FOUND');
    expect((await asParty(kase.tokenB, 'POST', '/suggestions', {})).status).toBe(400);
  });
});

describe('named versions', () => {
  it('the mediator saves versions; everybody on the case lists them and reads the diff', async () => {
    const m = client({ cookie: kase.mediator.cookie });
    await m.ready;
    const v1 = await asStaff(kase.mediator, 'POST', '/versions', { name: '初稿' });
    expect(v1.status).toBe(201);
    expect(v1.body.version).toMatchObject({ seq: 1, name: '初稿', createdBy: { name: '调解员1号' } });
    const clause = firstClause(m.doc);
    const text = (m.doc.getMap('clauses').get(clause.id) as Y.Map<unknown>).get('text') as Y.Text;
    text.insert(text.length, '逾期未还的，按年利率3.85%支付利息。');
    await m.acked();
    const v2 = await asStaff(kase.mediator, 'POST', '/versions', { name: '第二稿' });
    expect(v2.body.version.seq).toBe(2);
    expect((await asParty(kase.tokenA, 'POST', '/versions', { name: '当事人的版本' })).status).toBe(403);
    const list = await asParty(kase.tokenA, 'GET', '/versions');
    expect(list.body.versions.map((v: { seq: number; name: string }) => [v.seq, v.name])).toEqual([
      [1, '初稿'],
      [2, '第二稿'],
    ]);
    const diff = await asParty(kase.tokenA, 'GET', '/versions/diff?from=1&to=2');
    expect(diff.status).toBe(200);
    expect(diff.body.lines.join('\n')).toContain('3.85%');
    expect((await asStaff(kase.mediator, 'GET', '/versions/diff?from=2&to=current')).status).toBe(200);
    expect((await asStaff(kase.mediator, 'GET', '/versions/diff?from=1&to=9')).status).toBe(404);
    const audit = await server.ctx.db.auditEntry.count({ where: { caseId: kase.caseId, type: 'AGREEMENT_VERSION_SAVED' } });
    expect(audit).toBe(2);
  });
});

describe('refusals', () => {
  const refusal = async (options: Parameters<typeof client>[0]) => {
    const c = client(options);
    return c.ready.then(
      () => 'connected',
      (err: Error) => err.message,
    );
  };

  it('refuses a party of another case, a tampered or revoked token, no credentials, another mediator', async () => {
    expect(await refusal({ token: kase.tokenOtherCase })).toBe('refused: TOKEN_WRONG_CASE');
    const [id, secret] = kase.tokenA.split('.');
    const tampered = `${id}.${secret!.slice(0, -2)}${secret!.endsWith('AA') ? 'BB' : 'AA'}`;
    expect(await refusal({ token: tampered })).toMatch(/refused: TOKEN_(INVALID|MALFORMED)/);
    expect(await refusal({ token: 'not-a-token' })).toBe('refused: TOKEN_MALFORMED');
    expect(await refusal({})).toBe('refused: NOT_AUTHENTICATED');
    expect(await refusal({ cookie: 'jf_session=forged.signature' })).toBe('refused: NOT_AUTHENTICATED');
    expect(await refusal({ docName: 'agreement:../../etc', cookie: kase.mediator.cookie })).toBe('refused: NOT_FOUND');
    expect(await refusal({ docName: `agreement:${kase.otherCaseId}`, token: kase.tokenA })).toBe('refused: TOKEN_WRONG_CASE');

    const admin = new StaffClient(server.url);
    await admin.login(server.admin.username, server.admin.password);
    const { client: other } = await createStaffUser(admin, {
      username: 'other-mediator',
      displayName: '别的调解员',
      role: 'MEDIATOR',
      password: 'mediator-pass-2',
    });
    // Staff with no role in the case are told it does not exist.
    expect(await refusal({ cookie: other.cookie })).toBe('refused: CASE_NOT_FOUND');
    expect((await asStaff(other, 'GET', '/versions')).status).toBe(404);
    // The organisation's administrator supervises: it reads the draft, never edits it.
    const adminAccess = await server.drafting
      .accessFor(kase.caseId, { token: null, cookieHeader: admin.cookie, ip: '127.0.0.1', userAgent: 'test' })
      .catch((e: Error) => e);
    expect(adminAccess).toMatchObject({ role: 'admin', grants: { canEdit: false, canSuggest: false, canComment: false, canDecide: false } });

    // A revoked link stops working for new connections.
    const invitations = await kase.mediator.json('GET', `/api/cases/${kase.caseId}/invitations`);
    const ofB = (invitations.invitations as Array<{ id: string; participantName: string }>).find((i) => i.participantName === '王某')!;
    await kase.mediator.json('POST', `/api/cases/${kase.caseId}/invitations/${ofB.id}/revoke`, {});
    expect(await refusal({ token: kase.tokenB })).toBe('refused: TOKEN_REVOKED');
    expect((await asParty(kase.tokenB, 'GET', '/versions')).status).toBe(401);
  });

  it('the HTTP API refuses the same principals, and staff mutations need the CSRF header', async () => {
    expect((await fetch(`${server.url}/api/agreements/${kase.caseId}/versions`)).status).toBe(401);
    expect((await asParty(kase.tokenOtherCase, 'POST', '/comments', { text: '串案' })).status).toBe(403);
    const noCsrf = await kase.mediator.request('POST', `/api/agreements/${kase.caseId}/versions`, { name: 'x' }, { 'x-csrf-token': '' });
    expect(noCsrf.status).toBe(403);
  });

  it('refuses a WebSocket upgrade from another site (cookies ride along on upgrades)', async () => {
    expect(await refusal({ cookie: kase.mediator.cookie, headers: { origin: 'https://evil.example' } })).toMatch(/closed|403|Unexpected server response/);
    // Same origin is fine.
    expect(await refusal({ cookie: kase.mediator.cookie, headers: { origin: server.url } })).toBe('connected');
  });
});
