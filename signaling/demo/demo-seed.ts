// `npm start -- --demo` (or JIEFEN_DEMO=1), #15 item 7: a demo centre to try every role — the
// seed report's cases at different stages, each registered as a matter of the centre and taken
// through 受理 → 分流 → 接收 → 指派 by the routing moves the staff pages call (the assignment opens
// the case), the rest done through the staff API as mediators would. Seeds only a new data folder (nothing but the generated administrator); run again on
// the same folder it seeds nothing and issues fresh party links to print. A folder with real data
// is left alone.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { readAgreement } from '../agreement/document.ts';
import { setFieldValue, setPartyField, setPerformance } from '../agreement/editing.ts';
import { hashPassword } from '../auth/password.ts';
import type { AppContext, StaffPrincipal } from '../context.ts';
import type { Tx } from '../db.ts';
import type { DraftingServer } from '../drafting/drafting-server.ts';
import type { Owner } from '../intake/ownership.ts';
import { registerMatter, type NewMatter } from '../intake/registration.ts';
import { MatterMoves } from '../routing/matter-moves.ts';
import { loadRoutingRules, routingRulesFile } from '../routing/routing-rules.ts';
import { DEMO_PASSWORD, DEMO_STAFF, FINANCIAL_BATCH, LEAK_CASE, OVERDUE_MATTER, SALE_CASE, type DemoParty } from './demo-data.ts';
import { DemoStaffSession } from './staff-api.ts';

export const DEMO_MARKER = 'demo-seeded.json';

export function demoRequested(argv: readonly string[], env: NodeJS.ProcessEnv): boolean {
  return argv.includes('--demo') || env.JIEFEN_DEMO === '1';
}

export interface DemoLink {
  caseTitle: string;
  party: string;
  /** What the party is asked to confirm on its link page (身份核验: 姓名 + 身份证后四位). */
  idLast4: string;
  url: string;
}

export interface DemoReport {
  outcome: 'seeded' | 'links-reissued' | 'refused';
  accounts: Array<{ username: string; role: string; unit: string; tryThis: string }>;
  password: string;
  links: DemoLink[];
  notes: string[];
}

interface Marker {
  seededAt: string;
  leakCaseId: string;
  saleCaseId: string;
  financialCaseIds: string[];
}

interface DemoServer {
  ctx: AppContext;
  url: string;
  drafting: DraftingServer;
}

