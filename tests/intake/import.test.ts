// 批量导入: a financial institution's .xlsx of disputes. A good file becomes, row by row, a matter
// (channel IMPORT) that went registered → accepted → assigned with every step and hand-over
// recorded, and a case in the chosen unit for the chosen mediator, with both parties and, when
// asked, invitation links sent by SMS. A file with any bad row imports nothing and the report names
// each bad row and column. The template downloads and imports as it is once filled.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ownershipViolations } from '../../signaling/intake/ownership.ts';
import { XLSX_MIME } from '../../signaling/intake-desk/import/columns.ts';
import { startTestServer, type StaffClient, type TestServer } from '../support/server.ts';
import { unitStaff } from './desk-helpers.ts';
import { financialDisputeRow, importXlsx, type ImportCells } from './import-files.ts';

describe('batch import of financial disputes', () => {
  let server: TestServer;
  let dispatcher: { id: string; client: StaffClient };
  let mediator: { id: string; unitId: string };
  let otherMediator: { id: string };

  beforeAll(async () => {
    server = await startTestServer();
    dispatcher = await unitStaff(server, 'centre-office', 'DISPATCHER', 'daoru', '导入员');
    mediator = await unitStaff(server, 'financial', 'MEDIATOR', 'jinrong', '金融调解员');
    otherMediator = await unitStaff(server, 'committee', 'MEDIATOR', 'shequ', '社区调解员');
  }, 120_000);
  afterAll(() => server?.close());

  const upload = (file: Buffer, query: string, client = dispatcher.client) =>
    fetch(`${server.url}/api/intake/imports?${query}`, {
      method: 'POST',
      headers: { cookie: client.cookie, 'x-csrf-token': client.csrfToken, 'content-type': XLSX_MIME },
      body: new Uint8Array(file),
    });
  const counts = async () => ({
    matters: await server.ctx.db.matter.count(),
    cases: await server.ctx.db.case.count(),
    participants: await server.ctx.db.participant.count(),
    invitations: await server.ctx.db.invitation.count(),
    audit: await server.ctx.db.auditEntry.count(),
  });

  it('imports a good file: each row a matter assigned to the mediator, a case in the financial unit with both parties and links sent', async () => {
    const rows = Array.from({ length: 12 }, (_, i) => financialDisputeRow(i));
    const res = await upload(await importXlsx(rows), `mediatorId=${mediator.id}&sendLinks=1`);
    expect(res.status).toBe(201);
    const result = await res.json();
    expect(result.imported).toHaveLength(12);
    expect(result).toMatchObject({ links: 24, sent: 24, notSent: 0, unit: { id: mediator.unitId }, mediator: { id: mediator.id } });
    expect(result.imported.map((m: { row: number }) => m.row)).toEqual(rows.map((_, i) => i + 2));

    const first = await server.ctx.db.matter.findUniqueOrThrow({
      where: { id: result.imported[0].matterId },
      include: {
        parties: true,
        events: { orderBy: { id: 'asc' } },
        ownerships: { orderBy: { id: 'asc' } },
        case: { include: { participants: true, invitations: true } },
      },
    });
    expect(first).toMatchObject({
      channel: 'IMPORT',
      status: 'ASSIGNED',
      registeredById: dispatcher.id,
      ownerUnitId: mediator.unitId,
      ownerUserId: mediator.id,
      disputeType: 'FINANCIAL_LOAN',
    });
    expect(first.events.map((e) => e.type)).toEqual(['REGISTERED', 'DEADLINE_SET', 'ROUTED', 'ACCEPTED', 'ASSIGNED', 'CASE_OPENED', 'DEADLINE_SET']);
    expect(first.ownerships.map((o) => [o.reason, o.userId])).toEqual([
      ['REGISTERED', dispatcher.id],
      ['ACCEPTED', mediator.id], // the financial unit has no head: its mediator accepts
    ]);
    expect(await ownershipViolations(server.ctx.db, first.id)).toEqual([]);
    expect(first.case).toMatchObject({ orgId: mediator.unitId, mediatorId: mediator.id, status: 'ACCEPTED', disputeType: 'FINANCIAL_LOAN' });
    expect(first.case!.number).toMatch(/〔\d{4}〕第1号$/);
    const [applicant, respondent] = [...first.case!.participants].sort((a, b) => a.role.localeCompare(b.role));
    expect(applicant).toMatchObject({ role: 'APPLICANT', side: 'A', personType: 'legal', name: rows[0]!.applicantName, phone: '04722155555' });
    expect(respondent).toMatchObject({
      role: 'RESPONDENT',
      side: 'B',
      personType: 'natural',
      name: rows[0]!.respondentName,
      idNumber: rows[0]!.respondentIdNumber,
    });
    expect(first.case!.invitations).toHaveLength(2);
    expect(first.parties.map((p) => p.role).sort()).toEqual(['APPLICANT', 'RESPONDENT']);
    // The links went out through the SMS provider (the development one writes its outbox file).
    const outbox = readFileSync(path.join(server.dataDir, 'dev-sms-outbox.log'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { to: string; text: string });
    expect(outbox).toHaveLength(24);
    expect(outbox.find((m) => m.to === rows[0]!.respondentPhone)?.text).toContain(`${server.url}/j/`);
  });

  it('rejects a file with bad rows as a whole and names each error by row and column', async () => {
    const before = await counts();
    const rows: ImportCells[] = [
      financialDisputeRow(100),
      { ...financialDisputeRow(101), respondentPhone: '1234567' },
      { ...financialDisputeRow(102), respondentIdNumber: '150204199001010010', summary: '' },
      financialDisputeRow(103),
      { ...financialDisputeRow(104), amountYuan: '一万元', disputeType: '借钱不还' },
    ];
    const res = await upload(await importXlsx(rows), `mediatorId=${mediator.id}&sendLinks=1`);
    expect(res.status).toBe(422);
    const body = await res.json();
    expect(body.code).toBe('IMPORT_REJECTED');
    expect(body.errors.map((e: { row: number; field: string }) => [e.row, e.field])).toEqual([
      [3, '被申请人手机号码'],
      [4, '被申请人身份证号码'],
      [4, '案情摘要'],
      [6, '纠纷类型'],
      [6, '争议金额（元）'],
    ]);
    expect(body.errors[1].message).toContain('校验位');
    expect(body.errors[2].message).toBe('必填，不能为空');
    expect(await counts()).toEqual(before);
  });

  it('rejects a wrong header, an unreadable file, a mediator of another unit and a non-dispatcher, importing nothing', async () => {
    const mediatorClient = (await unitStaff(server, 'financial', 'MEDIATOR', 'jinrong2', '金融调解员二')).client;
    const before = await counts();
    const good = await importXlsx([financialDisputeRow(200)]);
    const wrongHeader = await upload(await importXlsx([financialDisputeRow(201)], ['姓名', '电话']), `mediatorId=${mediator.id}`);
    expect(wrongHeader.status).toBe(422);
    expect((await wrongHeader.json()).errors[0]).toMatchObject({ row: 1, field: '表头' });
    const garbage = await upload(Buffer.from('not a spreadsheet'), `mediatorId=${mediator.id}`);
    expect([garbage.status, (await garbage.json()).code]).toEqual([400, 'IMPORT_FILE_UNREADABLE']);
    const wrongMediator = await upload(good, `mediatorId=${otherMediator.id}`);
    expect([wrongMediator.status, (await wrongMediator.json()).code]).toEqual([409, 'MEDIATOR_NOT_IN_UNIT']);
    const noUnit = await upload(good, `mediatorId=${mediator.id}&unitId=nosuchunit`);
    expect([noUnit.status, (await noUnit.json()).code]).toEqual([404, 'UNIT_NOT_FOUND']);
    const notAllowed = await upload(good, `mediatorId=${mediator.id}`, mediatorClient);
    expect([notAllowed.status, (await notAllowed.json()).code]).toEqual([403, 'FORBIDDEN']);
    expect(await counts()).toEqual(before);
  });

  it('serves a template that imports once filled in (without links: none created, none sent)', async () => {
    const res = await fetch(`${server.url}/api/intake/imports/template`, { headers: { cookie: dispatcher.client.cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(XLSX_MIME);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    const sheet = wb.worksheets[0]!;
    const row = financialDisputeRow(300);
    sheet.addRow(Object.values(row).map((v) => v ?? null));
    const filled = Buffer.from(await wb.xlsx.writeBuffer());
    const before = await counts();
    const imported = await upload(filled, `mediatorId=${mediator.id}`);
    expect(imported.status).toBe(201);
    expect(await imported.json()).toMatchObject({ links: 0, sent: 0 });
    const after = await counts();
    expect([
      after.matters - before.matters,
      after.cases - before.cases,
      after.participants - before.participants,
      after.invitations - before.invitations,
    ]).toEqual([1, 1, 2, 0]);
    const { units, defaultUnitCode } = await dispatcher.client.json('GET', '/api/intake/imports/targets');
    expect(defaultUnitCode).toBe('financial');
    expect(units.find((u: { code: string }) => u.code === 'financial').mediators.map((m: { id: string }) => m.id)).toContain(mediator.id);
  });
});
