// The shapes of the party's privacy routes (/api/party/privacy*), shared with the web client.
import { Type } from '@sinclair/typebox';
import { SEPARATE_CONSENTS } from './party-privacy-notice.ts';

export const SeparateConsentT = Type.Union(SEPARATE_CONSENTS.map((c) => Type.Literal(c)));

export const PrivacyView = Type.Object({
  notice: Type.Object({
    version: Type.String(),
    title: Type.String(),
    law: Type.String(),
    paragraphs: Type.Array(Type.String()),
  }),
  acknowledgedVersion: Type.Union([Type.String(), Type.Null()]),
  acknowledgedAt: Type.Union([Type.String(), Type.Null()]),
  consents: Type.Array(
    Type.Object({
      purpose: SeparateConsentT,
      text: Type.String(),
      givenAt: Type.Union([Type.String(), Type.Null()]),
      withdrawnAt: Type.Union([Type.String(), Type.Null()]),
      active: Type.Boolean(),
    }),
  ),
});

const Version = Type.String({ minLength: 1, maxLength: 40, title: '告知书版本' });
const Purpose = Type.Union(
  SEPARATE_CONSENTS.map((c) => Type.Literal(c)),
  { title: '同意事项' },
);
export const AcknowledgePrivacyBody = Type.Object({ version: Version }, { additionalProperties: false });
export const GiveConsentBody = Type.Object({ purpose: Purpose, version: Version }, { additionalProperties: false });
export const WithdrawConsentBody = Type.Object({ purpose: Purpose }, { additionalProperties: false });
