// A party's details (住所, 民族, company particulars, 送达地址): validated and stored on the participant,
// copied by the server into the agreement draft (the participant record is the one source), read by
// the checker, printed in the signed agreement and the 司法确认申请书. Personal data stays out of the
// audit log.
import { maskIdNumber } from '../../signaling/domain/id-number.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAgreement } from '../../signaling/agreement/checker.ts';
import { mediatingCase, PARTY_IDS, SERVICE } from '../judicial/judicial-support.ts';
import { pdftotext, writePdf } from '../signing/pdf-tools.ts';
import { signCaseThroughApi, SmsOutbox } from '../signing/signing-support.ts';
import type { DraftCase } from './sync-support.ts';
import { makeIdNumber, startTestServer, type TestServer } from '../support/server.ts';
import { eventually } from '../support/wait.ts';
import { signApplications } from '../judicial/judicial-support.ts';

const sms = new SmsOutbox();
let server: TestServer;
let k: DraftCase;
let partyB: string;
const ADDRESS_A = '内蒙古自治区包头市青山区青山路街道青五社区某小区3号楼1单元502室';
const ADDRESS_B = '内蒙古自治区包头市昆都仑区阿尔丁大街某号';
const SERVICE_B = '内蒙古自治区包头市青山区幸福路某号收发室';
const squash = (s: string) => s.replace(/\s+/g, '');

const agreement = async () => (await k.mediator.json('GET', `/api/agreements/${k.caseId}`, undefined, 200)).agreement;
const participants = async () => (await k.mediator.json('GET', `/api/cases/${k.caseId}`, undefined, 200)).case.participants as any[];
const patch = (pid: string, body: unknown) => k.mediator.request('PATCH', `/api/cases/${k.caseId}/participants/${pid}`, body);

beforeAll(async () => {
  server = await startTestServer({}, { sms });
  k = await mediatingCase(server);
  // The helper filled in addresses; this case starts without them, as a newly added party does.
  await server.ctx.db.participant.updateMany({ where: { caseId: k.caseId }, data: { address: null } });
  partyB = (await participants()).find((p) => p.name === '王某').id;
}, 120_000);
afterAll(() => server?.close());

