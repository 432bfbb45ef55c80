// #16 item 5 电子卷宗, against a real server: a case taken through minutes, signing and judicial
// confirmation (已确认) is archived by its mediator; the dossier verifies offline with
// `npm run verify` (the CLI itself), its pages come in the binding order with real bookmarks
// (read back by mupdf's `mutool show … outline`, a reader independent of ours) whose pages hold
// what their titles say (pdftotext), identity numbers appear masked only, and the retention
// period follows the archive policy. After archiving the case refuses changes; other units,
// colleagues, judges and parties are refused the dossier.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../signaling/deadlines/clock.ts';
import { buildCaseDossier } from '../../signaling/followup/dossier/dossier.ts';
import { openFollowUpTask } from '../../signaling/followup/follow-up-tasks.ts';
import { loadFollowUpPolicy } from '../../signaling/followup/policy.ts';
import { maskIdNumber } from '../../signaling/domain/id-number.ts';
import type { DraftCase } from '../drafting/sync-support.ts';
import { mediatingCase } from '../judicial/judicial-support.ts';
import { pdfsig, pdftotext, writePdf } from '../signing/pdf-tools.ts';
import { signCaseThroughApi, SmsOutbox } from '../signing/signing-support.ts';
import { sharedStaffSession, startTestServer, type StaffClient, type TestServer } from '../support/server.ts';
import { confirmedCase, PARTY_IDS, staffInUnit } from './dossier-support.ts';

const sms = new SmsOutbox();
const clock = new FakeClock(Date.now());
let server: TestServer;
let admin: StaffClient;
let k: DraftCase & { judge: StaffClient };
let dossier: Buffer;
let file: string;

const cli = (pdf: string, ...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'signaling/signing/verify-cli.ts', pdf, ...args], {
    encoding: 'utf8',
    cwd: path.resolve(__dirname, '../..'),
  });

