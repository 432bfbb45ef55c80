// What a batch import leaves behind, row by row, must be what registering, routing, accepting and
// assigning that matter one step at a time leaves: the registration and case numbers in row order,
// the owner history (首接负责), the steps of the matter's history, its deadline jobs, the case with
// its parties and links, and the case's audit rows in their order. The import writes a whole file
// with a few statements per table (import-service.ts), so this pins each row's history down (the
// snapshot was taken from the import that wrote one row after the other) and compares an imported
// matter with the same dispute registered at the window and moved by hand through the API.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../signaling/audit/log.ts';
import type { Db } from '../../signaling/db.ts';
import { formatRegistrationNumber } from '../../signaling/domain/intake-vocabulary.ts';
import { ownershipViolations } from '../../signaling/intake/ownership.ts';
import { XLSX_MIME } from '../../signaling/intake-desk/import/columns.ts';
import { PERSON_FACING_STEPS } from '../../signaling/intake/matter-events.ts';
import { makeIdNumber, startTestServer, type StaffClient, type TestServer } from '../support/server.ts';
import { countStatements } from '../support/sql-count.ts';
import { financialDisputeRow, importXlsx } from './import-files.ts';
import { addUnitStaff, loginAs, type UnitStaff } from './routing-support.ts';

const ELDER_ID = makeIdNumber('15020419450301001'); // born 1945: the 弱信号 for the elderly

/** Everything stored about one matter and its case, with ids named and times as ms after registration. */
async function historyOf(db: Db, matterId: string, names: Map<string, string>) {
  const m = await db.matter.findUniqueOrThrow({
    where: { id: matterId },
    include: {
      parties: { orderBy: { role: 'asc' } },
      ownerships: { orderBy: { id: 'asc' } },
      events: { orderBy: { id: 'asc' } },
      case: { include: { participants: { orderBy: { side: 'asc' } }, invitations: { include: { participant: true } } } },
    },
  });
  const t0 = m.createdAt.getTime();
  const after = (d: Date | null) => (d === null ? null : d.getTime() - t0);
  const c = m.case!;
  const local = new Map(names);
  local.set(m.id, '<matter>').set(c.id, '<case>');
  for (const p of c.participants) local.set(p.id, `<participant ${p.side}>`);
  for (const i of c.invitations) local.set(i.id, `<link ${i.participant.side}>`);
  // Ids inside JSON data and columns become names; ISO times inside data become offsets.
  const named = (text: string) =>
    [...local.entries()]
      .reduce((s, [id, name]) => s.replaceAll(id, name), text)
      .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g, (iso) => `+${new Date(iso).getTime() - t0}ms`);
  const data = (json: string) => JSON.parse(named(json)) as unknown;
  const jobs = await db.scheduledJob.findMany({ where: { matterId, status: 'PENDING' }, orderBy: { runAt: 'asc' } });
  const audit = await db.auditEntry.findMany({ where: { caseId: c.id }, orderBy: { seq: 'asc' } });
  return {
    matter: {
      channel: m.channel,
      status: m.status,
      disputeType: m.disputeType,
      title: m.title,
      amountFen: m.amountFen,
      urgency: m.urgency,
      riskFlags: m.riskFlags,
      registeredBy: named(m.registeredById ?? ''),
      owner: named(`${m.ownerUnitId} ${m.ownerUserId}`),
      pendingUnit: m.pendingUnitId,
      stageDue: after(m.stageDueAt),
    },
    parties: m.parties.map((p) => [p.role, p.kind, p.name, p.phone, p.idNumber, p.address, p.phoneVerified]),
    ownerships: m.ownerships.map((o) => [o.reason, named(o.userId), after(o.fromAt), after(o.toAt)]),
    events: m.events.map((e) => [e.type, e.actorLabel, after(e.at), data(e.data)]),
    jobs: jobs.map((j) => [j.kind, j.stage, after(j.dueAt), after(j.runAt)]),
    case: { status: c.status, org: named(c.orgId), mediator: named(c.mediatorId ?? ''), dueDate: after(c.dueDate), title: c.title },
    participants: c.participants.map((p) => [p.role, p.side, p.personType, p.name, p.phone, p.idNumber, p.address, p.creditCode]),
    invitations: c.invitations
      .map((i) => [i.participant.side, named(i.createdById ?? ''), after(i.expiresAt), i.revokedAt])
      .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    audit: audit.map((a) => [a.type, a.actorType, named(a.actorId ?? ''), a.actorLabel, data(a.data)]),
  };
}

