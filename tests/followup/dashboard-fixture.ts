// A fixed small data set for the dashboard tests, written straight into the source tables the
// projector reads (matters and their history, cases, audit entries with a valid chain, signing,
// judicial application, obligations, ratings, co-mediators) at chosen instants, so every figure can
// be worked out by hand. The expected values are in dashboard.test.ts next to each assertion.
//
// Times: t(day, hour) is that China wall-clock time in 2026; "+Nh" are hours after a dispute was received.
import { entryHash, GENESIS_HASH } from '../../signaling/audit/chain.ts';
import type { Db } from '../../signaling/db.ts';
import { addUnitStaff, unitIdOf, type UnitStaff } from '../intake/routing-support.ts';

const H = 3600_000;
/** A China wall-clock time as an instant. */
export const china = (y: number, mo: number, d: number, h = 0, mi = 0) => new Date(Date.UTC(y, mo - 1, d, h - 8, mi));
/** The fake clock's "now": 2026-06-30 12:00 China time. */
export const NOW = china(2026, 6, 30, 12);

export interface Fixture {
  units: { property: string; financial: string; office: string };
  staff: { dispatcher: UnitStaff; head: UnitStaff; m1: UnitStaff; m2: UnitStaff; grid: UnitStaff };
  cases: Record<'A' | 'B' | 'C' | 'D' | 'G', string>;
  matters: Record<'A' | 'B' | 'D' | 'E' | 'F', string>;
}

let seq = 0;
const uid = (p: string) => `${p}${(++seq).toString(36).padStart(6, '0')}dash`;

async function audit(db: Db, caseId: string, at: Date, type: string, data: unknown): Promise<void> {
  await db.$transaction(async (tx) => {
    const head = await tx.auditHead.findUnique({ where: { id: 1 } });
    const fields = {
      seq: (head?.seq ?? 0) + 1,
      at,
      caseId,
      actorType: 'system',
      actorId: null,
      actorLabel: '系统',
      type,
      data: JSON.stringify(data),
      prevHash: head?.hash ?? GENESIS_HASH,
    };
    const hash = entryHash(fields);
    await tx.auditEntry.create({ data: { ...fields, hash } });
    await tx.auditHead.upsert({ where: { id: 1 }, create: { id: 1, seq: fields.seq, hash }, update: { seq: fields.seq, hash } });
  });
}

export async function transition(db: Db, caseId: string, at: Date, from: string, to: string): Promise<void> {
  await audit(db, caseId, at, 'CASE_TRANSITION', { from, to });
}

async function caucus(db: Db, caseId: string, at: Date, durationSec: number): Promise<void> {
  const caucusId = uid('cc');
  await audit(db, caseId, at, 'CAUCUS_STARTED', { caucusId, sides: ['A'], names: ['甲'], mediators: ['调解员'] });
  await audit(db, caseId, new Date(at.getTime() + durationSec * 1000), 'CAUCUS_ENDED', { caucusId, sides: ['A'], names: ['甲'], durationSec, reason: 'ended' });
}

export async function touchCase(db: Db, caseId: string, at: Date): Promise<void> {
  await audit(db, caseId, at, 'CASE_UPDATED', { changes: ['测试'] });
}

interface MatterSpec {
  channel: string;
  disputeType: string;
  areaCode: string | null;
  at: Date;
  status: string;
  ownerUnitId: string;
  ownerUserId: string;
  pendingUnitId?: string | null;
  stageDueAt: Date | null;
  caseId?: string | null;
  /** [type, +hours, data] steps of its history. */
  steps: [string, number, Record<string, unknown>][];
}

async function matter(db: Db, centreId: string, spec: MatterSpec): Promise<string> {
  const id = uid('mt');
  await db.matter.create({
    data: {
      id,
      registrationNo: `测试综受〔2026〕第${id}号`,
      centreId,
      channel: spec.channel,
      disputeType: spec.disputeType,
      title: '测试事项',
      summary: '测试',
      areaCode: spec.areaCode,
      status: spec.status,
      ownerUnitId: spec.ownerUnitId,
      ownerUserId: spec.ownerUserId,
      pendingUnitId: spec.pendingUnitId ?? null,
      stageDueAt: spec.stageDueAt,
      caseId: spec.caseId ?? null,
      createdAt: spec.at,
    },
  });
  for (const [type, hours, data] of spec.steps) {
    await db.matterEvent.create({ data: { matterId: id, type, at: new Date(spec.at.getTime() + hours * H), actorLabel: '测试', data: JSON.stringify(data) } });
  }
  return id;
}

/** A DEADLINE_SET step entering `stage` at +h, due at +dueH. */
const stage = (base: Date, s: string, h: number, dueH: number): [string, number, Record<string, unknown>] => [
  'DEADLINE_SET',
  h,
  { stage: s, dueAt: new Date(base.getTime() + dueH * H).toISOString() },
];