/** The outline as mupdf reads it: one entry per line, its depth, title and (1-based) page. */
function outlineOf(pdf: string): Array<{ depth: number; title: string; page: number }> {
  const out = execFileSync('mutool', ['show', pdf, 'outline'], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => {
      // `|` (no children) or `-`/`+` (open/closed), a tab per level, the title, the destination.
      const m = l.match(/^[|+-]\t(\t*)"(.*)"\t#page=(\d+)/);
      if (!m) throw new Error(`unexpected outline line: ${l}`);
      return { depth: m[1]!.length, title: m[2]!, page: Number(m[3]) };
    });
}

const pageText = (pdf: string, page: number) =>
  execFileSync('pdftotext', ['-enc', 'UTF-8', '-f', String(page), '-l', String(page), pdf, '-'], { encoding: 'utf8' }).replace(/\s+/g, '');

beforeAll(async () => {
  server = await startTestServer({}, { sms, clock });
  // Staff logins are rate-limited per address (10 a minute): the administrator's session is shared.
  admin = await sharedStaffSession(server.url, server.admin);
  k = await confirmedCase(server, sms, admin, 'judge-dossier');
}, 180_000);
afterAll(() => server?.close());

describe('archiving a case and its 电子卷宗', () => {
  it('an open 回访 holds the archiving back; once done, performance and 回访 records go into the dossier', async () => {
    const db = server.ctx.db;
    const round = await db.signingRound.findFirstOrThrow({ where: { caseId: k.caseId, status: 'COMPLETED' } });
    // What the performance tracker and the 回访 desk (other parts of #16) write: rows of the shared schema.
    const obligation = await db.obligation.create({
      data: {
        caseId: k.caseId,
        signingRoundId: round.id,
        seq: 1,
        kind: 'PAYMENT',
        description: '乙方归还借款本金五万元',
        obligorSide: 'B',
        obligeeSide: 'A',
        amountFen: 5_000_000,
        receivedFen: 2_000_000,
        dueDate: new Date('2027-04-29T16:00:00Z'),
        status: 'PARTIAL',
      },
    });
    await db.obligationEvent.create({
      data: { obligationId: obligation.id, at: clock.now(), type: 'RECEIPT_CONFIRMED', amountFen: 2_000_000, note: '已收到第一期两万元' },
    });
    const policy = loadFollowUpPolicy(null);
    const task = await db.$transaction((tx) =>
      openFollowUpTask(tx, { caseId: k.caseId, reason: 'MANUAL', sourceId: null }, clock.now(), policy, { type: 'system' }),
    );
    const held = await k.mediator.json('GET', `/api/dossier/${k.caseId}`);
    expect(held.archivable).toEqual({ ok: false, reason: '尚有 1 项回访未完成，完成后才能归档' });
    const refused = await k.mediator.request('POST', `/api/dossier/${k.caseId}/archive`);
    expect((await refused.json()).code).toBe('CASE_NOT_ARCHIVABLE');
    const mediatorId = (await db.case.findUniqueOrThrow({ where: { id: k.caseId } })).mediatorId!;
    await db.followUpRecord.create({
      data: { taskId: task.id, method: 'PHONE', at: clock.now(), userId: mediatorId, contact: '李某', content: '申请人表示第一期已收到', result: 'satisfied' },
    });
    await db.followUpTask.update({ where: { id: task.id }, data: { status: 'DONE', outcome: 'RESOLVED', doneAt: clock.now() } });
  });

  it('the mediator archives the confirmed case: retention from the policy, the dossier and its SHA-256 recorded, audited', async () => {
    const before = await k.mediator.json('GET', `/api/dossier/${k.caseId}`);
    expect(before.archive).toBeNull();
    expect(before.archivable).toEqual({ ok: true, reason: null });
    expect(before.can).toEqual({ archive: true, download: true });
    const archived = await k.mediator.json('POST', `/api/dossier/${k.caseId}/archive`);
    // 经司法确认: the policy's first rule, 30 years, counted from 1 January after the archiving year.
    const year = new Date(clock.now().getTime() + 8 * 3600_000).getUTCFullYear();
    expect(archived.archive).toMatchObject({ outcome: 'CONFIRMED', retentionYears: 30, retainThrough: `${year + 30}-12-31` });
    expect(archived.archive.basis).toContain('司法确认');
    expect(archived.can.archive).toBe(false);
    const row = await server.ctx.db.caseArchive.findUniqueOrThrow({ where: { caseId: k.caseId } });
    expect(row.retainUntil.toISOString()).toBe(new Date(Date.UTC(year + 31, 0, 1) - 8 * 3600_000).toISOString());

    const res = await k.mediator.request('GET', `/api/dossier/${k.caseId}/dossier.pdf`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    dossier = Buffer.from(await res.arrayBuffer());
    const sha = createHash('sha256').update(dossier).digest('hex');
    expect(row.dossierSha256).toBe(sha);
    expect(archived.archive.dossierSha256).toBe(sha);
    // The archived copy is served byte for byte, every time.
    const again = Buffer.from(await (await k.mediator.request('GET', `/api/dossier/${k.caseId}/dossier.pdf`)).arrayBuffer());
    expect(again.equals(dossier)).toBe(true);
    const audit = (await server.ctx.db.auditEntry.findMany({ where: { caseId: k.caseId } })).map((e) => e.type);
    expect(audit).toEqual(expect.arrayContaining(['CASE_ARCHIVED', 'PERSONAL_DATA_READ']));
    // Twice is refused.
    const twice = await k.mediator.request('POST', `/api/dossier/${k.caseId}/archive`);
    expect(twice.status).toBe(409);
    expect((await twice.json()).code).toBe('CASE_ARCHIVED');
    file = writePdf(dossier);
  }, 60_000);

  it('verifies offline with npm run verify (the CLI), and fails once a byte changes', async () => {
    const ok = cli(file);
    expect(ok.stdout).toContain('结论：有效');
    expect(ok.status).toBe(0);
    const root = ok.stdout.match(/根证书指纹（SHA-256）：([0-9a-f]{64})/)![1]!;
    expect(root).toBe(server.signingIdentity.rootFingerprint);
    expect(cli(file, '--root', root).status).toBe(0);
    // Poppler sees one signature, the dossier's own, valid over the whole file (the copied documents' fields stay behind).
    const sig = pdfsig(file);
    expect(sig.match(/Signature #\d+:/g)).toHaveLength(1);
    expect(sig).toContain('Total document signed');
    expect(sig).toContain('Signature Validation: Signature is Valid.');
    const changed = Buffer.from(dossier);
    const at = Math.floor(changed.length / 3);
    changed[at] = changed[at]! ^ 0x01;
    expect(cli(writePdf(changed)).status).toBe(1);
  });

  it('pages come in the binding order, and the bookmarks open the pages their titles name', async () => {
    const outline = outlineOf(file);
    const top = outline.filter((o) => o.depth === 0);
    expect(top.map((o) => o.title)).toEqual([
      '封面',
      '卷内目录',
      '一、受理登记',
      '二、告知书与同意',
      '三、当事人身份信息（脱敏）',
      '四、调解笔录',
      '五、调解协议书',
      '六、签名',
      '七、司法确认',
      '八、履行情况',
      '九、回访与评价',
      '卷内备考表',
    ]);
    expect(top[0]!.page).toBe(1);
    expect(top[1]!.page).toBe(2);
    for (let i = 1; i < top.length; i++) expect(top[i]!.page).toBeGreaterThan(top[i - 1]!.page);
    const pageOf = (title: string) => {
      const hit = outline.find((o) => o.title === title);
      if (!hit) throw new Error(`no bookmark ${title}: ${JSON.stringify(outline)}`);
      return hit.page;
    };
    // Each bookmark's page holds what it names (copied pages keep their own text).
    expect(pageText(file, pageOf('卷内目录'))).toContain('卷内目录');
    // A case opened directly by a mediator (no registered 事项): its own 立案 data.
    expect(pageText(file, pageOf('立案登记'))).toContain(`案号：${(await server.ctx.db.case.findUniqueOrThrow({ where: { id: k.caseId } })).number}`);
    expect(pageText(file, pageOf('调解笔录'))).toContain('人民调解笔录');
    expect(pageText(file, pageOf('人民调解协议书'))).toContain('人民调解协议书');
    expect(pageText(file, pageOf('电子签署审计证明'))).toContain('电子签署审计证明');
    expect(pageOf('电子签署审计证明')).toBeGreaterThan(pageOf('人民调解协议书'));
    expect(pageText(file, pageOf('司法确认申请书'))).toContain('司法确认申请书');
    expect(pageText(file, pageOf('受理通知书'))).toMatch(/通知书.*受理/);
    expect(pageText(file, pageOf('民事裁定书'))).toContain('民事裁定书');
    const performance = pageText(file, pageOf('八、履行情况'));
    for (const must of ['乙方归还借款本金五万元', '部分履行', '50000.00元', '已确认收到20000.00元', '已收到第一期两万元']) expect(performance).toContain(must);
    const followUp = pageText(file, pageOf('九、回访与评价'));
    for (const must of ['人工发起', '已办结：问题已解决', '电话回访', '申请人表示第一期已收到', '结果：满意']) expect(followUp).toContain(must);
    // The 卷内目录 lists the same page numbers as the bookmarks.
    const toc = pageText(file, 2);
    expect(toc).toContain(`五、调解协议书${'·'}`.slice(0, 7));
    for (const o of top.slice(2)) expect(toc).toMatch(new RegExp(`${o.title.replace(/[()（）]/g, '.')}·*${o.page}`));
    // Every page carries its dossier page number.
    const pages = Number(execFileSync('pdfinfo', [file], { encoding: 'utf8' }).match(/Pages:\s+(\d+)/)![1]);
    expect(pageText(file, pages)).toContain(`第${pages}页共${pages}页`);
  });

  it('identity numbers are masked everywhere in the dossier: no full ID number in its text', () => {
    const text = pdftotext(file).replace(/\s+/g, '');
    for (const id of [PARTY_IDS.A, PARTY_IDS.B]) {
      expect(text).not.toContain(id);
      expect(text).not.toContain(id.slice(-4) + '）');
    }
    expect(text).toContain(`身份证号码${maskIdNumber(PARTY_IDS.A)}`);
    expect(text).toContain('138****8000');
    expect(text).not.toContain('13800138000');
  });

  it('an archived case is read-only where it matters: case, parties, links and the room refuse with CASE_ARCHIVED', async () => {
    const edit = await k.mediator.request('PATCH', `/api/cases/${k.caseId}`, { title: '改名' });
    expect(edit.status).toBe(409);
    expect((await edit.json()).code).toBe('CASE_ARCHIVED');
    const party = await k.mediator.request('POST', `/api/cases/${k.caseId}/participants`, {
      role: 'OTHER',
      side: 'NEUTRAL',
      name: '张某',
      phone: '13800138001',
      idNumber: PARTY_IDS.A,
    });
    expect((await party.json()).code).toBe('CASE_ARCHIVED');
    const participantId = (await server.ctx.db.participant.findFirstOrThrow({ where: { caseId: k.caseId, role: 'APPLICANT' } })).id;
    const link = await k.mediator.request('POST', `/api/cases/${k.caseId}/invitations`, { participantId });
    expect((await link.json()).code).toBe('CASE_ARCHIVED');
    // Reading still works.
    expect((await k.mediator.request('GET', `/api/cases/${k.caseId}`)).status).toBe(200);
  });
});

describe('who may see and archive a dossier', () => {
  it('centre staff read every unit; other units, colleagues, judges and parties are refused; only the mediator, head or admin archive', async () => {
    const path = `/api/dossier/${k.caseId}`;
    const dispatcher = await staffInUnit(admin, { username: 'dossier-dispatch', displayName: '受理员甲', role: 'DISPATCHER', unitCode: 'centre-office' });
    expect((await dispatcher.request('GET', path)).status).toBe(200);
    expect((await dispatcher.request('GET', `${path}/dossier.pdf`)).status).toBe(200);
    const otherHead = await staffInUnit(admin, { username: 'dossier-head-youyi', displayName: '友谊负责人', role: 'UNIT_HEAD', unitCode: 'youyi-committee' });
    const refused = await otherHead.request('GET', `${path}/dossier.pdf`);
    expect(refused.status).toBe(404);
    expect((await refused.json()).code).toBe('DOSSIER_NOT_FOUND');
    const ownHead = await staffInUnit(admin, { username: 'dossier-head-own', displayName: '本委负责人', role: 'UNIT_HEAD', unitCode: 'committee' });
    expect((await ownHead.request('GET', path)).status).toBe(200);
    const colleague = await staffInUnit(admin, { username: 'dossier-colleague', displayName: '同事', role: 'MEDIATOR', unitCode: 'committee' });
    expect((await colleague.request('GET', path)).status).toBe(404);
    // The judge who confirmed the agreement: the dossier is the centre's file, not the court's.
    expect((await k.judge.request('GET', path)).status).toBe(403);
    const byLink = await fetch(`${server.url}${path}/dossier.pdf`, { headers: { authorization: `Bearer ${k.tokenA}` } });
    expect(byLink.status).toBe(401);
    // A dispatcher reads but does not archive: the grant refuses before the case is looked at.
    expect((await dispatcher.request('POST', `${path}/archive`)).status).toBe(403);
  }, 60_000);

  it('a case not done cannot be archived; a signed one only after the 30-day window for judicial confirmation', async () => {
    const c = await mediatingCase(server);
    const open = await c.mediator.request('POST', `/api/dossier/${c.caseId}/archive`);
    expect(open.status).toBe(409);
    expect((await open.json()).code).toBe('CASE_NOT_ARCHIVABLE');
    // A working copy can be downloaded meanwhile (and verifies).
    const copy = await c.mediator.request('GET', `/api/dossier/${c.caseId}/dossier.pdf`);
    expect(copy.status).toBe(200);
    expect(cli(writePdf(Buffer.from(await copy.arrayBuffer()))).status).toBe(0);

    await signCaseThroughApi(server, c, sms, PARTY_IDS);
    const early = await c.mediator.json('GET', `/api/dossier/${c.caseId}`);
    expect(early.archivable.ok).toBe(false);
    expect(early.archivable.reason).toContain('申请司法确认');
    clock.advance(45 * 86_400_000);
    const later = await c.mediator.json('GET', `/api/dossier/${c.caseId}`);
    expect(later.archivable).toEqual({ ok: true, reason: null });
    // 达成协议 (民间借贷): the policy's SIGNED rule.
    expect(later.retention.years).toBe(30);
    const done = await c.mediator.json('POST', `/api/dossier/${c.caseId}/archive`);
    expect(done.archive.outcome).toBe('SIGNED');
  }, 120_000);
});

describe('a case that came in as a registered matter', () => {
  it('opens with the 受理登记表 (channel, place, parties, the consent of an online application) and the matter’s history', async () => {
    // The mediator already logged in opens it (staff logins are rate-limited per address).
    const c = {
      caseId: (await k.mediator.json('POST', '/api/cases', { title: '民间借贷纠纷', disputeType: 'PRIVATE_LOAN', summary: '借款未还' }, 201)).case.id as string,
    };
    const db = server.ctx.db;
    const kase = await db.case.findUniqueOrThrow({ where: { id: c.caseId }, include: { org: true } });
    const centreId = kase.org.centreId!;
    // What the intake area writes when a person applies online and the matter is routed and opened as this case.
    const matter = await db.matter.create({
      data: {
        registrationNo: '青山综受〔2026〕第77号',
        centreId,
        channel: 'ONLINE',
        disputeType: 'PRIVATE_LOAN',
        title: '李某与王某民间借贷纠纷',
        summary: '王某借款五万元逾期未还',
        place: '青山区幸福路8号',
        areaCode: '150204004',
        amountFen: 5_000_000,
        status: 'ASSIGNED',
        ownerUnitId: kase.orgId,
        ownerUserId: kase.mediatorId!,
        caseId: c.caseId,
        parties: { create: [{ role: 'APPLICANT', name: '李某', phone: '13800138000', idNumber: PARTY_IDS.A, phoneVerified: true }] },
      },
    });
    const at = clock.now();
    await db.applyConsent.create({ data: { matterId: matter.id, noticeVersion: '2026-1', consentedAt: at } });
    await db.matterEvent.create({ data: { matterId: matter.id, at, type: 'REGISTERED', actorLabel: '李某（本人网上申请）', data: '{}' } });
    await db.matterEvent.create({
      data: { matterId: matter.id, at, type: 'ROUTED', actorLabel: '受理员甲', data: JSON.stringify({ toUnitId: kase.orgId, suggested: true }) },
    });
    const built = await buildCaseDossier(db, c.caseId, { identity: server.signingIdentity, at });
    expect(built.outline[2]).toMatchObject({ title: '一、受理登记', children: [{ title: '受理登记表' }, { title: '办理经过' }] });
    const pdf = writePdf(built.bytes);
    const text = pageText(pdf, built.outline[2]!.page + 1);
    for (const must of [
      '登记编号：青山综受〔2026〕第77号',
      '登记渠道：网上申请',
      '发生地点：青山区幸福路8号',
      '争议金额：50000.00元',
      '网上申请：申请人于',
      '登记当事人：申请人李某',
      `分流至${kase.org.name}（按分流规则建议）`,
    ])
      expect(text).toContain(must);
    expect(text).not.toContain(PARTY_IDS.A);
    expect(cli(pdf).status).toBe(0);
  }, 60_000);
});
