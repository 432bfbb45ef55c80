// Shared set-up for the signing tests: a recording SMS gateway (the provider interface the
// server sends one-time codes through), and a case whose agreement draft is filled in completely
// (民间借贷, parties from the case) so the checker lets it be locked.
import * as Y from 'yjs';
import { readAgreement } from '../../signaling/agreement/document.ts';
import { setFieldValue, setPartyField, setPerformance } from '../../signaling/agreement/editing.ts';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { SmsProvider } from '../../signaling/signing/sms.ts';
import { acceptPrivacy, type StaffClient, type TestServer } from '../support/server.ts';
import { strokePng } from './pdf-tools.ts';

export class SmsOutbox implements SmsProvider {
  readonly name = 'test-outbox';
  readonly messages: Array<{ phone: string; text: string }> = [];
  async send(phone: string, text: string): Promise<void> {
    this.messages.push({ phone, text });
  }
  lastCode(): string {
    const m = this.messages.at(-1)?.text.match(/验证码 (\d{6})/);
    if (!m) throw new Error('no code sent');
    return m[1]!;
  }
}

/**
 * The newest one-time code the server sent: from the test's SmsOutbox when it gave one, else from
 * the development provider's outbox file (`<data>/dev-sms-outbox.log`).
 */
export function lastSmsCode(server: Pick<TestServer, 'sms' | 'dataDir'>): string {
  if (server.sms instanceof SmsOutbox) return server.sms.lastCode();
  const file = path.join(server.dataDir, 'dev-sms-outbox.log');
  const last = existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').at(-1) : undefined;
  const m = last ? (JSON.parse(last) as { text: string }).text.match(/验证码 (\d{6})/) : null;
  if (!m) throw new Error('no code sent');
  return m[1]!;
}

/** Values for every fill-in of the 民间借贷 template, with dates after today. */
const LOAN_FIELDS: Record<string, string> = {
  'facts.loanDate': '2024年6月1日',
  'facts.loanAmount': '5万元',
  'facts.dueDate': '2025年6月1日',
  'principal.payDeadline': '2027年4月30日',
  'principal.principal': '人民币伍万元整',
  'interest.interestDeadline': '2027年4月30日',
  'interest.interest': '1500',
  'breach.overdueRate': '6%',
};

const PARTY_ADDRESS = '内蒙古自治区包头市青山区某小区1号楼1单元101室';

/**
 * Fills the case's live draft (as the mediator would in the editor) so it passes the checker. The
 * parties' 住所 goes where the product keeps it, on the participant records, and into the draft's
 * copy of them (what the server's sync would write), so a later participant change keeps it.
 */
export async function fillLoanAgreement(server: Pick<TestServer, 'drafting' | 'ctx'>, caseId: string, mediatorId: string): Promise<void> {
  await server.ctx.db.participant.updateMany({ where: { caseId, role: { in: ['APPLICANT', 'RESPONDENT'] } }, data: { address: PARTY_ADDRESS } });
  await server.drafting.mutate(
    caseId,
    mediatorId,
    (doc: Y.Doc) => {
      const a = readAgreement(doc);
      for (const [path, value] of Object.entries(LOAN_FIELDS)) {
        const [block, key] = path.split('.') as [string, string];
        const clause = a.clauses.find((c) => c.templateKey === block);
        const ref = clause ? { clauseId: clause.id } : { section: block as 'facts' };
        if (clause && !(key in clause.fields)) continue;
        setFieldValue(doc, ref, key, value, 'test');
      }
      for (const p of a.parties) {
        setPartyField(doc, p.id, 'address', PARTY_ADDRESS, 'test');
      }
      setPerformance(doc, 'method', '乙方以银行转账方式支付至甲方指定账户', 'test');
      setPerformance(doc, 'place', '甲方指定银行账户', 'test');
      setPerformance(doc, 'deadline', '2027年4月30日前', 'test');
      setPerformance(doc, 'account', '户名：李某；开户行：中国工商银行包头青山支行；账号：6222020602009876543', 'test');
    },
    async () => undefined,
  );
}

/**
 * Takes a case from 调解中 to "every party has signed" through the signing API as the parties
 * would: save a version, lock, accept every clause and sign for both parties. The mediator's
 * signature (and the issued PDF) are left to the caller.
 */
export async function lockAndSignParties(
  server: Pick<TestServer, 'url'>,
  k: { caseId: string; mediator: StaffClient; tokenA: string; tokenB: string },
  sms: SmsOutbox,
  ids: { A: string; B: string },
): Promise<void> {
  const api = (token: string) => async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${server.url}/api/signing/${k.caseId}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const json = (await res.json()) as any;
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${json.message}`);
    return json;
  };
  await k.mediator.json('POST', `/api/agreements/${k.caseId}/versions`, { name: '签署版' }, 201);
  await k.mediator.json('POST', `/api/signing/${k.caseId}/lock`, {}, 201);
  const png = Buffer.from(strokePng(300, 100)).toString('base64');
  for (const [token, name, idNumber] of [
    [k.tokenA, '李某', ids.A],
    [k.tokenB, '王某', ids.B],
  ] as const) {
    // The signing page asks for the separate consent to a handwritten signature first (PIPL 29).
    await acceptPrivacy(server.url, token);
    const call = api(token);
    const { round } = await call('GET', '');
    for (const c of round.clauses) await call('POST', '/consent', { clauseId: c.id, clauseSha256: c.sha256 });
    await call('POST', '/code', {});
    await call('POST', '/sign', {
      name,
      idLast4: idNumber.slice(-4),
      code: sms.lastCode(),
      signaturePngBase64: png,
      affirmation: '本人已阅读协议全部内容，系自愿签署',
    });
  }
}

/**
 * Takes a case from 调解中 to 已签署 through the signing API as the parties and the mediator would:
 * save a version, lock, accept every clause and sign for both parties, upload a seal if the
 * organisation has none, mediator signs.
 */
export async function signCaseThroughApi(
  server: TestServer,
  k: { caseId: string; mediator: StaffClient; tokenA: string; tokenB: string },
  sms: SmsOutbox,
  ids: { A: string; B: string },
): Promise<void> {
  await lockAndSignParties(server, k, sms, ids);
  const png = Buffer.from(strokePng(300, 100)).toString('base64');
  const org = await server.ctx.db.organisation.findFirstOrThrow({ where: { code: 'committee' } });
  if (!org.sealPng) await server.ctx.db.organisation.update({ where: { id: org.id }, data: { sealPng: Buffer.from(strokePng(200, 200)) } });
  await k.mediator.json('POST', `/api/signing/${k.caseId}/mediator-sign`, { signaturePngBase64: png }, 200);
}