describe('an imported matter has the history of one moved by hand', () => {
  let server: TestServer;
  let dispatcher: UnitStaff;
  let head: UnitStaff;
  let mediator: UnitStaff;
  let as: { dispatcher: StaffClient; head: StaffClient };
  const names = new Map<string, string>();

  beforeAll(async () => {
    // The notifier polls once at start and then stays quiet: the statement count sees the import alone.
    server = await startTestServer({ SMS_PROVIDER: 'dev', NOTIFY_POLL_MS: '600000' });
    const db = server.ctx.db;
    dispatcher = await addUnitStaff(db, 'centre-office', 'DISPATCHER', 'lishouli', '李受理');
    head = await addUnitStaff(db, 'financial', 'UNIT_HEAD', 'wangfuze', '王负责');
    mediator = await addUnitStaff(db, 'financial', 'MEDIATOR', 'chentiaojie', '陈调解');
    as = { dispatcher: await loginAs(server.url, dispatcher), head: await loginAs(server.url, head) };
    for (const u of [dispatcher, head, mediator]) names.set(u.id, u.displayName);
    for (const unit of await db.organisation.findMany()) names.set(unit.id, unit.code ?? unit.name);
  }, 120_000);
  afterAll(() => server?.close());

  function upload(rows: ReturnType<typeof financialDisputeRow>[]) {
    return importXlsx(rows).then((file) =>
      fetch(`${server.url}/api/intake/imports?mediatorId=${mediator.id}&sendLinks=1`, {
        method: 'POST',
        headers: { cookie: as.dispatcher.cookie, 'x-csrf-token': as.dispatcher.csrfToken, 'content-type': XLSX_MIME },
        body: new Uint8Array(file),
      }),
    );
  }

  async function importRows(rows: ReturnType<typeof financialDisputeRow>[]) {
    const res = await fetch(`${server.url}/api/intake/imports?mediatorId=${mediator.id}&sendLinks=1`, {
      method: 'POST',
      headers: { cookie: as.dispatcher.cookie, 'x-csrf-token': as.dispatcher.csrfToken, 'content-type': XLSX_MIME },
      body: new Uint8Array(await importXlsx(rows)),
    });
    expect(res.status).toBe(201);
    return (await res.json()) as { imported: { row: number; matterId: string; registrationNo: string; caseId: string; caseNumber: string }[] };
  }

  it('keeps each row’s numbers, owners, steps, deadline jobs, parties, links and audit rows', async () => {
    const rows = [{ ...financialDisputeRow(1), respondentIdNumber: ELDER_ID }, financialDisputeRow(2), financialDisputeRow(3)];
    const { imported } = await importRows(rows);
    const db = server.ctx.db;

    // Numbers follow the rows, without gaps, in the centre's and the unit's yearly counters.
    const serial = (no: string) => Number(/第(\d+)号$/.exec(no)![1]);
    const regNos = imported.map((m) => serial(m.registrationNo));
    const caseNos = imported.map((m) => serial(m.caseNumber));
    expect(regNos).toEqual([regNos[0], regNos[0]! + 1, regNos[0]! + 2]);
    expect(caseNos).toEqual([1, 2, 3]);
    const stored = await db.matter.findMany({ where: { id: { in: imported.map((m) => m.matterId) } }, include: { case: true } });
    for (const m of imported) {
      const row = stored.find((s) => s.id === m.matterId)!;
      expect([row.registrationNo, row.case!.number, row.caseId]).toEqual([m.registrationNo, m.caseNumber, m.caseId]);
      expect(await ownershipViolations(db, m.matterId)).toEqual([]);
    }

    expect(await historyOf(db, imported[0]!.matterId, names)).toMatchInlineSnapshot(`
      {
        "audit": [
          [
            "CASE_CREATED",
            "user",
            "李受理",
            "李受理（lishouli）",
            {
              "disputeType": "FINANCIAL_LOAN",
              "number": "青山金融调〔2026〕第1号",
              "title": "中国工商银行股份有限公司包头青山支行与李建国金融借款合同纠纷",
            },
          ],
          [
            "PARTICIPANT_ADDED",
            "user",
            "李受理",
            "李受理（lishouli）",
            {
              "name": "中国工商银行股份有限公司包头青山支行",
              "participantId": "<participant A>",
              "role": "APPLICANT",
              "side": "A",
            },
          ],
          [
            "PARTICIPANT_ADDED",
            "user",
            "李受理",
            "李受理（lishouli）",
            {
              "name": "李建国",
              "participantId": "<participant B>",
              "role": "RESPONDENT",
              "side": "B",
            },
          ],
          [
            "INVITATION_CREATED",
            "user",
            "李受理",
            "李受理（lishouli）",
            {
              "expiresAt": "+1209600000ms",
              "invitationId": "<link A>",
              "participantId": "<participant A>",
            },
          ],
          [
            "INVITATION_CREATED",
            "user",
            "李受理",
            "李受理（lishouli）",
            {
              "expiresAt": "+1209600000ms",
              "invitationId": "<link B>",
              "participantId": "<participant B>",
            },
          ],
        ],
        "case": {
          "dueDate": 2592000000,
          "mediator": "陈调解",
          "org": "financial",
          "status": "ACCEPTED",
          "title": "中国工商银行股份有限公司包头青山支行与李建国金融借款合同纠纷",
        },
        "events": [
          [
            "REGISTERED",
            "李受理（中心受理员）",
            0,
            {
              "channel": "IMPORT",
            },
          ],
          [
            "DEADLINE_SET",
            "李受理（中心受理员）",
            0,
            {
              "dueAt": "+86400000ms",
              "stage": "REGISTERED",
            },
          ],
          [
            "RISK_FLAGGED",
            "李受理（中心受理员）",
            0,
            {
              "flags": [
                "ELDERLY",
              ],
            },
          ],
          [
            "ROUTED",
            "李受理（中心受理员）",
            0,
            {
              "toUnitId": "financial",
            },
          ],
          [
            "ACCEPTED",
            "李受理（中心受理员）",
            0,
            {
              "unitId": "financial",
            },
          ],
          [
            "ASSIGNED",
            "李受理（中心受理员）",
            0,
            {
              "unitId": "financial",
              "userId": "陈调解",
            },
          ],
          [
            "CASE_OPENED",
            "李受理（中心受理员）",
            0,
            {
              "caseId": "<case>",
              "caseNumber": "青山金融调〔2026〕第1号",
            },
          ],
          [
            "DEADLINE_SET",
            "李受理（中心受理员）",
            0,
            {
              "dueAt": "+2592000000ms",
              "stage": "ASSIGNED",
            },
          ],
        ],
        "invitations": [
          [
            "A",
            "李受理",
            1209600000,
            null,
          ],
          [
            "B",
            "李受理",
            1209600000,
            null,
          ],
        ],
        "jobs": [
          [
            "REMIND",
            "ASSIGNED",
            2592000000,
            2332800000,
          ],
          [
            "ESCALATE_UNIT_HEAD",
            "ASSIGNED",
            2592000000,
            2592000000,
          ],
          [
            "ESCALATE_CENTRE",
            "ASSIGNED",
            2592000000,
            2678400000,
          ],
        ],
        "matter": {
          "amountFen": 1291900,
          "channel": "IMPORT",
          "disputeType": "FINANCIAL_LOAN",
          "owner": "financial 陈调解",
          "pendingUnit": null,
          "registeredBy": "李受理",
          "riskFlags": "["ELDERLY"]",
          "stageDue": 2592000000,
          "status": "ASSIGNED",
          "title": "中国工商银行股份有限公司包头青山支行与李建国金融借款合同纠纷",
          "urgency": "NORMAL",
        },
        "ownerships": [
          [
            "REGISTERED",
            "李受理",
            0,
            0,
          ],
          [
            "ACCEPTED",
            "王负责",
            0,
            0,
          ],
          [
            "ASSIGNED",
            "陈调解",
            0,
            null,
          ],
        ],
        "participants": [
          [
            "APPLICANT",
            "A",
            "legal",
            "中国工商银行股份有限公司包头青山支行",
            "04722155555",
            "150204198001010012",
            null,
            null,
          ],
          [
            "RESPONDENT",
            "B",
            "natural",
            "李建国",
            "13910000001",
            "150204194503010014",
            "内蒙古自治区包头市青山区富强路2号",
            null,
          ],
        ],
        "parties": [
          [
            "APPLICANT",
            "ORGANISATION",
            "中国工商银行股份有限公司包头青山支行",
            "04722155555",
            null,
            null,
            false,
          ],
          [
            "RESPONDENT",
            "PERSON",
            "李建国",
            "13910000001",
            "150204194503010014",
            "内蒙古自治区包头市青山区富强路2号",
            false,
          ],
        ],
      }
    `);
    // A row without 弱信号 has the same steps without RISK_FLAGGED.
    const second = await historyOf(db, imported[1]!.matterId, names);
    expect(second.events.map(([type]) => type)).toEqual(['REGISTERED', 'DEADLINE_SET', 'ROUTED', 'ACCEPTED', 'ASSIGNED', 'CASE_OPENED', 'DEADLINE_SET']);

    // The audit rows of each case are consecutive in the chain, row after row, and the chain holds.
    const audit = await db.auditEntry.findMany({ where: { caseId: { in: imported.map((m) => m.caseId) } }, orderBy: { seq: 'asc' } });
    expect(audit.map((a) => imported.findIndex((m) => m.caseId === a.caseId))).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2]);
    expect(audit.at(-1)!.seq - audit[0]!.seq).toBe(14);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true });
  });

  it('ends where the same dispute registered at the window, routed, accepted and assigned by hand ends', async () => {
    const row = financialDisputeRow(50);
    const { imported } = await importRows([row]);
    const byImport = await historyOf(server.ctx.db, imported[0]!.matterId, names);

    const registered = await as.dispatcher.json<{ matter: { id: string } }>(
      'POST',
      '/api/intake/registrations',
      {
        channel: 'WINDOW',
        disputeType: 'FINANCIAL_LOAN',
        title: byImport.matter.title,
        summary: String(row.summary),
        amountYuan: Number(row.amountYuan),
        parties: [
          { role: 'APPLICANT', kind: 'ORGANISATION', name: String(row.applicantName), phone: '04722155555' },
          {
            role: 'RESPONDENT',
            name: String(row.respondentName),
            phone: String(row.respondentPhone),
            idNumber: String(row.respondentIdNumber),
            address: String(row.respondentAddress),
          },
        ],
      },
      201,
    );
    const matterId = registered.matter.id;
    const financial = await server.ctx.db.organisation.findFirstOrThrow({ where: { code: 'financial' } });
    for (const [client, step, body] of [
      [as.dispatcher, 'route', { unitId: financial.id }],
      [as.head, 'accept', undefined],
      [as.head, 'assign', { mediatorId: mediator.id }],
    ] as const) {
      const res = await client.request('POST', `/api/routing/matters/${matterId}/${step}`, body);
      expect(res.status, `${step}: ${await res.clone().text()}`).toBeLessThan(300);
    }
    const byHand = await historyOf(server.ctx.db, matterId, names);

    // The same people were responsible in the same order, the person sees the same steps, and the
    // matter waits in the same stage with the same deadline and the same reminder and 督办 jobs.
    const ownersOf = (h: typeof byImport) => h.ownerships.map(([reason, who]) => [reason, who]);
    expect(ownersOf(byImport)).toEqual([
      ['REGISTERED', '李受理'],
      ['ACCEPTED', '王负责'],
      ['ASSIGNED', '陈调解'],
    ]);
    expect(ownersOf(byHand)).toEqual(ownersOf(byImport));
    const personSteps = (h: typeof byImport) => h.events.map(([type]) => type).filter((t) => String(t) in PERSON_FACING_STEPS);
    expect(personSteps(byImport)).toEqual(['REGISTERED', 'ROUTED', 'ACCEPTED', 'ASSIGNED', 'CASE_OPENED']);
    expect(personSteps(byHand)).toEqual(personSteps(byImport));
    // Times from the assignment (by hand it comes later than the registration). The channel differs,
    // and so may the flags: the bank "reports repeatedly" at the window, never in its own import.
    const fromAssignment = (h: typeof byImport) => {
      const assignedAt = Number(h.ownerships.at(-1)![2]);
      const { channel, riskFlags, ...matter } = h.matter;
      void [channel, riskFlags];
      return {
        matter: { ...matter, stageDue: h.matter.stageDue! - assignedAt },
        jobs: h.jobs.map(([kind, stage, dueAt, runAt]) => [kind, stage, Number(dueAt) - assignedAt, Number(runAt) - assignedAt]),
        case: { ...h.case, dueDate: h.case.dueDate! - assignedAt },
      };
    };
    expect([byImport.matter.channel, byImport.matter.riskFlags]).toEqual(['IMPORT', '[]']);
    expect(fromAssignment(byHand)).toEqual(fromAssignment(byImport));
    // The case starts with the same parties and audit rows (the import also sends their links).
    expect(byHand.parties).toEqual(byImport.parties);
    const caseSteps = (h: typeof byImport) => h.audit.map(([type, , , , data]) => [type, (data as { role?: string }).role ?? null]);
    expect(caseSteps(byImport)).toEqual([
      ['CASE_CREATED', null],
      ['PARTICIPANT_ADDED', 'APPLICANT'],
      ['PARTICIPANT_ADDED', 'RESPONDENT'],
      ['INVITATION_CREATED', null],
      ['INVITATION_CREATED', null],
    ]);
    expect(caseSteps(byHand)).toEqual(caseSteps(byImport).slice(0, 3));
  });
  it('rolls the whole file back when a row fails while it is written', async () => {
    const db = server.ctx.db;
    // Another matter already holds the number the second row would get: its insert fails after the
    // file's cases, and the first row's matter, were written.
    const centre = await db.centre.findFirstOrThrow();
    const counter = await db.registrationCounter.findFirstOrThrow({ where: { centreId: centre.id }, orderBy: { year: 'desc' } });
    const planted = await db.matter.create({
      data: {
        registrationNo: formatRegistrationNumber(centre.shortName, counter.year, counter.last + 2),
        centreId: centre.id,
        channel: 'WINDOW',
        disputeType: 'NEIGHBOUR',
        title: '占用编号的事项',
        summary: '测试用',
        status: 'REGISTERED',
        ownerUnitId: dispatcher.orgId,
        ownerUserId: dispatcher.id,
      },
    });
    const state = async () => ({
      matters: await db.matter.count(),
      parties: await db.matterParty.count(),
      events: await db.matterEvent.count(),
      ownerships: await db.matterOwnership.count(),
      jobs: await db.scheduledJob.count(),
      cases: await db.case.count(),
      participants: await db.participant.count(),
      invitations: await db.invitation.count(),
      audit: await db.auditEntry.count(),
      counters: [await db.registrationCounter.findMany(), await db.caseCounter.findMany()],
      outbox: readFileSync(path.join(server.dataDir, 'dev-sms-outbox.log'), 'utf8'),
    });
    const before = await state();
    const res = await upload([financialDisputeRow(60), financialDisputeRow(61), financialDisputeRow(62)]);
    expect(res.status).toBe(500);
    expect(await state()).toEqual(before);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true });
    await db.matter.delete({ where: { id: planted.id } });
  });

  it('writes a file with a few statements a table, not dozens a row', async () => {
    const rows = (from: number, n: number) => Array.from({ length: n }, (_, i) => financialDisputeRow(from + i));
    const ten = await countStatements(() => importRows(rows(1000, 10)));
    const hundred = await countStatements(() => importRows(rows(2000, 100)));
    expect(hundred.result.imported).toHaveLength(100);
    // Row by row it was about 67 statements a row: 90 rows more, some 6,000 statements more.
    expect(hundred.statements - ten.statements, JSON.stringify(hundred.byKind)).toBeLessThan(90);
  });
});
