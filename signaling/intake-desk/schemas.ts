// Bodies and views of /api/intake (the web client's types are Static<> of these).
import { Type } from '@sinclair/typebox';
import { MATTER_PARTY_ROLE_KEYS, URGENCY_KEYS } from '../domain/intake-vocabulary.ts';
import { DisputeTypeT, Id, Text } from '../http/schemas.ts';
import { MAX_PHOTOS } from './photo-limits.ts';

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const Optional = (max: number) => Type.Optional(Type.String({ maxLength: max }));

export const PartyBody = Type.Object(
  {
    role: literals(MATTER_PARTY_ROLE_KEYS),
    kind: Type.Optional(literals(['PERSON', 'ORGANISATION'] as const)),
    name: Text(60),
    phone: Optional(20),
    idNumber: Optional(18),
    address: Optional(200),
  },
  { additionalProperties: false },
);

const Matter = {
  disputeType: DisputeTypeT,
  summary: Text(4000),
  urgency: Type.Optional(literals(URGENCY_KEYS)),
  /** One of the centre's 街道/乡镇 (9 digits) or 社区 (12 digits), GET /api/areas; another is refused (AREA_UNKNOWN). */
  areaCode: Type.Optional(Type.String({ pattern: '^([0-9]{9}|[0-9]{12})$' })),
};

export const DeskRegistrationBody = Type.Object(
  {
    ...Matter,
    channel: literals(['WINDOW', 'PHONE'] as const),
    title: Text(100),
    place: Optional(200),
    amountYuan: Type.Optional(Type.Number({ minimum: 0, maximum: 1e10 })),
    parties: Type.Array(PartyBody, { maxItems: 10 }),
  },
  { additionalProperties: false },
);

export const ProbeBody = Type.Object(
  { ...Matter, title: Type.String({ maxLength: 100 }), place: Optional(200), parties: Type.Array(PartyBody, { maxItems: 10 }) },
  { additionalProperties: false },
);

export const PhotoBody = Type.Object(
  { fileName: Type.String({ maxLength: 200 }), dataBase64: Type.String({ minLength: 1, maxLength: 3_000_000 }) },
  { additionalProperties: false },
);

export const GridReportBody = Type.Object(
  {
    ...Matter,
    place: Text(200),
    parties: Type.Optional(Type.Array(PartyBody, { maxItems: 10 })),
    photos: Type.Optional(Type.Array(PhotoBody, { maxItems: MAX_PHOTOS + 1 })),
  },
  { additionalProperties: false },
);

export const RiskFlagView = Type.Object({ key: Type.String(), label: Type.String(), detail: Type.Optional(Type.String()) });
export const DuplicateView = Type.Object({
  matterId: Type.String(),
  registrationNo: Type.String(),
  title: Type.String(),
  status: Type.String(),
  channel: Type.String(),
  createdAt: Type.String(),
  reasons: Type.Array(Type.String()),
});
export const ScreeningView = Type.Object({ flags: Type.Array(RiskFlagView), duplicates: Type.Array(DuplicateView) });

export const RegisteredView = Type.Object({
  matter: Type.Object({ id: Type.String(), registrationNo: Type.String(), channel: Type.String(), status: Type.String(), stageDueAt: Type.String() }),
  flags: Type.Array(RiskFlagView),
  duplicates: Type.Array(DuplicateView),
  photos: Type.Optional(Type.Integer()),
});

export const MatterScreeningView = Type.Object({
  matter: Type.Object({ id: Type.String(), registrationNo: Type.String(), title: Type.String(), channel: Type.String(), status: Type.String() }),
  flags: Type.Array(RiskFlagView),
  duplicates: Type.Array(DuplicateView),
});

export const WarningsView = Type.Object({
  warnings: Type.Array(
    Type.Object({
      id: Type.String(),
      registrationNo: Type.String(),
      title: Type.String(),
      channel: Type.String(),
      urgency: Type.String(),
      status: Type.String(),
      createdAt: Type.String(),
      flags: Type.Array(RiskFlagView),
    }),
  ),
});

export const ImportQuery = Type.Object(
  { unitId: Type.Optional(Id), mediatorId: Id, sendLinks: Type.Optional(literals(['0', '1'] as const)) },
  { additionalProperties: false },
);

export const ImportTargetsView = Type.Object({
  defaultUnitCode: Type.String(),
  units: Type.Array(
    Type.Object({
      id: Type.String(),
      code: Type.Union([Type.String(), Type.Null()]),
      name: Type.String(),
      mediators: Type.Array(Type.Object({ id: Type.String(), displayName: Type.String() })),
    }),
  ),
});

export const ImportResultView = Type.Object({
  imported: Type.Array(
    Type.Object({ row: Type.Integer(), matterId: Type.String(), registrationNo: Type.String(), caseId: Type.String(), caseNumber: Type.String() }),
  ),
  links: Type.Integer(),
  sent: Type.Integer(),
  notSent: Type.Integer(),
  unit: Type.Object({ id: Type.String(), name: Type.String() }),
  mediator: Type.Object({ id: Type.String(), displayName: Type.String() }),
});

export const ImportRejectedView = Type.Object({
  code: Type.Literal('IMPORT_REJECTED'),
  message: Type.String(),
  errors: Type.Array(Type.Object({ row: Type.Integer(), field: Type.String(), message: Type.String() })),
});