export async function seedDemo(server: DemoServer, now: Date = new Date()): Promise<DemoReport> {
  const { ctx } = server;
  const markerFile = path.join(ctx.config.dataDir, DEMO_MARKER);
  const report: DemoReport = { outcome: 'seeded', accounts: [], password: DEMO_PASSWORD, links: [], notes: [] };
  const units = new Map((await ctx.db.organisation.findMany({ where: { code: { not: null } } })).map((u) => [u.code!, u]));
  const court = await ctx.db.court.findFirst({ where: { isLocal: true } });
  // A judge is shown with its court (its account sits in a unit only because every account does).
  const placeOf = (s: (typeof DEMO_STAFF)[number]) => (s.role === 'JUDGE' && court ? court.name : (units.get(s.unit)?.name ?? s.unit));
  report.accounts = DEMO_STAFF.map((s) => ({ username: s.username, role: s.role, unit: placeOf(s), tryThis: s.tryThis }));

  if (existsSync(markerFile)) {
    const marker = JSON.parse(readFileSync(markerFile, 'utf8')) as Marker;
    await reissueLinks(server, marker, report);
    report.outcome = 'links-reissued';
    report.notes.push('演示数据已存在：未重复写入；已为当事人重新生成链接（原链接失效）。');
    return report;
  }
  const [cases, matters, users] = await Promise.all([ctx.db.case.count(), ctx.db.matter.count(), ctx.db.user.count()]);
  if (cases > 0 || matters > 0 || users > 1) {
    report.outcome = 'refused';
    report.accounts = [];
    report.notes.push('数据目录中已有数据：演示数据只写入新的数据目录（例如 JIEFEN_DATA_DIR=./demo-data npm start -- --demo）。');
    return report;
  }

  const staffIds = await createStaff(ctx, units);
  const centreId = units.get('centre-office')!.centreId!;
  const unitOf = (code: string) => units.get(code)!.id;
  const dispatcher: Owner = { unitId: unitOf('centre-office'), userId: staffIds.dispatcher! };
  const login = (key: string) => DemoStaffSession.login(server.url, DEMO_STAFF.find((s) => s.key === key)!.username, DEMO_PASSWORD);
  const hoursAgo = (h: number) => new Date(now.getTime() - h * 3600_000);

  // 1. The water leak: window → 分流 to the community committee → its head assigns 李瑞芳, who opens
  // the case and invites the 司法所 and 派出所 (联合调解); both parties have links: ready for 背对背.
  const moves = new MatterMoves(ctx, loadRoutingRules(routingRulesFile(ctx.config.dataDir)));
  const lirf = await login('mediator');
  const { caseId: leakCaseId } = await intakeToMediator(ctx, moves, lirf, {
    matter: { ...LEAK_CASE, channel: 'WINDOW', centreId, owner: dispatcher, registeredById: dispatcher.userId, at: hoursAgo(50), actorLabel: '王敏（受理员）' },
    unitId: unitOf('committee'),
    head: staffIds.head!,
    mediator: staffIds.mediator!,
  });
  await lirf.json('POST', `/api/cases/${leakCaseId}/transition`, { to: 'TRIAGED' });
  for (const key of ['justice', 'police']) await lirf.json('POST', `/api/cases/${leakCaseId}/co-mediators`, { userId: staffIds[key] });
  report.links.push(...(await inviteAll(lirf, leakCaseId, LEAK_CASE.title, LEAK_CASE.parties)));

  // 2. The property sale before the 特邀调解员: agreement filled in and locked, waiting for both signatures.
  const bian = await login('invited');
  const { caseId: saleCaseId } = await intakeToMediator(ctx, moves, bian, {
    matter: {
      ...SALE_CASE,
      channel: 'WINDOW',
      centreId,
      owner: dispatcher,
      registeredById: dispatcher.userId,
      at: hoursAgo(240),
      actorLabel: '王敏（受理员）',
    },
    unitId: unitOf('court-invited'),
    head: staffIds.invitedHead!,
    mediator: staffIds.invited!,
  });
  report.links.push(...(await inviteAll(bian, saleCaseId, SALE_CASE.title, SALE_CASE.parties)));
  for (const to of ['TRIAGED', 'MEDIATING']) await bian.json('POST', `/api/cases/${saleCaseId}/transition`, { to });
  await fillSaleAgreement(server, saleCaseId, staffIds.invited!);
  await bian.json('POST', `/api/agreements/${saleCaseId}/versions`, { name: '签署版' });
  await bian.json('POST', `/api/signing/${saleCaseId}/lock`, {});

  // 3. A batch of financial disputes, imported for the bank and handed to the financial mediation centre.
  const chen = await login('financial');
  const financialCaseIds: string[] = [];
  for (const [i, c] of FINANCIAL_BATCH.entries()) {
    const { caseId } = await intakeToMediator(ctx, moves, chen, {
      matter: { ...c, channel: 'IMPORT', centreId, owner: dispatcher, registeredById: dispatcher.userId, at: hoursAgo(30), actorLabel: '王敏（受理员）' },
      unitId: unitOf('financial'),
      head: staffIds.financialHead!,
      mediator: staffIds.financial!,
    });
    financialCaseIds.push(caseId);
    const links = await inviteAll(chen, caseId, c.title, c.parties);
    if (i === 0) report.links.push(...links);
  }
  report.notes.push(`金融纠纷 ${FINANCIAL_BATCH.length} 件（上列仅第一件的当事人链接；其余在陈静的案件列表中）。`);

  // 4. A phone report nobody routed: its 分流 deadline passed — overdue on the dispatcher's list.
  await ctx.db.$transaction((tx) =>
    registerMatter(tx, {
      centreId,
      channel: 'PHONE',
      disputeType: OVERDUE_MATTER.disputeType,
      title: OVERDUE_MATTER.title,
      summary: OVERDUE_MATTER.summary,
      place: OVERDUE_MATTER.place,
      registeredById: dispatcher.userId,
      owner: dispatcher,
      parties: [{ role: 'APPLICANT', name: OVERDUE_MATTER.party.name, phone: OVERDUE_MATTER.party.phone }],
      at: hoursAgo(OVERDUE_MATTER.registeredHoursAgo),
      actorLabel: '王敏（受理员）',
    }),
  );
  report.notes.push(`逾期事项：「${OVERDUE_MATTER.title}」${OVERDUE_MATTER.registeredHoursAgo} 小时前来电登记，尚未分流。`);

  const marker: Marker = { seededAt: now.toISOString(), leakCaseId, saleCaseId, financialCaseIds };
  writeFileSync(markerFile, JSON.stringify(marker, null, 2), { mode: 0o600 });
  return report;
}

