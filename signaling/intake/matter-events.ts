// The steps of a matter's history (MatterEvent.type) and what each records. One list: the staff
// history, the person's status page and the notifications (反馈) read the same rows, so a step is
// written once, in the transaction that makes it, with recordMatterEvent.
import { z } from 'zod';
import type { Tx } from '../db.ts';

export const MatterEventData = {
  REGISTERED: z.object({ channel: z.string() }),
  ROUTED: z.object({ toUnitId: z.string(), suggested: z.boolean().optional() }),
  RETURNED: z.object({ fromUnitId: z.string(), reason: z.string() }),
  ACCEPTED: z.object({ unitId: z.string() }),
  ASSIGNED: z.object({ unitId: z.string(), userId: z.string() }),
  TRANSFERRED: z.object({ fromUnitId: z.string(), toUnitId: z.string(), reason: z.string() }),
  CASE_OPENED: z.object({ caseId: z.string(), caseNumber: z.string() }),
  CO_MEDIATOR_INVITED: z.object({ unitId: z.string(), userId: z.string() }),
  DEADLINE_SET: z.object({ stage: z.string(), dueAt: z.string() }),
  DEADLINE_EXTENDED: z.object({ stage: z.string(), dueAt: z.string(), reason: z.string(), previousDueAt: z.string().optional() }),
  // Reminded: the owner (userId); the unit that must act (unitId) — for the notification consumer.
  REMINDED: z.object({ stage: z.string(), dueAt: z.string(), userId: z.string().optional(), unitId: z.string().optional() }),
  // 督办: to the head of the unit that must act (unitId), or to the centre's dispatchers.
  ESCALATED: z.object({ stage: z.string(), dueAt: z.string(), level: z.enum(['UNIT_HEAD', 'CENTRE']), unitId: z.string().optional() }),
  WITHDRAWN: z.object({ reason: z.string() }),
  CLOSED: z.object({ result: z.string() }),
  // #16 回访: a concluded matter handled again because a 回访 found the dispute unsettled.
  REOPENED: z.object({ caseId: z.string(), reason: z.string() }),
  // 弱信号 raised at registration (intake/screening): the rule keys; staff-only.
  RISK_FLAGGED: z.object({ flags: z.array(z.string()) }),
} as const;

export type MatterEventType = keyof typeof MatterEventData;
export type MatterEventPayload<T extends MatterEventType> = z.infer<(typeof MatterEventData)[T]>;

/** What the person following the matter is told of each step (their status page, SMS); null: staff-only. */
export const PERSON_FACING_STEPS: Partial<Record<MatterEventType, string>> = {
  REGISTERED: '已受理',
  ROUTED: '已分流',
  ACCEPTED: '承办单位已接收',
  ASSIGNED: '已指派调解员',
  TRANSFERRED: '已转交其他单位办理',
  CASE_OPENED: '调解已立案',
  WITHDRAWN: '已撤回',
  CLOSED: '已办结',
  REOPENED: '经回访，已重新办理',
};

export async function recordMatterEvent<T extends MatterEventType>(
  tx: Tx,
  matterId: string,
  type: T,
  data: MatterEventPayload<T>,
  actorLabel: string,
  at: Date,
): Promise<void> {
  await tx.matterEvent.create({ data: matterEvent(matterId, type, data, actorLabel, at) });
}

export interface MatterEventRow {
  matterId: string;
  type: MatterEventType;
  actorLabel: string;
  at: Date;
  data: string;
}

/** A step checked and ready to write (recordMatterEvents writes many at once). */
export function matterEvent<T extends MatterEventType>(matterId: string, type: T, data: MatterEventPayload<T>, actorLabel: string, at: Date): MatterEventRow {
  const parsed: unknown = MatterEventData[type].parse(data);
  return { matterId, type, actorLabel, at, data: JSON.stringify(parsed) };
}

/** Many steps in one statement (a batch import), in the order given: the history reads them by id. */
export async function recordMatterEvents(tx: Tx, events: readonly MatterEventRow[]): Promise<void> {
  if (events.length) await tx.matterEvent.createMany({ data: [...events] });
}