describe('participant details', () => {
  it('a new party is added with its details; a wrong credit code, address or 民族 is refused with its own code and a Chinese message', async () => {
    const base = { role: 'RESPONDENT', side: 'B', name: '包头市某物业服务有限公司', phone: '04725123456', idNumber: makeIdNumber('15020319700101001') };
    const refused = async (extra: object, code: string, words: string) => {
      const res = await k.mediator.request('POST', `/api/cases/${k.otherCaseId}/participants`, { ...base, ...extra });
      const body = (await res.json()) as { code: string; message: string };
      expect(res.status).toBe(400);
      expect(body.code).toBe(code);
      expect(body.message).toContain(words);
    };
    await refused({ personType: 'legal', creditCode: '914403001922038217' }, 'INVALID_CREDIT_CODE', '校验位');
    await refused({ personType: 'legal', address: '包头' }, 'INVALID_ADDRESS', '住所地');
    await refused({ personType: 'natural', ethnicity: '火星' }, 'INVALID_ETHNICITY', '民族');
    const created = (
      await k.mediator.json(
        'POST',
        `/api/cases/${k.otherCaseId}/participants`,
        { ...base, personType: 'legal', creditCode: '9144030071526726xg', representative: '赵某', representativeTitle: '总经理', address: ADDRESS_B },
        201,
      )
    ).participant;
    expect(created).toMatchObject({
      personType: 'legal',
      creditCode: '9144030071526726XG',
      representative: '赵某',
      representativeTitle: '总经理',
      address: ADDRESS_B,
      serviceAddress: null,
      gender: null,
      birthDate: null,
    });
  });

  it('the draft lacks the addresses until the mediator enters them; an edit reaches the draft and the checker', async () => {
    // The draft's copy still holds the helper's addresses; the first change to a record copies the records as they are.
    const a = (await participants()).find((p) => p.name === '李某');
    expect(a).toMatchObject({ gender: '男', birthDate: '1975-03-12', address: null });
    expect((await patch(a.id, { ethnicity: '汉', address: ADDRESS_A })).status).toBe(200);
    await eventually(async () => {
      const s = await agreement();
      const pa = s.parties.find((p: any) => p.id === a.id);
      expect(pa).toMatchObject({ address: ADDRESS_A, ethnicity: '汉族', gender: '男', birthDate: '1975-03-12' });
      const pb = s.parties.find((p: any) => p.id === partyB);
      expect(pb.address).toBeNull();
      const codes = checkAgreement(s).map((f) => `${f.code}:${f.partyId ?? ''}`);
      expect(codes).toContain(`PARTY_ADDRESS_MISSING:${partyB}`);
      expect(codes).not.toContain(`PARTY_ADDRESS_MISSING:${a.id}`);
    });
    const res = await patch(partyB, { address: ADDRESS_B, serviceAddress: SERVICE_B, ethnicity: '蒙古族' });
    expect(res.status).toBe(200);
    expect(((await res.json()) as any).participant).toMatchObject({ address: ADDRESS_B, serviceAddress: SERVICE_B, ethnicity: '蒙古族' });
    await eventually(async () => {
      const s = await agreement();
      expect(checkAgreement(s).filter((f) => f.code === 'PARTY_ADDRESS_MISSING')).toEqual([]);
      expect(s.parties.find((p: any) => p.id === partyB)).toMatchObject({ address: ADDRESS_B, serviceAddress: SERVICE_B });
    });
  });

  it('a bad edit changes nothing; the audit names the fields changed, never their values', async () => {
    const res = await patch(partyB, { address: '某处' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).code).toBe('INVALID_ADDRESS');
    expect((await participants()).find((p) => p.id === partyB).address).toBe(ADDRESS_B);
    const entries = await server.ctx.db.auditEntry.findMany({ where: { caseId: k.caseId, type: 'PARTICIPANT_UPDATED' } });
    expect(entries.length).toBe(2);
    const data = entries.map((e) => e.data).join(' ');
    expect(data).toContain('住所');
    expect(data).toContain('送达地址');
    for (const secret of [ADDRESS_A, ADDRESS_B, SERVICE_B, '蒙古族']) expect(data).not.toContain(secret);
    const trail = (await k.mediator.json('GET', `/api/cases/${k.caseId}/audit`, undefined, 200)).entries.map((e: any) => e.summary).join('\n');
    expect(trail).toContain('修改当事人 王某 的信息');
    expect(trail).not.toContain(ADDRESS_B);
  });

  it('the name and ID number stay once the party has confirmed its identity with them', async () => {
    // (As the party's link page does: POST /api/party/confirm-identity.)
    await server.ctx.db.participant.update({ where: { id: partyB }, data: { identityConfirmedAt: new Date() } });
    const refused = await patch(partyB, { name: '王某某' });
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as any).code).toBe('IDENTITY_LOCKED');
  });

  it('the details are printed in the signed agreement and the 司法确认申请书; changes are refused once signed', async () => {
    await signCaseThroughApi(server, k, sms, PARTY_IDS);
    const frozen = await patch(partyB, { address: ADDRESS_A });
    expect(frozen.status).toBe(409);
    expect(((await frozen.json()) as any).code).toBe('PARTICIPANTS_FROZEN');

    const pdf = Buffer.from(await (await k.mediator.request('GET', `/api/signing/${k.caseId}/pdf`)).arrayBuffer());
    const text = squash(pdftotext(writePdf(pdf)));
    expect(text).toContain(squash(`申请人：李某，男，1975年3月12日出生，汉族，身份证号码：${maskIdNumber(PARTY_IDS.A)}，住所：${ADDRESS_A}`));
    expect(text).toContain(squash(`被申请人：王某，男，1980年1月1日出生，蒙古族`));
    expect(text).toContain(squash(`住所：${ADDRESS_B}，送达地址：${SERVICE_B}`));

    const local = await server.ctx.db.court.findFirstOrThrow({ where: { isLocal: true } });
    for (const token of [k.tokenA, k.tokenB]) {
      const res = await fetch(`${server.url}/api/judicial/${k.caseId}/apply`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ courtId: local.id, ...SERVICE }),
      });
      expect(res.status, await res.clone().text()).toBe(201);
    }
    // The application is the parties' own: it exists once each has signed it (#17 item 6).
    await signApplications(server, k);
    const app = await fetch(`${server.url}/api/judicial/${k.caseId}/application.pdf`, { headers: { authorization: `Bearer ${k.tokenA}` } });
    expect(app.status).toBe(200);
    const court = squash(pdftotext(writePdf(Buffer.from(await app.arrayBuffer()))));
    expect(court).toContain(squash(`申请人：李某，男，1975年3月12日出生，汉族，身份证号码${maskIdNumber(PARTY_IDS.A)}，住${ADDRESS_A}`));
    expect(court).toContain(squash(`住${ADDRESS_B}，送达地址${SERVICE_B}`));
  });
});