/** The demo accounts, each in its unit, with the demo password and no required change (a demo folder only). */
async function createStaff(ctx: AppContext, units: Map<string, { id: string }>): Promise<Record<string, string>> {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const court = await ctx.db.court.findFirst({ where: { isLocal: true } });
  const ids: Record<string, string> = {};
  await ctx.db.$transaction(async (tx) => {
    for (const s of DEMO_STAFF) {
      const user = await tx.user.create({
        data: {
          username: s.username,
          displayName: s.displayName,
          role: s.role,
          passwordHash,
          orgId: units.get(s.unit)!.id,
          courtId: s.role === 'JUDGE' ? (court?.id ?? null) : null,
        },
      });
      ids[s.key] = user.id;
    }
  });
  return ids;
}

/** A demo account as the routing moves see a logged-in staff member. */
async function principalOf(ctx: AppContext, userId: string): Promise<StaffPrincipal> {
  const u = await ctx.db.user.findUniqueOrThrow({ where: { id: userId } });
  return { id: u.id, username: u.username, displayName: u.displayName, role: u.role as StaffPrincipal['role'], orgId: u.orgId, courtId: u.courtId };
}

/**
 * 受理 → 分流 → 接收 → 指派 as the people would do it, through the routing moves (the same code the
 * dispatcher's and the unit head's pages call), dated in the past so the lists show real ages. The
 * assignment opens the case in the unit with the matter's parties; the mediator then completes a
 * company's details on the case.
 */
async function intakeToMediator(
  ctx: AppContext,
  moves: MatterMoves,
  mediator: DemoStaffSession,
  input: {
    matter: Omit<NewMatter, 'parties'> & { parties: readonly DemoParty[]; place?: string };
    unitId: string;
    head: string;
    mediator: string;
  },
): Promise<{ matterId: string; caseId: string }> {
  const { matter: m, unitId } = input;
  const step = (h: number) => new Date(m.at.getTime() + h * 3600_000);
  const matter = await ctx.db.$transaction((tx: Tx) =>
    registerMatter(tx, {
      ...m,
      parties: m.parties.map((p) => ({
        role: p.role,
        kind: p.personType === 'legal' ? 'ORGANISATION' : 'PERSON',
        name: p.name,
        phone: p.phone,
        idNumber: p.personType === 'legal' ? undefined : p.idNumber,
        address: p.address,
      })),
    }),
  );
  const dispatcher = await principalOf(ctx, m.owner.userId);
  const head = await principalOf(ctx, input.head);
  await moves.route(dispatcher, matter.id, unitId, step(1));
  await moves.accept(head, matter.id, step(2));
  const { caseId } = await moves.assign(head, matter.id, input.mediator, step(3));
  const { case: detail } = await mediator.json<{ case: { participants: Array<{ id: string; name: string }> } }>('GET', `/api/cases/${caseId}`);
  for (const p of detail.participants) {
    const spec = m.parties.find((d) => d.name === p.name);
    if (spec?.personType)
      await mediator.json('PATCH', `/api/cases/${caseId}/participants/${p.id}`, {
        idNumber: spec.idNumber,
        personType: spec.personType,
        creditCode: spec.creditCode,
        representative: spec.representative,
        representativeTitle: spec.representativeTitle,
      });
  }
  return { matterId: matter.id, caseId };
}

