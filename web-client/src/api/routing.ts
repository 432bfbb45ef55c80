// 分流 (/api/routing): the dispatcher's queue, a unit head's inbox, a matter's page and its moves.
// The shapes are those signaling/routing/matter-views.ts answers.
import { enc, staff } from './core.ts';

export type MatterMove = 'route' | 'accept' | 'return' | 'transfer' | 'assign' | 'reassign' | 'withdraw';

export interface MatterListItem {
  id: string;
  registrationNo: string;
  title: string;
  disputeType: string;
  disputeTypeLabel: string;
  channel: string;
  urgency: string;
  status: string;
  statusLabel: string;
  createdAt: string;
  /** 限时办结: when the current stage is due. */
  stageDueAt: string | null;
  ownerName: string;
  ownerUnitName: string;
  pendingUnitName: string | null;
  riskFlags: string[];
  suggestion: { unitId: string; unitName: string; rule: string; why: string } | null;
}

export interface NamedRef {
  id: string;
  name: string;
}
export interface StaffRef {
  id: string;
  displayName: string;
  role: string;
}

export interface MatterDetail {
  matter: MatterListItem & {
    summary: string;
    place: string | null;
    areaCode: string | null;
    amountFen: number | null;
    ownerUnitId: string;
    pendingUnitId: string | null;
  };
  case: { id: string; number: string; status: string } | null;
  parties: { role: string; name: string; kind: string }[];
  history: { at: string; type: string; actor: string; text: string }[];
  ownerships: { unitName: string; userName: string; fromAt: string; toAt: string | null; reason: string }[];
  can: MatterMove[];
  units: NamedRef[];
  mediators: StaffRef[];
}

const move = (id: string, what: MatterMove, body?: unknown) =>
  staff<unknown>(`/api/routing/matters/${enc(id)}/${what}`, { method: 'POST', ...(body === undefined ? {} : { body }) });

export const routingApi = {
  queue: () => staff<{ registered: MatterListItem[]; routed: MatterListItem[]; units: NamedRef[] }>('/api/routing/queue'),
  inbox: () => staff<{ pending: MatterListItem[]; toAssign: MatterListItem[]; assigned: MatterListItem[]; mediators: StaffRef[] }>('/api/routing/inbox'),
  matter: (id: string) => staff<MatterDetail>(`/api/routing/matters/${enc(id)}`),
  route: (id: string, unitId: string) => move(id, 'route', { unitId }),
  accept: (id: string) => move(id, 'accept'),
  return: (id: string, reason: string) => move(id, 'return', { reason }),
  transfer: (id: string, unitId: string, reason: string) => move(id, 'transfer', { unitId, reason }),
  assign: (id: string, mediatorId: string) => move(id, 'assign', { mediatorId }),
  reassign: (id: string, mediatorId: string) => move(id, 'reassign', { mediatorId }),
  withdraw: (id: string, reason: string) => move(id, 'withdraw', { reason }),
};
