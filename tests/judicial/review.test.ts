// The judge's desk against a real server: accept (民特 number), review (integrity of the agreement
// PDF against the issued record, the audit summary, the grounds checklist), decide — confirm only
// with every ground checked, dismiss only with a reason — producing a 民事裁定书 sealed with the
// court's certificate that pdfsig accepts and every party downloads; the case status follows.
// A judge of another court can do none of it.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { verifyPdf } from '../../signaling/signing/verify-pdf.ts';
import type { DraftCase } from '../drafting/sync-support.ts';
import { pdfsig, pdftotext, writePdf } from '../signing/pdf-tools.ts';
import { SmsOutbox } from '../signing/signing-support.ts';
import { produceAudioVideo, RoomTestClient } from '../support/room-client.ts';
import { startTestServer, StaffClient, type TestServer } from '../support/server.ts';
import { judgeClient, submittedCase } from './judicial-support.ts';

const sms = new SmsOutbox();
let server: TestServer;
let judge: StaffClient;
let otherJudge: StaffClient;
let k: DraftCase;
let applicationId: string;
const ALL_GROUNDS = ['LAWFUL', 'VOLUNTARY', 'PUBLIC_INTEREST', 'PUBLIC_ORDER', 'CLEAR', 'NO_PERSONAL_STATUS', 'NO_TITLE_CONFIRMATION', 'JURISDICTION'];

