// 受理: every matter, whatever its channel, is registered here once — a registration number from the
// centre's yearly counter, its parties, and its first responsible owner (首接负责) — in the caller's
// transaction, so a channel that also writes other rows (an import batch) commits all or nothing.
import type { Tx } from '../db.ts';
import type { IntakeChannel, MatterPartyRole, Urgency } from '../domain/intake-vocabulary.ts';
import { formatRegistrationNumber } from '../domain/intake-vocabulary.ts';
import type { DisputeType } from '../domain/vocabulary.ts';
import { DomainError } from '../errors.ts';
import type { MatterStatus } from '../domain/matter-status.ts';
import { policyOf } from '../deadlines/policy.ts';
import { matterEvent, recordMatterEvent, recordMatterEvents } from './matter-events.ts';
import { lastOwner, openFirstOwnership, recordFirstOwners, type Owner, type OwnerStep } from './ownership.ts';
import { planStage, startStage } from './stage-deadline.ts';

export interface NewMatterParty {
  role: MatterPartyRole;
  kind?: 'PERSON' | 'ORGANISATION';
  name: string;
  phone?: string | undefined;
  idNumber?: string | undefined;
  address?: string | undefined;
  phoneVerified?: boolean;
}

export interface NewMatter {
  centreId: string;
  channel: IntakeChannel;
  disputeType: DisputeType;
  title: string;
  summary: string;
  place?: string | undefined;
  areaCode?: string | undefined;
  amountFen?: number | undefined;
  urgency?: Urgency;
  /** The staff member registering it; null when the person applies online themselves. */
  registeredById: string | null;
  /** Who is responsible from the start (the registering dispatcher, or the one on duty). */
  owner: Owner;
  parties: NewMatterParty[];
  riskFlags?: string[];
  at: Date;
  /** Label of who registered it, for the history (e.g. 张三（受理员）, 申请人本人). */
  actorLabel: string;
}

function chinaYear(at: Date): number {
  return new Date(at.getTime() + 8 * 3600_000).getUTCFullYear();
}

export async function registerMatter(tx: Tx, input: NewMatter) {
  const centre = await tx.centre.findUniqueOrThrow({ where: { id: input.centreId } });
  const [registrationNo] = await allocateRegistrationNumbers(tx, centre, input.at, 1);
  await checkOwnerUnit(tx, centre.id, input.owner.unitId);
  const matter = await tx.matter.create({
    data: {
      ...matterRow(input, registrationNo!),
      status: 'REGISTERED',
      ownerUnitId: input.owner.unitId,
      ownerUserId: input.owner.userId,
      parties: { create: input.parties.map(partyRow) },
    },
  });
  await openFirstOwnership(tx, matter.id, input.owner, input.at);
  await recordMatterEvent(tx, matter.id, 'REGISTERED', { channel: input.channel }, input.actorLabel, input.at);
  const stageDueAt = await startStage(tx, matter.id, 'REGISTERED', input.at, input.actorLabel);
  return { ...matter, stageDueAt };
}

/** A matter moved on in the instant it was registered (a batch import): where it is when written. */
export interface HandedOnMatter extends Omit<NewMatter, 'owner'> {
  /** Its owners from the registration on (the first: the one registering it). */
  owners: OwnerStep[];
  /** Its stage after the steps that followed the registration; never REGISTERED. */
  status: Exclude<MatterStatus, 'REGISTERED'>;
  /** When that stage is due (the caller started it: stage-deadline.ts planStage). */
  stageDueAt: Date;
  caseId: string | null;
}

/**
 * Registers a batch of matters of one centre, each already moved on (an import registers, routes,
 * accepts and assigns every row in one instant), with a few statements for the whole batch instead
 * of a few dozen per matter: the registration numbers as one block of the counter, in the given
 * order; the rows in their final stage and owner; their parties; their owner histories
 * (ownership.ts recordFirstOwners); and each one's REGISTERED and DEADLINE_SET steps as
 * registerMatter writes them — without the 分流 stage's reminder and 督办, which would be cancelled
 * in the same instant. The caller writes the later steps, after these. Returns the matters in order.
 */
