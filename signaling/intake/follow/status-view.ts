// What the person following a matter sees (their status page): the four stages of 受理 → 分流 →
// 办理 → 结果 and where the matter is, who is responsible (the unit and the person's display name),
// the current deadline, and the person-facing steps of the history (PERSON_FACING_STEPS) — read
// from the same MatterEvent rows staff see, nothing staff-only, no other party's data.
import type { Db } from '../../db.ts';
import { formatChinaDateTime } from '../../domain/china-time.ts';
import { MATTER_STATUS_LABELS, isMatterStatus, type MatterStatus } from '../../domain/matter-status.ts';
import { DISPUTE_TYPES } from '../../domain/vocabulary.ts';
import { MatterEventData, PERSON_FACING_STEPS, type MatterEventType } from '../matter-events.ts';

export const FOLLOW_STAGES = [
  { key: 'INTAKE', label: '受理' },
  { key: 'ROUTING', label: '分流' },
  { key: 'HANDLING', label: '办理' },
  { key: 'RESULT', label: '结果' },
] as const;
export type FollowStage = (typeof FOLLOW_STAGES)[number]['key'];

const STAGE_OF_STATUS: Record<MatterStatus, FollowStage> = {
  REGISTERED: 'INTAKE',
  ROUTED: 'ROUTING',
  ACCEPTED: 'HANDLING',
  ASSIGNED: 'HANDLING',
  CLOSED: 'RESULT',
  WITHDRAWN: 'RESULT',
};

const isStep = (t: string): t is MatterEventType => Object.hasOwn(MatterEventData, t) && Object.hasOwn(PERSON_FACING_STEPS, t);

export interface FollowStep {
  id: number;
  type: string;
  label: string;
  detail: string;
  at: string;
}

/** A step's detail in words: which unit it went to, the result — from the event's data and the unit names. */
export function stepDetail(type: MatterEventType, data: Record<string, unknown>, unitName: (id: unknown) => string | null): string {
  switch (type) {
    case 'ROUTED':
      return unitName(data.toUnitId) ? `交由${unitName(data.toUnitId)}办理` : '';
    case 'TRANSFERRED':
      return unitName(data.toUnitId) ? `转交${unitName(data.toUnitId)}` : '';
    case 'ACCEPTED':
      return unitName(data.unitId) ?? '';
    case 'CLOSED':
      return typeof data.result === 'string' ? data.result : '';
    case 'WITHDRAWN':
      return typeof data.reason === 'string' ? data.reason : '';
    default:
      return '';
  }
}

function parseData(raw: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(raw);
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export async function unitNames(db: Db, ids: Iterable<unknown>): Promise<(id: unknown) => string | null> {
  const wanted = [...new Set([...ids].filter((i): i is string => typeof i === 'string'))];
  const units = wanted.length ? await db.organisation.findMany({ where: { id: { in: wanted } }, select: { id: true, name: true } }) : [];
  const byId = new Map(units.map((u) => [u.id, u.name]));
  return (id) => (typeof id === 'string' ? (byId.get(id) ?? null) : null);
}

export async function followView(db: Db, matterId: string) {
  const matter = await db.matter.findUniqueOrThrow({
    where: { id: matterId },
    select: {
      registrationNo: true,
      disputeType: true,
      title: true,
      status: true,
      ownerUnitId: true,
      ownerUserId: true,
      stageDueAt: true,
      createdAt: true,
      centre: { select: { name: true } },
    },
  });
  const events = await db.matterEvent.findMany({ where: { matterId }, orderBy: { id: 'asc' } });
  const visible = events.filter((e) => isStep(e.type));
  const datas = visible.map((e) => parseData(e.data));
  const names = await unitNames(db, [matter.ownerUnitId, ...datas.flatMap((d) => [d.toUnitId, d.unitId])]);
  const owner = await db.user.findUnique({ where: { id: matter.ownerUserId }, select: { displayName: true } });
  const status = isMatterStatus(matter.status) ? matter.status : 'REGISTERED';
  const open = status !== 'CLOSED' && status !== 'WITHDRAWN';
  return {
    registrationNo: matter.registrationNo,
    centreName: matter.centre.name,
    disputeTypeLabel: DISPUTE_TYPES.find((t) => t.key === matter.disputeType)?.label ?? matter.disputeType,
    status,
    statusLabel: MATTER_STATUS_LABELS[status],
    stage: STAGE_OF_STATUS[status],
    stages: FOLLOW_STAGES.map((s) => ({ key: s.key, label: s.label })),
    responsible: { unit: names(matter.ownerUnitId) ?? '', person: owner?.displayName ?? '' },
    dueAt: open && matter.stageDueAt ? matter.stageDueAt.toISOString() : null,
    dueAtText: open && matter.stageDueAt ? formatChinaDateTime(matter.stageDueAt) : null,
    registeredAt: matter.createdAt.toISOString(),
    steps: visible.map((e, i): FollowStep => ({
      id: e.id,
      type: e.type,
      label: PERSON_FACING_STEPS[e.type as MatterEventType] ?? e.type,
      detail: stepDetail(e.type as MatterEventType, datas[i]!, names),
      at: e.at.toISOString(),
    })),
  };
}