const party = async (token: string, path: string) => {
  const res = await fetch(`${server.url}/api/judicial/${k.caseId}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()) };
};

beforeAll(async () => {
  server = await startTestServer({}, { sms });
  const admin = new StaffClient(server.url);
  await admin.login(server.admin.username, server.admin.password);
  const city = await server.ctx.db.court.create({ data: { name: '包头市中级人民法院', code: '蒙02', region: '内蒙古自治区包头市' } });
  judge = await judgeClient(server, admin, 'judge-wang');
  otherJudge = await judgeClient(server, admin, 'judge-zhao', city.id);
  k = await submittedCase(server, sms);
  applicationId = (await judge.json('GET', '/api/judge/applications')).applications[0].id;
}, 90_000);
afterAll(() => server?.close());

describe('the judge’s desk', () => {
  it('accepting gives the court’s 民特 number; another court’s judge cannot act', async () => {
    expect((await otherJudge.request('POST', `/api/judge/applications/${applicationId}/accept`, {})).status).toBe(404);
    const { courtCaseNumber } = await judge.json('POST', `/api/judge/applications/${applicationId}/accept`, {});
    expect(courtCaseNumber).toMatch(/^（20\d\d）内0204民特1号$/);
    expect((await judge.request('POST', `/api/judge/applications/${applicationId}/accept`, {})).status).toBe(409);
    expect((await judge.request('POST', `/api/judge/applications/${applicationId}/decide`, { decision: 'confirm', clerk: '刘书记' })).status).toBe(409); // not under review yet
    expect((await judge.request('POST', `/api/judge/applications/${applicationId}/review`, {})).status).toBe(204);
  });

  it('the review screen: the agreement PDF checks out against the issued record; the audit summary per party', async () => {
    const { application: a } = await judge.json('GET', `/api/judge/applications/${applicationId}`);
    expect(a).toMatchObject({ status: 'REVIEWING', statusLabel: '审查中' });
    expect(a.integrity).toMatchObject({ valid: true, sealedByUs: true, matchesIssued: true, problems: [] });
    expect(a.grounds.map((g: any) => g.key)).toEqual(ALL_GROUNDS);
    for (const p of a.parties.filter((x: any) => ['APPLICANT', 'RESPONDENT'].includes(x.role))) {
      expect(p.clausesAccepted).toBe(p.clauses);
      expect(p.signature).toMatchObject({ affirmation: '本人已阅读协议全部内容，系自愿签署', identityMethod: 'NAME_ID_LAST4+SMS_OTP' });
    }
    expect(a.applicants.map((x: any) => x.how)).toEqual(['self', 'self']);
    const pdf = await judge.request('GET', `/api/judge/applications/${applicationId}/agreement.pdf`);
    expect(
      Buffer.from(await pdf.arrayBuffer()).equals(
        await fetch(`${server.url}/api/signing/${k.caseId}/pdf`, { headers: { authorization: `Bearer ${k.tokenA}` } })
          .then((r) => r.arrayBuffer())
          .then(Buffer.from),
      ),
    ).toBe(true);
  });

  it('video questioning: the reviewing judge leads the case room and admits the parties; another court’s judge cannot enter', async () => {
    const j = new RoomTestClient(server.url, { cookie: judge.cookie });
    const a = new RoomTestClient(server.url, { token: k.tokenA });
    const other = new RoomTestClient(server.url, { cookie: otherJudge.cookie });
    try {
      for (const c of [j, a, other]) await c.connected();
      expect(await j.ok('room:join', { caseId: k.caseId })).toMatchObject({ status: 'admitted' });
      expect(await other.request('room:join', { caseId: k.caseId })).toMatchObject({ ok: false, code: 'CASE_NOT_FOUND' });
      await a.ok('room:join', { caseId: k.caseId });
      const lobby = await j.waitFor('room:lobby', (p) => p.waiting.length === 1);
      expect(lobby.waiting[0].displayName).toBe('李某');
      await j.ok('mediator:admit', { peerId: lobby.waiting[0].peerId });
      await a.waitFor('room:admitted');
      const peers = await a.waitFor('room:peers', (p) => p.peers.some((x: any) => x.roleLabel === '法官'));
      expect(peers.peers.find((x: any) => x.roleLabel === '法官').displayName).toBe('法官judge-wang');
      await j.ok('mediator:end', {});
      // The session shows on the review screen: total time, all of it joint (no caucus).
      const { application } = await judge.json('GET', `/api/judge/applications/${applicationId}`);
      expect(application.session.totalSec).toBeGreaterThanOrEqual(0);
      expect(application.session).toMatchObject({ jointSec: application.session.totalSec, caucusSecA: 0, caucusSecB: 0 });
      expect(application.parties.find((p: any) => p.name === '李某').attended).toBe(true);
    } finally {
      for (const c of [j, a, other]) c.close();
      server.rooms.get(k.caseId)?.close('shutdown');
    }
  });

  it('questioning each side: the judge admits, mutes and caucuses as 法官 but never reads or writes the parties’ notepads nor carries between them; the mediator keeps its notepads', async () => {
    const j = new RoomTestClient(server.url, { cookie: judge.cookie });
    const m = new RoomTestClient(server.url, { cookie: k.mediator.cookie });
    const a = new RoomTestClient(server.url, { token: k.tokenA });
    const b = new RoomTestClient(server.url, { token: k.tokenB });
    const notepads = () =>
      server.ctx.db.caucusNotepad.findMany({ where: { caseId: k.caseId }, orderBy: { side: 'asc' }, select: { side: true, content: true, updatedAt: true } });
    try {
      for (const c of [j, m, a, b]) await c.connected();
      const joined = await j.ok('room:join', { caseId: k.caseId });
      await m.ok('room:join', { caseId: k.caseId });
      const peerA = (await a.ok('room:join', { caseId: k.caseId })).self.peerId;
      const peerB = (await b.ok('room:join', { caseId: k.caseId })).self.peerId;
      for (const id of [peerA, peerB]) await j.ok('mediator:admit', { peerId: id });
      await a.waitFor('room:admitted');
      await b.waitFor('room:admitted');
      // The mediator's notes in both sides' notepads, before the judge tries anything.
      await m.ok('notepad:update', { side: 'A', content: '甲方底线：分三期，首期两万' });
      await m.ok('notepad:update', { side: 'B', content: '乙方：最多还四万五' });
      await a.waitFor('notepad:updated', (n) => n.side === 'A');
      const before = await notepads();
      expect(before.map((n) => n.side)).toEqual(['A', 'B']);

      // Notepads and carrying are the mediator's and the sides' business, never the judge's.
      for (const [event, payload] of [
        ['notepad:get', { side: 'A' }],
        ['notepad:get', { side: 'B' }],
        ['notepad:update', { side: 'A', content: '法官写入' }],
        ['notepad:update', { side: 'B', content: '法官写入', baseUpdatedAt: null }],
        ['caucus:carry', { fromSide: 'A', toSide: 'B', text: '法官转达' }],
      ] as const) {
        expect.soft(await j.request(event, payload), `${event} ${JSON.stringify(payload)} by the judge`).toMatchObject({ ok: false, code: 'FORBIDDEN' });
      }
      expect(await notepads()).toEqual(before);
      expect
        .soft(
          j.events.filter((e) => e.event === 'notepad:updated'),
          'notepad updates sent to the judge',
        )
        .toEqual([]);
      expect.soft(joined.self, 'the judge’s room role').toMatchObject({ roomRole: 'judge', roleLabel: '法官' });
      const seen = await a.waitFor('room:peers', (p) => p.peers.some((x: any) => x.peerId === joined.self.peerId));
      expect(seen.peers.find((x: any) => x.peerId === joined.self.peerId)).toMatchObject({ roomRole: 'judge', roleLabel: '法官' });

      // What the judge does do: mute a party, question one side alone, bring everyone back.
      const { audio } = await produceAudioVideo(a, 7000);
      await j.ok('mediator:mute', { peerId: peerA, kind: 'audio', muted: true });
      expect(await a.waitFor('media:adminMuted')).toMatchObject({ producerId: audio, muted: true });
      const { caucusId } = await j.ok('caucus:start', { peerIds: [peerA] });
      expect(server.rooms.get(k.caseId)!.caucuses()).toEqual([
        expect.objectContaining({ caucusId, memberPeerIds: [peerA], mediatorPeerIds: [joined.self.peerId] }),
      ]);
      await a.waitFor('room:location', (l) => l.room === caucusId);
      await j.waitFor('room:caucuses', (p) => p.caucuses.some((c: any) => c.caucusId === caucusId));
      await j.ok('caucus:end', { caucusId });
      await a.waitFor('room:location', (l) => l.room === 'joint' && !l.waiting);
      expect(server.rooms.get(k.caseId)!.caucuses()).toEqual([]);

      // The mediator in the same room still reads, writes and carries; the judge still sees none of it.
      expect(await m.ok('notepad:get', { side: 'A' })).toMatchObject({ content: '甲方底线：分三期，首期两万' });
      expect(await m.ok('caucus:carry', { fromSide: 'A', toSide: 'B', text: '甲方愿意首期付两万' })).toMatchObject({ side: 'B' });
      await b.waitFor('notepad:updated', (n) => n.content.includes('甲方愿意首期付两万'));
      expect(await a.ok('notepad:get', { side: 'A' })).toMatchObject({ content: '甲方底线：分三期，首期两万' });
      expect(j.events.filter((e) => e.event === 'notepad:updated')).toEqual([]);

      // Without the mediator, the side the judge is not questioning waits — and is told it is the judge.
      await m.ok('room:leave', {});
      await j.ok('caucus:start', { peerIds: [peerB] });
      expect(await a.waitFor('room:location', (l) => l.waiting)).toMatchObject({ room: 'joint', message: '法官正在与对方单独沟通，请稍候' });
      await j.ok('caucus:endAll', {});
      await vi.waitFor(() => expect(a.last('room:location')).toMatchObject({ room: 'joint', waiting: false, message: null }));
      // Removing and ending speak in the judge's name.
      await j.ok('mediator:remove', { peerId: peerB });
      expect(await b.waitFor('room:removed')).toMatchObject({ reason: 'removed', message: '法官已将您移出调解室' });
      await j.ok('mediator:end', {});
      expect(await a.waitFor('room:ended')).toMatchObject({ message: '法官已结束本次在线调解' });
    } finally {
      for (const c of [j, m, a, b]) c.close();
      server.rooms.get(k.caseId)?.close('shutdown');
    }
  });

  it('confirming needs every ground checked; the ruling is sealed by the court and every party downloads it', async () => {
    const refused = await judge.request('POST', `/api/judge/applications/${applicationId}/decide`, { decision: 'confirm', clerk: '刘书记' });
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as any).message).toContain('逐项审查');
    expect((await judge.request('PUT', `/api/judge/applications/${applicationId}/review`, { checklist: { MADE_UP: true }, notes: '' })).status).toBe(400);
    expect((await otherJudge.request('PUT', `/api/judge/applications/${applicationId}/review`, { checklist: {}, notes: 'x' })).status).toBe(404);
    await judge.request('PUT', `/api/judge/applications/${applicationId}/review`, {
      checklist: Object.fromEntries(ALL_GROUNDS.map((g) => [g, true])),
      notes: '经视频询问，双方均表示自愿，协议内容明确。',
    });
    expect((await party(k.tokenA, '/ruling.pdf')).status).toBe(404);
    const decided = await judge.json('POST', `/api/judge/applications/${applicationId}/decide`, { decision: 'confirm', clerk: '刘书记' });
    expect(decided.status).toBe('CONFIRMED');
    expect((await k.mediator.json('GET', `/api/cases/${k.caseId}`)).case.status).toBe('CONFIRMED');

    const a = await party(k.tokenA, '/ruling.pdf');
    const b = await party(k.tokenB, '/ruling.pdf');
    expect(a.status).toBe(200);
    expect(a.bytes.equals(b.bytes)).toBe(true);
    const file = writePdf(a.bytes);
    const sig = pdfsig(file);
    expect(sig).toContain('Signature Validation: Signature is Valid.');
    // A development server's court key is generated here and says so in its name (production keys come from COURT_KEYS_DIR).
    expect(sig).toContain('Signer Certificate Common Name: 包头市青山区人民法院（开发用）');
    expect(verifyPdf(a.bytes)).toMatchObject({ valid: true, signerName: '包头市青山区人民法院（开发用）', documentSha256: decided.rulingSha256 });
    const text = pdftotext(file).replace(/\s+/g, '');
    for (const s of ['包头市青山区人民法院', '民事裁定书', '民特1号', '李某', '王某', '调解协议有效', '审判员法官judge-wang', '书记员', '刘书记'])
      expect(text).toContain(s);
    // The performance terms (MS 206: an enforceable ruling), the law it rests on, the court's seal and the certification.
    for (const s of ['履行方式：', '履行地点：', '履行期限：', '收款账户：', '第二百零六条', '（院印）', '本件与原本核对无异']) expect(text).toContain(s);
    expect(
      (await judge.request('POST', `/api/judge/applications/${applicationId}/decide`, { decision: 'dismiss', ground: 'UNCLEAR', clerk: '刘书记' })).status,
    ).toBe(409);
  });

  it('dismissing needs a ground from the law (解释 art. 358), and the ruling says so', async () => {
    const second = await submittedCase(server, sms);
    const id = (await judge.json('GET', '/api/judge/applications')).applications.find((x: any) => x.status === 'SUBMITTED').id;
    await judge.json('POST', `/api/judge/applications/${id}/accept`, {});
    await judge.request('POST', `/api/judge/applications/${id}/review`, {});
    expect((await judge.request('POST', `/api/judge/applications/${id}/decide`, { decision: 'dismiss', clerk: '刘书记' })).status).toBe(400);
    expect((await judge.request('POST', `/api/judge/applications/${id}/decide`, { decision: 'dismiss', ground: 'MADE_UP', clerk: '刘书记' })).status).toBe(400);
    const decided = await judge.json('POST', `/api/judge/applications/${id}/decide`, {
      decision: 'dismiss',
      ground: 'UNCLEAR',
      explanation: '调解协议内容不明确，无法执行',
      clerk: '刘书记',
    });
    expect(decided.status).toBe('DISMISSED');
    expect((await second.mediator.json('GET', `/api/cases/${second.caseId}`)).case.status).toBe('DISMISSED');
    const res = await fetch(`${server.url}/api/judicial/${second.caseId}/ruling.pdf`, { headers: { authorization: `Bearer ${second.tokenB}` } });
    const text = pdftotext(writePdf(Buffer.from(await res.arrayBuffer()))).replace(/\s+/g, '');
    expect(text).toContain('驳回申请人');
    expect(text).toContain('调解协议内容不明确，无法执行');
    expect(text).toContain('内容不明确的');
    expect(text).toContain('第三百五十八条第五项');
  }, 60_000);
});