export async function registerHandedOnMatters(tx: Tx, centreId: string, matters: readonly HandedOnMatter[]) {
  if (matters.length === 0) return [];
  const centre = await tx.centre.findUniqueOrThrow({ where: { id: centreId } });
  const at = matters[0]!.at;
  if (matters.some((m) => m.at.getTime() !== at.getTime())) throw new Error('a batch of matters is registered in one instant');
  const numbers = await allocateRegistrationNumbers(tx, centre, at, matters.length);
  for (const unitId of new Set(matters.map((m) => m.owners[0]!.owner.unitId))) await checkOwnerUnit(tx, centre.id, unitId);
  const rows = matters.map((m, i) => {
    const owner = lastOwner(m.owners);
    return {
      ...matterRow({ ...m, centreId: centre.id }, numbers[i]!),
      status: m.status,
      ownerUnitId: owner.unitId,
      ownerUserId: owner.userId,
      stageDueAt: m.stageDueAt,
      caseId: m.caseId,
    };
  });
  const created = await tx.matter.createManyAndReturn({ data: rows, select: { id: true, registrationNo: true } });
  const idOf = new Map(created.map((c) => [c.registrationNo, c.id]));
  const written = matters.map((m, i) => ({ id: idOf.get(numbers[i]!)!, registrationNo: numbers[i]!, input: m }));
  await tx.matterParty.createMany({ data: written.flatMap((w) => w.input.parties.map((p) => ({ ...partyRow(p), matterId: w.id }))) });
  await recordFirstOwners(
    tx,
    written.map((w) => ({ matterId: w.id, steps: w.input.owners, at })),
  );
  const policy = await policyOf(tx, centre.id);
  await recordMatterEvents(
    tx,
    written.flatMap(({ id, input }) => [
      matterEvent(id, 'REGISTERED', { channel: input.channel }, input.actorLabel, at),
      planStage(policy, { id, disputeType: input.disputeType }, 'REGISTERED', at, input.actorLabel).event,
    ]),
  );
  return written.map(({ id, registrationNo }) => ({ id, registrationNo }));
}

/** `count` consecutive numbers of the centre's yearly counter, taken in one update. */
async function allocateRegistrationNumbers(tx: Tx, centre: { id: string; shortName: string }, at: Date, count: number): Promise<string[]> {
  const year = chinaYear(at);
  const counter = await tx.registrationCounter.upsert({
    where: { centreId_year: { centreId: centre.id, year } },
    create: { centreId: centre.id, year, last: count },
    update: { last: { increment: count } },
  });
  const first = counter.last - count + 1;
  return Array.from({ length: count }, (_, i) => formatRegistrationNumber(centre.shortName, year, first + i));
}

/** The first owner is staff of one of the centre's own units. */
async function checkOwnerUnit(tx: Tx, centreId: string, unitId: string): Promise<void> {
  const unit = await tx.organisation.findUnique({ where: { id: unitId }, select: { centreId: true } });
  if (unit?.centreId !== centreId) throw new DomainError('UNIT_NOT_FOUND');
}

function matterRow(input: Omit<NewMatter, 'owner' | 'parties'>, registrationNo: string) {
  return {
    registrationNo,
    centreId: input.centreId,
    channel: input.channel,
    disputeType: input.disputeType,
    title: input.title,
    summary: input.summary,
    place: input.place ?? null,
    areaCode: input.areaCode ?? null,
    amountFen: input.amountFen ?? null,
    urgency: input.urgency ?? 'NORMAL',
    registeredById: input.registeredById,
    riskFlags: JSON.stringify(input.riskFlags ?? []),
    createdAt: input.at,
  };
}

function partyRow(p: NewMatterParty) {
  return {
    role: p.role,
    kind: p.kind ?? 'PERSON',
    name: p.name,
    phone: p.phone ?? null,
    idNumber: p.idNumber ?? null,
    address: p.address ?? null,
    phoneVerified: p.phoneVerified ?? false,
  };
}

/** 首接负责 for matters nobody at the centre registered (online, grid reports): the active dispatcher with the fewest open matters. */
export async function dutyDispatcher(tx: Tx, centreId: string): Promise<Owner> {
  const dispatchers = await tx.user.findMany({
    where: { role: 'DISPATCHER', active: true, org: { centreId } },
    select: { id: true, orgId: true },
    orderBy: { createdAt: 'asc' },
  });
  if (dispatchers.length === 0) throw new DomainError('INTAKE_NO_DISPATCHER');
  const load = await tx.matter.groupBy({
    by: ['ownerUserId'],
    where: { ownerUserId: { in: dispatchers.map((d) => d.id) }, status: { in: ['REGISTERED', 'ROUTED'] } },
    _count: { _all: true },
  });
  const openOf = (id: string) => load.find((l) => l.ownerUserId === id)?._count._all ?? 0;
  const chosen = dispatchers.reduce((best, d) => (openOf(d.id) < openOf(best.id) ? d : best));
  return { unitId: chosen.orgId, userId: chosen.id };
}
