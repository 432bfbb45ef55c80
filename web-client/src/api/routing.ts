// 分流 (/api/routing): the dispatcher's queue, a unit head's inbox, a matter's page and its moves.
// The shapes are the route schemas in signaling/routing/schemas.ts.
import type * as schemas from '../../../signaling/routing/schemas.ts';
import { enc, staff, type S } from './core.ts';

export type MatterMove = S<typeof schemas.MatterMoveT>;
export type MatterListItem = S<typeof schemas.MatterListItemView>;
export type NamedRef = S<typeof schemas.NamedRefView>;
export type StaffRef = S<typeof schemas.StaffRefView>;
export type MatterDetail = S<typeof schemas.MatterDetailView>;

const move = (id: string, what: MatterMove, body?: unknown) =>
  staff<unknown>(`/api/routing/matters/${enc(id)}/${what}`, { method: 'POST', ...(body === undefined ? {} : { body }) });

export const routingApi = {
  queue: () => staff<S<typeof schemas.QueueView>>('/api/routing/queue'),
  inbox: () => staff<S<typeof schemas.InboxView>>('/api/routing/inbox'),
  matter: (id: string) => staff<MatterDetail>(`/api/routing/matters/${enc(id)}`),
  route: (id: string, unitId: string) => move(id, 'route', { unitId }),
  accept: (id: string) => move(id, 'accept'),
  return: (id: string, reason: string) => move(id, 'return', { reason }),
  transfer: (id: string, unitId: string, reason: string) => move(id, 'transfer', { unitId, reason }),
  assign: (id: string, mediatorId: string) => move(id, 'assign', { mediatorId }),
  reassign: (id: string, mediatorId: string) => move(id, 'reassign', { mediatorId }),
  withdraw: (id: string, reason: string) => move(id, 'withdraw', { reason }),
};
