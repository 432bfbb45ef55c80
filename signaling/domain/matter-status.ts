// A matter's path through the centre: 受理 (registered) → 分流 (routed, waiting for the unit) →
// 已接收 (the unit accepted; its head is responsible) → 办理中 (a mediator assigned, the case open)
// → 已办结 / 已撤回. Who is responsible at each point (首接负责) is intake/ownership.ts.
export const MATTER_STATUSES = ['REGISTERED', 'ROUTED', 'ACCEPTED', 'ASSIGNED', 'CLOSED', 'WITHDRAWN'] as const;
export type MatterStatus = (typeof MATTER_STATUSES)[number];

export const MATTER_STATUS_LABELS: Record<MatterStatus, string> = {
  REGISTERED: '已受理',
  ROUTED: '已分流，待接收',
  ACCEPTED: '已接收，待指派',
  ASSIGNED: '办理中',
  CLOSED: '已办结',
  WITHDRAWN: '已撤回',
};

export const OPEN_MATTER_STATUSES: readonly MatterStatus[] = ['REGISTERED', 'ROUTED', 'ACCEPTED', 'ASSIGNED'];

export function isMatterStatus(value: string): value is MatterStatus {
  return (MATTER_STATUSES as readonly string[]).includes(value);
}
