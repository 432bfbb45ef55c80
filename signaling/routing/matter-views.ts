// What the 分流 pages show: the dispatcher's queue (registered matters with the suggested unit and
// why), a unit head's inbox (待接收, 待指派, 办理中) and one matter with its whole history and who
// is responsible now. Parties appear by name and role only: phones and ID numbers stay on the case.
import type { AreaDirectory } from '../areas/areas.ts';
import type { AppContext, StaffPrincipal } from '../context.ts';
import type { Db } from '../db.ts';
import { formatChinaDateTime } from '../domain/china-time.ts';
import { MATTER_STATUS_LABELS, isMatterStatus } from '../domain/matter-status.ts';
import { DISPUTE_TYPES } from '../domain/vocabulary.ts';
import { PERSON_FACING_STEPS } from '../intake/matter-events.ts';
import { suggestUnit, type RoutingRule, type UnitRef } from './routing-rules.ts';
import type { MatterListItem, MatterMove } from './schemas.ts';
import { centreOf, loadVisibleMatter, type MatterRow } from './visibility.ts';

const disputeLabel = (key: string) => DISPUTE_TYPES.find((d) => d.key === key)?.label ?? key;
const statusLabel = (s: string) => (isMatterStatus(s) ? MATTER_STATUS_LABELS[s] : s);

