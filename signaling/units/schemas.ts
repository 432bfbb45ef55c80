// TypeBox schemas of the centre's units (/api/centre); the web client's types are Static<> of them.
import { Type } from '@fastify/type-provider-typebox';
import { UNIT_KIND_KEYS } from '../domain/unit-kinds.ts';
import { Text } from '../http/schemas.ts';

export const UnitKindT = Type.Union(UNIT_KIND_KEYS.map((k) => Type.Literal(k)));

const Phone = Type.String({ title: '联系电话', minLength: 7, maxLength: 20, pattern: '^[0-9][0-9-]{5,18}[0-9]$' });

export const UnitView = Type.Object({
  id: Type.String(),
  /** Key from the centre's unit list, null for a unit an administrator added. */
  code: Type.Union([Type.String(), Type.Null()]),
  kind: UnitKindT,
  kindLabel: Type.String(),
  name: Type.String(),
  /** Used in the unit's case numbers (自由路所调〔2026〕第3号). */
  shortName: Type.String(),
  phone: Type.Union([Type.String(), Type.Null()]),
  hasSeal: Type.Boolean(),
  active: Type.Boolean(),
  staffCount: Type.Integer(),
});

export const CentreView = Type.Object({
  centre: Type.Object({ id: Type.String(), name: Type.String(), shortName: Type.String() }),
  /** The viewer's own unit. */
  ownUnitId: Type.String(),
  /** Units grouped by kind, in the order of domain/unit-kinds.ts; kinds without units are left out. */
  kinds: Type.Array(Type.Object({ kind: UnitKindT, label: Type.String(), units: Type.Array(UnitView) })),
});

export const NewUnitBody = Type.Object(
  { kind: UnitKindT, name: Text(60, 2), shortName: Text(8), phone: Type.Optional(Phone) },
  { additionalProperties: false },
);

export const UnitChangesBody = Type.Object(
  { name: Type.Optional(Text(60, 2)), phone: Type.Optional(Phone), active: Type.Optional(Type.Boolean()) },
  { additionalProperties: false, minProperties: 1 },
);

export const SealBody = Type.Object(
  { pngBase64: Type.String({ minLength: 1, maxLength: 1_500_000, pattern: '^[A-Za-z0-9+/]+={0,2}$' }) },
  { additionalProperties: false },
);
