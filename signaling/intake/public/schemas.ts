// TypeBox schemas of the public application page, the follow page and the staff outbox (the web
// client's types are Static<> of these). Every property has a Chinese title (validation messages).
import { Type } from '@sinclair/typebox';
import { DisputeTypeT } from '../../http/schemas.ts';

const Opt = (title: string, max: number) => Type.Optional(Type.String({ title, maxLength: max }));

export const CodeBody = Type.Object({ phone: Type.String({ title: '手机号', minLength: 1, maxLength: 20 }) }, { additionalProperties: false });
export const VerifyBody = Type.Object(
  { phone: Type.String({ title: '手机号', minLength: 1, maxLength: 20 }), code: Type.String({ title: '验证码', minLength: 1, maxLength: 12 }) },
  { additionalProperties: false },
);

export const ApplyBody = Type.Object(
  {
    noticeVersion: Type.String({ title: '告知版本', minLength: 1, maxLength: 40 }),
    consent: Type.Boolean({ title: '同意个人信息处理告知' }),
    ticket: Type.String({ title: '手机验证凭证', minLength: 1, maxLength: 120 }),
    applicant: Type.Object(
      {
        name: Type.String({ title: '您的姓名', minLength: 1, maxLength: 50 }),
        phone: Type.String({ title: '您的手机号', minLength: 1, maxLength: 20 }),
        idNumber: Opt('您的身份证号', 20),
        address: Opt('您的住址', 200),
      },
      { title: '申请人', additionalProperties: false },
    ),
    respondent: Type.Object(
      {
        kind: Type.Union([Type.Literal('PERSON'), Type.Literal('ORGANISATION')], { title: '对方类型' }),
        name: Type.String({ title: '对方姓名或名称', minLength: 1, maxLength: 100 }),
        phone: Opt('对方手机号', 20),
        address: Opt('对方住址或地址', 200),
      },
      { title: '对方', additionalProperties: false },
    ),
    disputeType: Type.Union(DisputeTypeT.anyOf, { title: '纠纷类型' }),
    summary: Type.String({ title: '发生了什么', minLength: 1, maxLength: 2000 }),
    place: Opt('发生地点', 200),
    /** The 街道/乡镇 the person picks by name from /api/apply/form's `towns` (AREA_UNKNOWN otherwise). */
    areaCode: Type.Optional(Type.String({ title: '所在街道/乡镇', pattern: '^[0-9]{9}$' })),
    photos: Type.Array(
      Type.Object(
        {
          fileName: Type.String({ title: '照片文件名', maxLength: 200 }),
          // At most 5 MB decoded (checked by the service, which names the photo); a little over passes here to be told so.
          dataBase64: Type.String({ title: '照片', minLength: 1, maxLength: 8_000_000 }),
        },
        { additionalProperties: false },
      ),
      { title: '照片', maxItems: 10 },
    ),
  },
  { additionalProperties: false },
);

/** The centre's 街道/乡镇 offered on the public form (by name; 社区 are for staff). */
export const ApplyTownsView = Type.Array(Type.Object({ code: Type.String(), name: Type.String() }));

export const ApplyResult = Type.Object({ registrationNo: Type.String(), followPath: Type.String() });

export const FollowView = Type.Object({
  registrationNo: Type.String(),
  centreName: Type.String(),
  disputeTypeLabel: Type.String(),
  status: Type.String(),
  statusLabel: Type.String(),
  stage: Type.String(),
  stages: Type.Array(Type.Object({ key: Type.String(), label: Type.String() })),
  responsible: Type.Object({ unit: Type.String(), person: Type.String() }),
  dueAt: Type.Union([Type.String(), Type.Null()]),
  dueAtText: Type.Union([Type.String(), Type.Null()]),
  registeredAt: Type.String(),
  steps: Type.Array(Type.Object({ id: Type.Number(), type: Type.String(), label: Type.String(), detail: Type.String(), at: Type.String() })),
});

export const OutboxQuery = Type.Object({ limit: Type.Optional(Type.Integer({ title: '条数', minimum: 1, maximum: 500 })) }, { additionalProperties: false });

export const OutboxView = Type.Object({
  notifications: Type.Array(
    Type.Object({
      id: Type.Number(),
      createdAt: Type.String(),
      sentAt: Type.Union([Type.String(), Type.Null()]),
      registrationNo: Type.String(),
      kind: Type.String(),
      channel: Type.String(),
      provider: Type.Union([Type.String(), Type.Null()]),
      recipient: Type.String(),
      text: Type.String(),
      status: Type.String(),
      error: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
});
