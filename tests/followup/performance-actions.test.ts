// 履行 from the parties' links and the mediator's desk: the obligee's signed confirmation of receipt
// (partial, then full; every refusal with its own code and nothing changed), appended to the record
// without touching the signed agreement; the obligor's proof (type by content, size, sealed at rest,
// the wrong side refused); the mediator's record.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../signaling/audit/log.ts';
import { openRawDb } from '../../signaling/db.ts';
import { SmsOutbox } from '../signing/signing-support.ts';
import { PNG_SIGNATURE } from '../signing/pdf-tools.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { asParty, PARTY_IDS, receipt, SIGNATURE, signedLoanCase, type SignedCase } from './performance-support.ts';

const sms = new SmsOutbox();
let server: TestServer;
let k: SignedCase;
let principalId: string;
let interestId: string;

const obligation = (id: string) => server.ctx.db.obligation.findUniqueOrThrow({ where: { id } });
const eventCount = () => server.ctx.db.obligationEvent.count({ where: { obligation: { caseId: k.caseId } } });

async function upload(token: string, obligationId: string, bytes: Buffer, type: string, name = '转账回单.png') {
  const res = await fetch(`${server.url}/api/performance/${k.caseId}/obligations/${obligationId}/proof?name=${encodeURIComponent(name)}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': type },
    body: new Uint8Array(bytes),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as any };
}

beforeAll(async () => {
  server = await startTestServer({}, { sms });
  k = await signedLoanCase(server, sms);
}, 120_000);
afterAll(() => server?.close());

describe('before the mediator confirms the schedule', () => {
  it('no party can act on a draft', async () => {
    const view = await k.mediator.json('POST', `/api/performance/${k.caseId}/schedule/derive`, {});
    [principalId, interestId] = view.obligations.map((o: any) => o.id as string);
    const r = await receipt(server, k, principalId, '100');
    expect(r.status).toBe(409);
    expect(r.body.code).toBe('SCHEDULE_NOT_CONFIRMED');
  });

  it('the mediator adds and removes items, and cannot confirm while an item still waits to be checked', async () => {
    const base = `/api/performance/${k.caseId}`;
    const same = await k.mediator.request('POST', `${base}/obligations`, {
      kind: 'ACT',
      description: '退还借条原件',
      obligorSide: 'A',
      obligeeSide: 'A',
      dueDate: '2027-05-10',
    });
    expect([same.status, ((await same.json()) as { code: string }).code]).toEqual([400, 'VALIDATION']);
    const added = await k.mediator.json(
      'POST',
      `${base}/obligations`,
      { kind: 'ACT', description: '甲方退还借条原件', obligorSide: 'A', obligeeSide: 'B', dueDate: '2027-05-10' },
      201,
    );
    const stale = await k.mediator.request('POST', `${base}/schedule/confirm`, { obligations: 2 });
    expect(((await stale.json()) as { code: string }).code).toBe('SCHEDULE_CHANGED');
    await k.mediator.json('DELETE', `${base}/obligations/${added.id}`, undefined, 204);
    // A derived reading the mediator has not checked yet (as derive marks an unreadable side or date).
    await server.ctx.db.obligation.update({ where: { id: interestId }, data: { reviewNotes: JSON.stringify(['条文未写明义务人或权利人，请选择']) } });
    const open = await k.mediator.request('POST', `${base}/schedule/confirm`, { obligations: 2 });
    const body = (await open.json()) as { code: string; message: string };
    expect([open.status, body.code]).toEqual([409, 'SCHEDULE_INCOMPLETE']);
    expect(body.message).toContain('第 2 项');
    const staff = await k.mediator.json('GET', base);
    expect(staff.obligations[1].review).toEqual(['条文未写明义务人或权利人，请选择']);
    await k.mediator.json(
      'PUT',
      `${base}/obligations/${interestId}`,
      { kind: 'PAYMENT', description: staff.obligations[1].description, obligorSide: 'B', obligeeSide: 'A', amount: '1500', dueDate: '2027-04-30' },
      204,
    );
    const audit = await server.ctx.db.auditEntry.findMany({ where: { caseId: k.caseId, type: 'OBLIGATION_CORRECTED' }, orderBy: { seq: 'asc' } });
    expect(audit.map((a) => JSON.parse(a.data).changes)).toEqual([['新增'], ['删除'], ['已核对']]);
    const confirmed = await k.mediator.json('POST', `${base}/schedule/confirm`, { obligations: 2 });
    expect(confirmed.schedule.status).toBe('CONFIRMED');
    expect(confirmed.obligations.map((o: any) => o.review)).toEqual([[], []]);
  });
});

describe('the obligee confirms receipt', () => {
  it('refusals name what is wrong and change nothing', async () => {
    const before = await eventCount();
    const cases: Array<[() => Promise<{ status: number; body: any }>, number, string]> = [
      // The obligor cannot confirm its own payment.
      [
        () =>
          asParty(server, k.tokenB, 'POST', `/api/performance/${k.caseId}/obligations/${principalId}/receipt`, {
            amount: '100',
            name: '王某',
            idLast4: PARTY_IDS.B.slice(-4),
            signaturePngBase64: SIGNATURE,
            affirmation: '本人确认已收到上述履行，所述属实',
          }),
        403,
        'NOT_OBLIGEE',
      ],
      // An interpreter has no say on performance at all.
      [() => asParty(server, k.tokenInterpreter, 'POST', `/api/performance/${k.caseId}/obligations/${principalId}/receipt`, { amount: '1' }), 403, 'FORBIDDEN'],
      // Another case's link.
      [
        () => asParty(server, k.tokenOtherCase, 'POST', `/api/performance/${k.caseId}/obligations/${principalId}/receipt`, { amount: '1' }),
        403,
        'TOKEN_WRONG_CASE',
      ],
      [() => receipt(server, k, principalId, '100', { idLast4: '0000' }), 400, 'IDENTITY_MISMATCH'],
      [() => receipt(server, k, principalId, '100', { affirmation: '收到了' }), 400, 'AFFIRMATION_MISMATCH'],
      [() => receipt(server, k, principalId, '50000.01'), 400, 'RECEIPT_EXCEEDS'],
      [() => receipt(server, k, principalId, undefined), 400, 'VALIDATION'],
      [() => receipt(server, k, principalId, '12.345'), 400, 'VALIDATION'],
      [
        () =>
          receipt(server, k, principalId, '100', {
            signaturePngBase64: Buffer.from('not a png at all, just text padded out to be long enough to pass the length check of the schema').toString(
              'base64',
            ),
          }),
        400,
        'INVALID_IMAGE',
      ],
    ];
    for (const [call, status, code] of cases) {
      const r = await call();
      expect([r.status, r.body.code]).toEqual([status, code]);
    }
    expect(await eventCount()).toBe(before);
    expect((await obligation(principalId)).receivedFen).toBe(0);
  });

  it('part, then the rest: 部分履行 then 已履行, each a signed statement appended to the record; the signed agreement is untouched', async () => {
    const round = await server.ctx.db.signingRound.findFirstOrThrow({ where: { caseId: k.caseId, status: 'COMPLETED' }, include: { signatures: true } });
    const first = await receipt(server, k, principalId, '20000', { note: '微信转账' });
    expect(first.body).toEqual({ status: 'PARTIAL', receivedFen: 2_000_000 });
    const second = await receipt(server, k, principalId, '30000');
    expect(second.body).toEqual({ status: 'PERFORMED', receivedFen: 5_000_000 });
    expect((await obligation(principalId)).performedAt).not.toBeNull();
    const again = await receipt(server, k, principalId, '1');
    expect([again.status, again.body.code]).toEqual([409, 'OBLIGATION_PERFORMED']);

    const audit = await server.ctx.db.auditEntry.findMany({ where: { caseId: k.caseId, type: 'OBLIGATION_RECEIPT_CONFIRMED' }, orderBy: { seq: 'asc' } });
    expect(audit.map((a) => JSON.parse(a.data))).toEqual([
      expect.objectContaining({
        obligationId: principalId,
        amountFen: 2_000_000,
        receivedFen: 2_000_000,
        status: 'PARTIAL',
        agreementPdfSha256: round.pdfSha256,
      }),
      expect.objectContaining({
        obligationId: principalId,
        amountFen: 3_000_000,
        receivedFen: 5_000_000,
        status: 'PERFORMED',
        agreementPdfSha256: round.pdfSha256,
      }),
    ]);
    for (const a of audit) {
      expect(a.actorType).toBe('party');
      expect(JSON.parse(a.data).statementSha256).toMatch(/^[0-9a-f]{64}$/);
    }
    expect((await verifyAuditChain(server.ctx.db)).ok).toBe(true);
    // Appended, not re-signed: the issued agreement, its digest and its signatures are as they were.
    const now = await server.ctx.db.signingRound.findFirstOrThrow({ where: { id: round.id }, include: { signatures: true } });
    expect(now.pdfSha256).toBe(round.pdfSha256);
    expect(now.status).toBe('COMPLETED');
    expect(now.signatures.map((s) => [s.id, s.signedAt.toISOString()])).toEqual(round.signatures.map((s) => [s.id, s.signedAt.toISOString()]));

    // The drawn signature is kept sealed at rest; staff read it back as the PNG it was.
    const signed = await server.ctx.db.obligationEvent.findMany({ where: { obligationId: principalId, type: 'RECEIPT_CONFIRMED' }, orderBy: { id: 'asc' } });
    expect(signed).toHaveLength(2);
    expect(signed[0]!.note).toBe('微信转账');
    const file = await k.mediator.request('GET', `/api/performance/${k.caseId}/files/${signed[0]!.id}`);
    expect(file.status).toBe(200);
    expect(Buffer.from(await file.arrayBuffer()).equals(Buffer.from(SIGNATURE, 'base64'))).toBe(true);
  });
});

describe('the obligor uploads a proof', () => {
  const png = Buffer.from(SIGNATURE, 'base64');
  const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(200, 7)]);

  it('wrong side, wrong type, too large: refused with its code, nothing stored', async () => {
    const before = await eventCount();
    const cases: Array<[() => ReturnType<typeof upload>, number, string | undefined]> = [
      [() => upload(k.tokenA, interestId, png, 'image/png'), 403, 'NOT_OBLIGOR'],
      [() => upload(k.tokenB, interestId, Buffer.from('我已经转账了'.repeat(20)), 'image/png'), 400, 'INVALID_FILE'],
      [() => upload(k.tokenB, interestId, jpeg, 'image/png'), 400, 'INVALID_FILE'],
      [() => upload(k.tokenB, interestId, Buffer.alloc(0), 'image/png'), 400, 'INVALID_FILE'],
      [() => upload(k.tokenB, interestId, Buffer.concat([png, Buffer.alloc(10 * 1024 * 1024 + 1 - png.length)]), 'image/png'), 413, 'FILE_TOO_LARGE'],
      [() => upload(k.tokenB, interestId, png, 'text/plain'), 400, 'INVALID_FILE'],
      [() => upload(k.tokenB, principalId, png, 'image/png'), 409, 'OBLIGATION_PERFORMED'],
    ];
    for (const [call, status, code] of cases) {
      const r = await call();
      expect(r.status).toBe(status);
      if (code) expect(r.body.code).toBe(code);
    }
    expect(await eventCount()).toBe(before);
  });

  it('a JPG or PNG is stored sealed, audited, and only the case’s staff can open it', async () => {
    const r = await upload(k.tokenB, interestId, jpeg, 'image/jpeg', '../../回单.jpg');
    expect(r.status).toBe(201);
    const e = await server.ctx.db.obligationEvent.findUniqueOrThrow({ where: { id: r.body.id } });
    expect(e).toMatchObject({ type: 'PROOF_UPLOADED', participantId: k.partyBId, mime: 'image/jpeg', fileName: '回单.jpg' });
    expect(Buffer.from(e.bytes!).equals(jpeg)).toBe(true);
    const raw = openRawDb(path.join(server.dataDir, 'jiefen.db'));
    try {
      const row = await raw.obligationEvent.findUniqueOrThrow({ where: { id: r.body.id } });
      const stored = Buffer.from(row.bytes!);
      expect(stored.equals(jpeg)).toBe(false);
      expect(stored.includes(jpeg.subarray(0, 4))).toBe(false);
      expect(row.fileName).toMatch(/^enc:v1:/);
      const sig = await raw.obligationEvent.findFirstOrThrow({ where: { obligationId: principalId, type: 'RECEIPT_CONFIRMED' } });
      expect(Buffer.from(sig.bytes!).includes(PNG_SIGNATURE)).toBe(false);
      expect(sig.note).toMatch(/^enc:v1:/);
    } finally {
      await raw.$disconnect();
    }
    const audit = await server.ctx.db.auditEntry.findFirstOrThrow({ where: { caseId: k.caseId, type: 'OBLIGATION_PROOF_UPLOADED' } });
    expect(JSON.parse(audit.data)).toMatchObject({ obligationId: interestId, mime: 'image/jpeg', bytes: jpeg.length });
    const staff = await k.mediator.request('GET', `/api/performance/${k.caseId}/files/${r.body.id}`);
    expect(Buffer.from(await staff.arrayBuffer()).equals(jpeg)).toBe(true);
    expect((await asParty(server, k.tokenA, 'GET', `/api/performance/${k.caseId}/files/${r.body.id}`)).status).toBe(403);
    // The obligee's page lists the proof; a proof is not a confirmation: still 未到期.
    const a = await asParty(server, k.tokenA, 'GET', `/api/performance/${k.caseId}`);
    expect(a.body.obligations[1].status).toBe('NOT_DUE');
    expect(a.body.obligations[1].events.map((x: any) => [x.type, x.by])).toEqual([['PROOF_UPLOADED', '王某']]);
  });
});

describe('the mediator records', () => {
  it('what the obligee reported, audited; a party cannot', async () => {
    const party = await asParty(server, k.tokenA, 'POST', `/api/performance/${k.caseId}/obligations/${interestId}/record`, {
      amount: '1500',
      note: '电话告知',
    });
    expect(party.status).toBe(403);
    const r = await k.mediator.json('POST', `/api/performance/${k.caseId}/obligations/${interestId}/record`, {
      amount: '1500',
      note: '权利人电话告知已收到利息',
    });
    expect(r).toEqual({ status: 'PERFORMED', receivedFen: 150_000 });
    const audit = await server.ctx.db.auditEntry.findFirstOrThrow({ where: { caseId: k.caseId, type: 'OBLIGATION_RECORDED' } });
    expect(JSON.parse(audit.data)).toMatchObject({ obligationId: interestId, amountFen: 150_000, status: 'PERFORMED' });
    const view = await k.mediator.json('GET', `/api/performance/${k.caseId}`);
    expect(view.obligations.map((o: any) => o.status)).toEqual(['PERFORMED', 'PERFORMED']);
    expect(view.obligations[1].events.at(-1)).toMatchObject({ type: 'RECORDED_BY_MEDIATOR', note: '权利人电话告知已收到利息', amountFen: 150_000 });
    expect(view.remedies).toBeNull();
  });
});