function parseFlags(raw: string): string[] {
  try {
    const v: unknown = JSON.parse(raw);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

/** The units of a centre a matter can be routed to (active, with an active head), for the route/transfer choices and the suggestion. */
export async function receivingUnits(db: Pick<Db, 'organisation'>, centreId: string): Promise<Array<UnitRef & { kind: string }>> {
  const units = await db.organisation.findMany({
    where: { centreId, active: true, kind: { not: 'CENTRE_OFFICE' }, users: { some: { role: 'UNIT_HEAD', active: true } } },
    select: { id: true, code: true, name: true, kind: true },
    orderBy: { createdAt: 'asc' },
  });
  return units;
}

export class MatterViews {
  constructor(
    private readonly ctx: AppContext,
    private readonly rules: readonly RoutingRule[],
    private readonly areas: AreaDirectory,
  ) {}

  async #names(rows: MatterRow[]) {
    const unitIds = [...new Set(rows.flatMap((m) => [m.ownerUnitId, m.pendingUnitId].filter((x): x is string => x !== null)))];
    const userIds = [...new Set(rows.map((m) => m.ownerUserId))];
    const [units, users] = await Promise.all([
      this.ctx.db.organisation.findMany({ where: { id: { in: unitIds } }, select: { id: true, name: true } }),
      this.ctx.db.user.findMany({ where: { id: { in: userIds } }, select: { id: true, displayName: true } }),
    ]);
    return { unit: (id: string) => units.find((u) => u.id === id)?.name ?? '—', user: (id: string) => users.find((u) => u.id === id)?.displayName ?? '—' };
  }

  async #items(rows: MatterRow[], units: UnitRef[] | null): Promise<MatterListItem[]> {
    const names = await this.#names(rows);
    return rows.map((m) => ({
      id: m.id,
      registrationNo: m.registrationNo,
      title: m.title,
      disputeType: m.disputeType,
      disputeTypeLabel: disputeLabel(m.disputeType),
      channel: m.channel,
      urgency: m.urgency,
      status: m.status,
      statusLabel: statusLabel(m.status),
      createdAt: m.createdAt.toISOString(),
      stageDueAt: m.stageDueAt?.toISOString() ?? null,
      ownerName: names.user(m.ownerUserId),
      ownerUnitName: names.unit(m.ownerUnitId),
      pendingUnitName: m.pendingUnitId ? names.unit(m.pendingUnitId) : null,
      riskFlags: parseFlags(m.riskFlags),
      suggestion: units ? suggestUnit(this.rules, m, units) : null,
    }));
  }

  /** The dispatcher's 分流 queue: registered matters (most urgent, oldest first) and those waiting at a unit. */
  async queue(user: StaffPrincipal) {
    const centreId = await centreOf(this.ctx.db, user);
    if (!centreId) return { registered: [], routed: [], units: [] };
    const units = await receivingUnits(this.ctx.db, centreId);
    const [registered, routed] = await Promise.all([
      this.ctx.db.matter.findMany({ where: { centreId, status: 'REGISTERED' }, orderBy: [{ urgency: 'desc' }, { createdAt: 'asc' }], take: 200 }),
      this.ctx.db.matter.findMany({ where: { centreId, status: 'ROUTED' }, orderBy: { createdAt: 'asc' }, take: 200 }),
    ]);
    return {
      registered: await this.#items(registered, units),
      routed: await this.#items(routed, null),
      units: units.map((u) => ({ id: u.id, name: u.name })),
    };
  }

  /** A unit head's inbox: 待接收 (routed to the unit), 待指派 (accepted), 办理中 (assigned), and the unit's mediators. */
  async inbox(user: StaffPrincipal) {
    const unitId = user.orgId;
    const [pending, toAssign, assigned, mediators] = await Promise.all([
      this.ctx.db.matter.findMany({ where: { status: 'ROUTED', pendingUnitId: unitId }, orderBy: { createdAt: 'asc' }, take: 200 }),
      this.ctx.db.matter.findMany({ where: { status: 'ACCEPTED', ownerUnitId: unitId }, orderBy: { createdAt: 'asc' }, take: 200 }),
      this.ctx.db.matter.findMany({ where: { status: 'ASSIGNED', ownerUnitId: unitId }, orderBy: { createdAt: 'asc' }, take: 200 }),
      this.#mediators(unitId),
    ]);
    return { pending: await this.#items(pending, null), toAssign: await this.#items(toAssign, null), assigned: await this.#items(assigned, null), mediators };
  }

  #mediators(unitId: string) {
    return this.ctx.db.user.findMany({
      where: { orgId: unitId, active: true, role: { in: ['MEDIATOR', 'UNIT_HEAD'] } },
      select: { id: true, displayName: true, role: true },
      orderBy: [{ role: 'asc' }, { displayName: 'asc' }],
    });
  }

  /** One matter: its facts, parties (name and role), who is responsible, the whole history and what this user may do now. */
  async detail(user: StaffPrincipal, matterId: string) {
    const m = await loadVisibleMatter(this.ctx.db, user, matterId);
    const [item] = await this.#items([m], user.role === 'DISPATCHER' ? await receivingUnits(this.ctx.db, m.centreId) : null);
    const [parties, events, ownerships, kase, allUnits] = await Promise.all([
      this.ctx.db.matterParty.findMany({ where: { matterId }, select: { role: true, name: true, kind: true }, orderBy: { id: 'asc' } }),
      this.ctx.db.matterEvent.findMany({ where: { matterId }, orderBy: { id: 'asc' } }),
      this.ctx.db.matterOwnership.findMany({ where: { matterId }, orderBy: { id: 'asc' } }),
      m.caseId ? this.ctx.db.case.findUnique({ where: { id: m.caseId }, select: { id: true, number: true, status: true } }) : null,
      this.ctx.db.organisation.findMany({ where: { centreId: m.centreId }, select: { id: true, name: true } }),
    ]);
    const people = await this.ctx.db.user.findMany({ where: { id: { in: ownerships.map((o) => o.userId) } }, select: { id: true, displayName: true } });
    const unitName = (id: string) => allUnits.find((u) => u.id === id)?.name ?? '—';
    const personName = (id: string) => people.find((p) => p.id === id)?.displayName ?? '—';
    const receiving = ['DISPATCHER', 'UNIT_HEAD'].includes(user.role) ? await receivingUnits(this.ctx.db, m.centreId) : [];
    return {
      matter: {
        ...item!,
        summary: m.summary,
        place: m.place,
        areaCode: m.areaCode,
        areaName: m.areaCode ? this.areas.labelOf(m.areaCode) : null,
        amountFen: m.amountFen,
        ownerUnitId: m.ownerUnitId,
        pendingUnitId: m.pendingUnitId,
      },
      case: kase,
      parties,
      history: events.map((e) => ({ at: e.at.toISOString(), type: e.type, actor: e.actorLabel, text: describeStep(e.type, e.data, unitName, personName) })),
      ownerships: ownerships.map((o) => ({
        unitName: unitName(o.unitId),
        userName: personName(o.userId),
        fromAt: o.fromAt.toISOString(),
        toAt: o.toAt?.toISOString() ?? null,
        reason: o.reason,
      })),
      can: movesFor(user, m),
      units: receiving.map((u) => ({ id: u.id, name: u.name })),
      mediators: user.role === 'UNIT_HEAD' && user.orgId === m.ownerUnitId ? await this.#mediators(m.ownerUnitId) : [],
    };
  }
}

