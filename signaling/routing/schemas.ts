// The shapes /api/routing answers and takes — one schema each, used by the routes (responses are
// serialised through them), by matter-views.ts for its types and by the web client
// (web-client/src/api/routing.ts).
import { Type, type Static } from '@fastify/type-provider-typebox';
import { Id, Text } from '../http/schemas.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const MatterMoveT = Type.Union((['route', 'accept', 'return', 'transfer', 'assign', 'reassign', 'withdraw'] as const).map((m) => Type.Literal(m)));

export const MatterListItemView = Type.Object({
  id: Type.String(),
  registrationNo: Type.String(),
  title: Type.String(),
  disputeType: Type.String(),
  disputeTypeLabel: Type.String(),
  channel: Type.String(),
  urgency: Type.String(),
  status: Type.String(),
  statusLabel: Type.String(),
  createdAt: Type.String(),
  /** 限时办结: when the current stage is due (the deadlines module shows the countdown). */
  stageDueAt: Nullable(Type.String()),
  ownerName: Type.String(),
  ownerUnitName: Type.String(),
  pendingUnitName: Nullable(Type.String()),
  riskFlags: Type.Array(Type.String()),
  suggestion: Nullable(Type.Object({ unitId: Type.String(), unitName: Type.String(), rule: Type.String(), why: Type.String() })),
});

export const NamedRefView = Type.Object({ id: Type.String(), name: Type.String() });
export const StaffRefView = Type.Object({ id: Type.String(), displayName: Type.String(), role: Type.String() });

export const QueueView = Type.Object({
  registered: Type.Array(MatterListItemView),
  routed: Type.Array(MatterListItemView),
  units: Type.Array(NamedRefView),
});

export const InboxView = Type.Object({
  pending: Type.Array(MatterListItemView),
  toAssign: Type.Array(MatterListItemView),
  assigned: Type.Array(MatterListItemView),
  mediators: Type.Array(StaffRefView),
});

export const MatterDetailView = Type.Object({
  matter: Type.Composite([
    MatterListItemView,
    Type.Object({
      summary: Type.String(),
      place: Nullable(Type.String()),
      areaCode: Nullable(Type.String()),
      /** "先锋道街道 · 团结社区" (signaling/areas); a code no longer listed is marked so. */
      areaName: Nullable(Type.String()),
      amountFen: Nullable(Type.Integer()),
      ownerUnitId: Type.String(),
      pendingUnitId: Nullable(Type.String()),
    }),
  ]),
  case: Nullable(Type.Object({ id: Type.String(), number: Type.String(), status: Type.String() })),
  /** By name and role only: phones and ID numbers stay on the case. */
  parties: Type.Array(Type.Object({ role: Type.String(), name: Type.String(), kind: Type.String() })),
  history: Type.Array(Type.Object({ at: Type.String(), type: Type.String(), actor: Type.String(), text: Type.String() })),
  ownerships: Type.Array(
    Type.Object({ unitName: Type.String(), userName: Type.String(), fromAt: Type.String(), toAt: Nullable(Type.String()), reason: Type.String() }),
  ),
  can: Type.Array(MatterMoveT),
  units: Type.Array(NamedRefView),
  mediators: Type.Array(StaffRefView),
});

export const AssignedView = Type.Object({ caseId: Type.String(), caseNumber: Type.String() });

export const UnitBody = Type.Object({ unitId: Type.String({ ...Id, title: '承办单位' }) }, { additionalProperties: false });
export const ReasonBody = Type.Object({ reason: Text(200) }, { additionalProperties: false });
export const TransferBody = Type.Object({ unitId: Type.String({ ...Id, title: '承办单位' }), reason: Text(200) }, { additionalProperties: false });
export const MediatorBody = Type.Object({ mediatorId: Type.String({ ...Id, title: '调解员' }) }, { additionalProperties: false });

export type MatterMove = Static<typeof MatterMoveT>;
export type MatterListItem = Static<typeof MatterListItemView>;
