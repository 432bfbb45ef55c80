// 受理: every matter, whatever its channel, is registered here once — a registration number from the
// centre's yearly counter, its parties, and its first responsible owner (首接负责) — in the caller's
// transaction, so a channel that also writes other rows (an import batch) commits all or nothing.
import type { Tx } from '../db.ts';
import type { IntakeChannel, MatterPartyRole, Urgency } from '../domain/intake-vocabulary.ts';
import { formatRegistrationNumber } from '../domain/intake-vocabulary.ts';
import type { DisputeType } from '../domain/vocabulary.ts';
import { DomainError } from '../errors.ts';
import { recordMatterEvent } from './matter-events.ts';
import { openFirstOwnership, type Owner } from './ownership.ts';
import { startStage } from './stage-deadline.ts';

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
  const year = chinaYear(input.at);
  const counter = await tx.registrationCounter.upsert({
    where: { centreId_year: { centreId: centre.id, year } },
    create: { centreId: centre.id, year, last: 1 },
    update: { last: { increment: 1 } },
  });
  const unit = await tx.organisation.findUnique({ where: { id: input.owner.unitId }, select: { centreId: true } });
  if (unit?.centreId !== centre.id) throw new DomainError('UNIT_NOT_FOUND');
  const matter = await tx.matter.create({
    data: {
      registrationNo: formatRegistrationNumber(centre.shortName, year, counter.last),
      centreId: centre.id,
      channel: input.channel,
      disputeType: input.disputeType,
      title: input.title,
      summary: input.summary,
      place: input.place ?? null,
      areaCode: input.areaCode ?? null,
      amountFen: input.amountFen ?? null,
      urgency: input.urgency ?? 'NORMAL',
      status: 'REGISTERED',
      ownerUnitId: input.owner.unitId,
      ownerUserId: input.owner.userId,
      registeredById: input.registeredById,
      riskFlags: JSON.stringify(input.riskFlags ?? []),
      createdAt: input.at,
      parties: {
        create: input.parties.map((p) => ({
          role: p.role,
          kind: p.kind ?? 'PERSON',
          name: p.name,
          phone: p.phone ?? null,
          idNumber: p.idNumber ?? null,
          address: p.address ?? null,
          phoneVerified: p.phoneVerified ?? false,
        })),
      },
    },
  });
  await openFirstOwnership(tx, matter.id, input.owner, input.at);
  await recordMatterEvent(tx, matter.id, 'REGISTERED', { channel: input.channel }, input.actorLabel, input.at);
  const stageDueAt = await startStage(tx, matter.id, 'REGISTERED', input.at, input.actorLabel);
  return { ...matter, stageDueAt };
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