async function kase(db: Db, spec: { orgId: string; mediatorId: string; disputeType: string; status: string; at: Date; dueDate: Date }): Promise<string> {
  const id = uid('cs');
  await db.case.create({
    data: {
      id,
      number: `测试调〔2026〕第${id}号`,
      orgId: spec.orgId,
      title: '测试案件',
      disputeType: spec.disputeType,
      summary: '测试',
      status: spec.status,
      mediatorId: spec.mediatorId,
      dueDate: spec.dueDate,
      createdAt: spec.at,
    },
  });
  return id;
}

export async function rate(db: Db, caseId: string, score: number, key: string): Promise<void> {
  await db.serviceRating.create({ data: { caseId, participantId: uid('pt'), occasion: 'SESSION', occasionKey: key, score } });
}

export async function seedDashboardFixture(db: Db): Promise<Fixture> {
  const units = { property: await unitIdOf(db, 'property'), financial: await unitIdOf(db, 'financial'), office: await unitIdOf(db, 'centre-office') };
  const { centreId } = await db.organisation.findUniqueOrThrow({ where: { id: units.office }, select: { centreId: true } });
  const staff = {
    dispatcher: await addUnitStaff(db, 'centre-office', 'DISPATCHER', 'dash-dispatcher', '赵受理'),
    head: await addUnitStaff(db, 'property', 'UNIT_HEAD', 'dash-head', '钱主任'),
    m1: await addUnitStaff(db, 'property', 'MEDIATOR', 'dash-m1', '孙调解'),
    m2: await addUnitStaff(db, 'financial', 'MEDIATOR', 'dash-m2', '李调解'),
    grid: await addUnitStaff(db, 'centre-office', 'GRID_WORKER', 'dash-grid', '周网格'),
  };
  const court = await db.court.findFirstOrThrow();
  const at = (base: Date, h: number) => new Date(base.getTime() + h * H);

  // A: 窗口来访, property, signed and confirmed; every stage on time; two caucuses (10 + 20 min).
  const a0 = china(2026, 3, 2, 9);
  const A = await kase(db, {
    orgId: units.property,
    mediatorId: staff.m1.id,
    disputeType: 'PROPERTY_SERVICE',
    status: 'CONFIRMED',
    at: at(a0, 30),
    dueDate: at(a0, 750),
  });
  const mA = await matter(db, centreId!, {
    channel: 'WINDOW',
    disputeType: 'PROPERTY_SERVICE',
    areaCode: '150204001001',
    at: a0,
    status: 'ASSIGNED',
    ownerUnitId: units.property,
    ownerUserId: staff.m1.id,
    stageDueAt: at(a0, 750),
    caseId: A,
    steps: [
      ['REGISTERED', 0, { channel: 'WINDOW' }],
      stage(a0, 'REGISTERED', 0, 24),
      stage(a0, 'ROUTED', 10, 58),
      stage(a0, 'ACCEPTED', 20, 44),
      stage(a0, 'ASSIGNED', 30, 750),
    ],
  });
  await transition(db, A, at(a0, 31), 'ACCEPTED', 'TRIAGED');
  await transition(db, A, at(a0, 31), 'TRIAGED', 'MEDIATING');
  await caucus(db, A, at(a0, 40), 600);
  await caucus(db, A, at(a0, 50), 1200);
  await transition(db, A, at(a0, 100), 'MEDIATING', 'AGREED');
  await transition(db, A, at(a0, 130), 'AGREED', 'SIGNED');
  await transition(db, A, at(a0, 140), 'SIGNED', 'CONFIRMATION_REQUESTED');
  await transition(db, A, at(a0, 188), 'CONFIRMATION_REQUESTED', 'CONFIRMED');
  const round = await db.signingRound.create({
    data: {
      caseId: A,
      versionSeq: 1,
      contentSha256: 'x',
      snapshot: '{}',
      clauseHashes: '[]',
      status: 'COMPLETED',
      lockedById: staff.m1.id,
      lockedAt: at(a0, 100),
      completedAt: at(a0, 130),
    },
  });
  await db.judicialApplication.create({
    data: {
      caseId: A,
      courtId: court.id,
      status: 'CONFIRMED',
      effectiveAt: at(a0, 130),
      windowEndsAt: at(a0, 850),
      submittedAt: at(a0, 140),
      decidedAt: at(a0, 188),
    },
  });
  for (const [i, status] of (['PERFORMED', 'OVERDUE', 'NOT_DUE'] as const).entries()) {
    await db.obligation.create({
      data: {
        caseId: A,
        signingRoundId: round.id,
        seq: i + 1,
        kind: 'PAYMENT',
        description: '支付',
        obligorSide: 'B',
        obligeeSide: 'A',
        amountFen: 100_00,
        dueDate: at(a0, 200 + i * 500),
        status,
      },
    });
  }
  await rate(db, A, 5, 'a1');
  await rate(db, A, 4, 'a2');

  // B: 来电, property, failed; 分流 late the first time (30 h > 24 h), returned and routed again;
  // 指派 past its first deadline but within the extended one; 调解办理 late.
  const b0 = china(2026, 3, 10, 9);
  const B = await kase(db, {
    orgId: units.property,
    mediatorId: staff.m1.id,
    disputeType: 'PROPERTY_SERVICE',
    status: 'FAILED',
    at: at(b0, 90),
    dueDate: at(b0, 140),
  });
  const mB = await matter(db, centreId!, {
    channel: 'PHONE',
    disputeType: 'PROPERTY_SERVICE',
    areaCode: '150204001001',
    at: b0,
    status: 'ASSIGNED',
    ownerUnitId: units.property,
    ownerUserId: staff.m1.id,
    stageDueAt: at(b0, 140),
    caseId: B,
    steps: [
      stage(b0, 'REGISTERED', 0, 24),
      stage(b0, 'ROUTED', 30, 78),
      ['RETURNED', 40, { fromUnitId: units.property, reason: '不属本单位' }],
      stage(b0, 'REGISTERED', 40, 64),
      stage(b0, 'ROUTED', 50, 98),
      stage(b0, 'ACCEPTED', 60, 84),
      ['DEADLINE_EXTENDED', 70, { stage: 'ACCEPTED', dueAt: at(b0, 100).toISOString(), reason: '当事人外出' }],
      stage(b0, 'ASSIGNED', 90, 140),
    ],
  });
  await transition(db, B, at(b0, 91), 'ACCEPTED', 'TRIAGED');
  await transition(db, B, at(b0, 91), 'TRIAGED', 'MEDIATING');
  await caucus(db, B, at(b0, 100), 900);
  await transition(db, B, at(b0, 190), 'MEDIATING', 'FAILED');
  await rate(db, B, 2, 'b1');

  // C: opened directly by the mediator (直接立案), withdrawn before mediation after 20 h.
  const c0 = china(2026, 4, 5, 10);
  const C = await kase(db, { orgId: units.property, mediatorId: staff.m1.id, disputeType: 'GENERAL', status: 'WITHDRAWN', at: c0, dueDate: at(c0, 720) });
  await transition(db, C, at(c0, 20), 'ACCEPTED', 'WITHDRAWN');

  // D: 网上申请, financial, in mediation; its 调解办理 deadline (+252 h = 05-30) has passed: overdue now. 孙调解 co-mediates.
  const d0 = china(2026, 5, 20, 10);
  const D = await kase(db, {
    orgId: units.financial,
    mediatorId: staff.m2.id,
    disputeType: 'FINANCIAL_LOAN',
    status: 'MEDIATING',
    at: at(d0, 12),
    dueDate: at(d0, 252),
  });
  const mD = await matter(db, centreId!, {
    channel: 'ONLINE',
    disputeType: 'FINANCIAL_LOAN',
    areaCode: '150204004',
    at: d0,
    status: 'ASSIGNED',
    ownerUnitId: units.financial,
    ownerUserId: staff.m2.id,
    stageDueAt: at(d0, 252),
    caseId: D,
    steps: [stage(d0, 'REGISTERED', 0, 24), stage(d0, 'ROUTED', 5, 53), stage(d0, 'ACCEPTED', 10, 34), stage(d0, 'ASSIGNED', 12, 252)],
  });
  await transition(db, D, at(d0, 13), 'ACCEPTED', 'TRIAGED');
  await transition(db, D, at(d0, 13), 'TRIAGED', 'MEDIATING');
  await db.caseCoMediator.create({ data: { caseId: D, userId: staff.m1.id, assignedById: staff.m2.id, assignedAt: at(d0, 14) } });
  await rate(db, D, 3, 'd1');

  // E: 网格员随手记 at the centre, not routed; its 分流 deadline (06-26 09:00) has passed.
  const e0 = china(2026, 6, 25, 9);
  const mE = await matter(db, centreId!, {
    channel: 'GRID',
    disputeType: 'NEIGHBOUR',
    areaCode: null,
    at: e0,
    status: 'REGISTERED',
    ownerUnitId: units.office,
    ownerUserId: staff.dispatcher.id,
    stageDueAt: at(e0, 24),
    steps: [stage(e0, 'REGISTERED', 0, 24)],
  });

  // F: 窗口来访 routed to property after 10 h, waiting to be accepted (due 06-30 19:00: not overdue at noon).
  const f0 = china(2026, 6, 28, 9);
  const mF = await matter(db, centreId!, {
    channel: 'WINDOW',
    disputeType: 'PROPERTY_SERVICE',
    areaCode: '150204001001',
    at: f0,
    status: 'ROUTED',
    ownerUnitId: units.office,
    ownerUserId: staff.dispatcher.id,
    pendingUnitId: units.property,
    stageDueAt: at(f0, 58),
    steps: [stage(f0, 'REGISTERED', 0, 24), stage(f0, 'ROUTED', 10, 58)],
  });

  // G: opened directly at 00:30 on 2026-01-01 China time (still 2025-12-31 in UTC), failed at once.
  const g0 = china(2026, 1, 1, 0, 30);
  const G = await kase(db, { orgId: units.property, mediatorId: staff.m1.id, disputeType: 'GENERAL', status: 'FAILED', at: g0, dueDate: at(g0, 720) });
  await transition(db, G, at(g0, 5), 'ACCEPTED', 'FAILED');

  return { units, staff, cases: { A, B, C, D, G }, matters: { A: mA, B: mB, D: mD, E: mE, F: mF } };
}