/** The moves the matter page offers this user now (the service checks again). */
export function movesFor(user: StaffPrincipal, m: Pick<MatterRow, 'status' | 'ownerUnitId' | 'pendingUnitId'>): MatterMove[] {
  const dispatcher = user.role === 'DISPATCHER';
  const ownerHead = user.role === 'UNIT_HEAD' && user.orgId === m.ownerUnitId;
  const pendingHead = user.role === 'UNIT_HEAD' && user.orgId === m.pendingUnitId;
  const moves: MatterMove[] = [];
  if (m.status === 'REGISTERED' && dispatcher) moves.push('route');
  if (m.status === 'ROUTED' && pendingHead) moves.push('accept', 'return');
  if ((m.status === 'ROUTED' || m.status === 'ACCEPTED') && (dispatcher || ownerHead)) moves.push('transfer');
  if (m.status === 'ACCEPTED' && ownerHead) moves.push('assign');
  if (m.status === 'ASSIGNED' && ownerHead) moves.push('reassign');
  if (['REGISTERED', 'ROUTED', 'ACCEPTED', 'ASSIGNED'].includes(m.status) && (dispatcher || ownerHead)) moves.push('withdraw');
  return moves;
}

const STEP_LABELS: Record<string, string> = {
  ...PERSON_FACING_STEPS,
  RETURNED: '承办单位退回',
  DEADLINE_SET: '设定办理时限',
  DEADLINE_EXTENDED: '延长办理时限',
  REMINDED: '到期提醒',
  ESCALATED: '超期督办',
  CO_MEDIATOR_INVITED: '邀请联合调解',
};

/** One history line in Chinese, with unit and person names instead of ids. */
export function describeStep(type: string, raw: string, unitName: (id: string) => string, personName: (id: string) => string): string {
  let d: Record<string, unknown> = {};
  try {
    d = JSON.parse(raw) as Record<string, unknown>;
  } catch {
    // An unreadable payload still shows the step's name.
  }
  const s = (k: string) => (typeof d[k] === 'string' ? (d[k] as string) : '');
  const label = STEP_LABELS[type] ?? type;
  switch (type) {
    case 'ROUTED':
      return `分流至${unitName(s('toUnitId'))}${d.suggested ? '（按分流规则建议）' : ''}`;
    case 'RETURNED':
      return `${unitName(s('fromUnitId'))}退回：${s('reason')}`;
    case 'ACCEPTED':
      return `${unitName(s('unitId'))}接收`;
    case 'ASSIGNED':
      return `指派调解员 ${personName(s('userId'))}`;
    case 'TRANSFERRED':
      return `由${unitName(s('fromUnitId'))}转交${unitName(s('toUnitId'))}：${s('reason')}`;
    case 'CASE_OPENED':
      return `立案，案号 ${s('caseNumber')}`;
    case 'WITHDRAWN':
      return `撤回：${s('reason')}`;
    case 'DEADLINE_SET':
      return `${label}：${statusLabel(s('stage'))}环节须于 ${formatChinaDateTime(s('dueAt'))} 前办理`;
    default:
      return label;
  }
}
