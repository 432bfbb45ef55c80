// The application is the parties' own (解释 art. 351): each applicant signs the 司法确认申请书 from
// its own link (name and ID check, a one-time code to its phone, the affirmation, a handwritten
// signature — the agreement's ceremony) and nothing goes to the
// court before every one has; the document names each signature instead of a blank line, lists
// the attachments a court asks for (解释 art. 354, GD art. 3), and the 送达地址确认书 records each
// applicant's address and its choice on electronic service (MS art. 90).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pdftotext, writePdf } from '../signing/pdf-tools.ts';
import { signCaseThroughApi, SmsOutbox } from '../signing/signing-support.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { mediatingCase, PARTY_IDS, SERVICE, signApplication } from '../judicial/judicial-support.ts';

const sms = new SmsOutbox();
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({}, { sms });
}, 60_000);
afterAll(() => server?.close());

describe('each applicant signs the 司法确认申请书', () => {
  it('is submitted only once every applicant signed; a wrong identity or affirmation is refused', async () => {
    const k = await mediatingCase(server);
    await signCaseThroughApi(server, k, sms, PARTY_IDS);
    const local = await server.ctx.db.court.findFirstOrThrow({ where: { isLocal: true } });
    const apply = (token: string, electronicService: boolean) =>
      fetch(`${server.url}/api/judicial/${k.caseId}/apply`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ courtId: local.id, ...SERVICE, electronicService }),
      });
    // Signing before applying: nothing to sign.
    expect((await signApplication(server, k.caseId, k.tokenA, '李某', PARTY_IDS.A)).body.code).toBe('NOTHING_TO_CONFIRM');
    expect((await apply(k.tokenA, true)).status).toBe(201);
    expect((await apply(k.tokenB, false)).status).toBe(201);
    expect((await server.ctx.db.judicialApplication.findUniqueOrThrow({ where: { caseId: k.caseId } })).status).toBe('DRAFT');
    expect((await fetch(`${server.url}/api/judicial/${k.caseId}/application.pdf`, { headers: { authorization: `Bearer ${k.tokenA}` } })).status).toBe(404);

    // The agreement's ceremony (#17 item 6): a one-time code sent to the applicant's own phone.
    expect((await signApplication(server, k.caseId, k.tokenA, '李某', PARTY_IDS.A, '123456')).body.code).toBe('CODE_EXPIRED');
    const codeFor = (token: string) =>
      fetch(`${server.url}/api/judicial/${k.caseId}/application-code`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    const sent = await codeFor(k.tokenA);
    expect(sent.status).toBe(200);
    expect((await sent.json()).phone).toMatch(/^1\d{2}\*{4}\d{4}$/);
    expect(sms.messages.at(-1)!.text).toMatch(/您正在签署司法确认申请书，验证码 \d{6}/);
    const codeA = sms.lastCode();
    // The agreement's codes (sent while signing it) do not sign the application, nor does a wrong one.
    const agreementCode = sms.messages.at(-2)!.text.match(/调解协议书，验证码 (\d{6})/)?.[1];
    expect(agreementCode).toMatch(/^\d{6}$/);
    if (agreementCode !== codeA) expect((await signApplication(server, k.caseId, k.tokenA, '李某', PARTY_IDS.A, agreementCode)).body.code).toBe('CODE_WRONG');
    expect((await signApplication(server, k.caseId, k.tokenA, '李某', PARTY_IDS.A, codeA === '000001' ? '000002' : '000001')).body.code).toBe('CODE_WRONG');
    expect((await signApplication(server, k.caseId, k.tokenA, '李某', PARTY_IDS.B, codeA)).body.code).toBe('IDENTITY_MISMATCH');
    expect(await server.ctx.db.auditEntry.count({ where: { caseId: k.caseId, type: 'DOCUMENT_SIGNING_REFUSED' } })).toBeGreaterThanOrEqual(3);
    expect((await signApplication(server, k.caseId, k.tokenA, '李某', PARTY_IDS.B)).body.code).toBe('IDENTITY_MISMATCH');
    expect((await signApplication(server, k.caseId, k.tokenA, '王某', PARTY_IDS.A)).body.code).toBe('IDENTITY_MISMATCH');
    expect((await signApplication(server, k.caseId, k.tokenA, '李某', PARTY_IDS.A)).body).toEqual({ status: 'DRAFT' });
    expect((await signApplication(server, k.caseId, k.tokenA, '李某', PARTY_IDS.A)).body.code).toBe('ALREADY_SIGNED');
    const view = await (await fetch(`${server.url}/api/judicial/${k.caseId}`, { headers: { authorization: `Bearer ${k.tokenB}` } })).json();
    expect(view.application.unsignedApplicants).toHaveLength(1);
    expect((await signApplication(server, k.caseId, k.tokenB, '王某', PARTY_IDS.B)).body).toEqual({ status: 'SUBMITTED' });
    expect(await server.ctx.db.auditEntry.count({ where: { caseId: k.caseId, type: 'JUDICIAL_APPLICATION_SIGNED' } })).toBe(2);

    const pdf = Buffer.from(
      await (await fetch(`${server.url}/api/judicial/${k.caseId}/application.pdf`, { headers: { authorization: `Bearer ${k.tokenA}` } })).arrayBuffer(),
    );
    const text = pdftotext(writePdf(pdf)).replace(/\s+/g, '');
    for (const s of ['司法确认申请书', '申请人：李某（电子签名：', '申请人：王某（电子签名：', '本人签署', '姓名+身份证号后四位+短信验证码+本人链接+手写签名'])
      expect(text).toContain(s);
    expect(text).not.toContain('（签名或盖章）');
    for (const s of ['调解组织主持调解的证明', '授权委托书', '送达地址确认书（含是否同意电子送达）']) expect(text).toContain(s);

    const service = Buffer.from(
      await (await fetch(`${server.url}/api/judicial/${k.caseId}/service-address.pdf`, { headers: { authorization: `Bearer ${k.tokenB}` } })).arrayBuffer(),
    );
    const st = pdftotext(writePdf(service)).replace(/\s+/g, '');
    expect(st).toContain('送达地址确认书');
    expect(st).toContain('李某：送达地址内蒙古自治区包头市青山区某小区1号楼1单元101室；联系电话138****8000；同意电子送达：是');
    expect(st).toContain('王某：送达地址内蒙古自治区包头市青山区某小区1号楼1单元101室；联系电话138****8000；同意电子送达：否');
    expect(st).toContain('民事诉讼法第九十条');
  }, 90_000);
});