/** Personal links for the parties the case took over from its matter. */
async function inviteAll(mediator: DemoStaffSession, caseId: string, caseTitle: string, parties: readonly DemoParty[]): Promise<DemoLink[]> {
  const { case: detail } = await mediator.json<{ case: { participants: Array<{ id: string; name: string }> } }>('GET', `/api/cases/${caseId}`);
  const links: DemoLink[] = [];
  for (const p of parties) {
    const participant = detail.participants.find((d) => d.name === p.name);
    if (!participant) throw new Error(`demo: ${caseTitle} has no party ${p.name}`);
    links.push(await invite(mediator, caseId, caseTitle, participant.id, p));
  }
  return links;
}

async function invite(
  mediator: DemoStaffSession,
  caseId: string,
  caseTitle: string,
  participantId: string,
  p: { name: string; idNumber: string },
): Promise<DemoLink> {
  const { invitation } = await mediator.json<{ invitation: { url: string } }>('POST', `/api/cases/${caseId}/invitations`, { participantId });
  return { caseTitle, party: p.name, idLast4: p.idNumber.slice(-4), url: invitation.url };
}

/** A second start on the demo folder: new links for the parties of the printed cases (the old ones are revoked). */
async function reissueLinks(server: DemoServer, marker: Marker, report: DemoReport): Promise<void> {
  const cases: Array<[string, string, readonly DemoParty[]]> = [
    ['mediator', marker.leakCaseId, LEAK_CASE.parties],
    ['invited', marker.saleCaseId, SALE_CASE.parties],
    ['financial', marker.financialCaseIds[0]!, FINANCIAL_BATCH[0]!.parties],
  ];
  for (const [key, caseId, parties] of cases) {
    const session = await DemoStaffSession.login(server.url, DEMO_STAFF.find((s) => s.key === key)!.username, DEMO_PASSWORD);
    const c = await server.ctx.db.case.findUniqueOrThrow({ where: { id: caseId }, include: { participants: { orderBy: { createdAt: 'asc' } } } });
    for (const p of c.participants) {
      const spec = parties.find((d) => d.name === p.name);
      if (spec) report.links.push(await invite(session, caseId, c.title, p.id, spec));
    }
  }
}

/** The 特邀调解员 fills the property-sale agreement in the live draft, as in the editor. */
async function fillSaleAgreement(server: DemoServer, caseId: string, mediatorId: string): Promise<void> {
  await server.drafting.mutate(
    caseId,
    mediatorId,
    (doc) => {
      const a = readAgreement(doc);
      for (const [fieldPath, value] of Object.entries(SALE_CASE.fields)) {
        const [block, key] = fieldPath.split('.') as [string, string];
        const clause = a.clauses.find((c) => c.templateKey === block);
        if (clause && !(key in clause.fields)) continue;
        setFieldValue(doc, clause ? { clauseId: clause.id } : { section: block as 'facts' }, key, value, 'demo');
      }
      for (const p of a.parties) {
        const spec = SALE_CASE.parties.find((d) => d.name === p.name);
        if (spec) setPartyField(doc, p.id, 'address', spec.address, 'demo');
      }
      for (const [key, value] of Object.entries(SALE_CASE.performance)) setPerformance(doc, key as 'method', value, 'demo');
    },
    async () => undefined,
  );
}

/** What `npm start -- --demo` prints after the usual start banner. */
export function demoBanner(report: DemoReport, publicUrl: string): string[] {
  const lines = ['', '── 演示数据 demo ──────────────────────────────────────────────'];
  if (report.outcome !== 'refused') {
    lines.push(`  工作人员登录 staff log in: ${publicUrl}/login   演示密码 password: ${report.password}`);
    for (const a of report.accounts) lines.push(`    ${a.username.padEnd(10)} ${a.unit}：${a.tryThis}`);
    lines.push('  当事人链接 party links（打开后核验：姓名 + 身份证后四位）:');
    for (const l of report.links) lines.push(`    ${l.caseTitle}｜${l.party}（后四位 ${l.idLast4}）: ${l.url}`);
  }
  for (const n of report.notes) lines.push(`  ${n}`);
  lines.push('');
  return lines;
}
