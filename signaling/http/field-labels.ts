// Validation messages people can read: every field the API accepts has a Chinese label, and a
// schema error becomes a sentence about that field ("纠纷概要不能为空", "密码至少 10 个字符"),
// never the API name. Labels come from the property's TypeBox `title` where a name means something
// else in one route (a version's name, a court's code), otherwise from this one table.
// tests/foundation/field-labels.test.ts walks every declared route and fails on a missing label.
import type { FastifySchemaValidationError } from 'fastify/types/schema.js';

export const FIELD_LABELS: Readonly<Record<string, string>> = {
  // accounts
  username: '账号',
  password: '密码',
  currentPassword: '当前密码',
  newPassword: '新密码',
  displayName: '姓名',
  active: '账号状态',
  courtId: '法院',
  userId: '调解员',
  pngBase64: '印章图片',
  // cases and participants
  title: '案件标题',
  disputeType: '纠纷类型',
  summary: '纠纷概要',
  dueDate: '限时办结日期',
  to: '目标状态',
  reason: '原因',
  role: '身份',
  side: '所属方',
  name: '姓名',
  phone: '手机号',
  idNumber: '身份证号',
  idLast4: '身份证号后四位',
  participantId: '当事人',
  expiresInDays: '有效期',
  consent: '同意在线调解',
  personType: '当事人类型',
  address: '住所',
  ethnicity: '民族',
  creditCode: '统一社会信用代码',
  representative: '法定代表人（负责人）',
  representativeTitle: '职务',
  agencyType: '代理类型',
  guardianRelationship: '与当事人的关系',
  documentKind: '材料类型',
  partyFileId: '当事人材料',
  mime: '文件类型',
  contentBase64: '文件内容',
  specialPowers: '特别授权',
  sealPngBase64: '单位电子印章',
  // drafting
  clauseId: '条款',
  section: '协议部分',
  text: '内容',
  kind: '建议类型',
  index: '修改位置',
  length: '修改长度',
  mode: '转入方式',
  fromSide: '来源方',
  // signing
  versionSeq: '协议版本',
  authorised: '代签授权',
  clauseSha256: '条款摘要',
  onBehalfOf: '被代理人',
  code: '验证码',
  affirmation: '确认声明',
  signaturePngBase64: '手写签名',
  // judicial confirmation
  serviceAddress: '送达地址',
  region: '辖区',
  checklist: '审查要点',
  notes: '审查意见',
  decision: '裁定结果',
  clerk: '书记员',
  bundleId: '案卷包编号',
  subjectAreaCode: '标的物所在地行政区划',
  disputeAmountYuan: '争议标的额（元）',
  // the centre: units, intake, 分流, 限时办结
  unitId: '成员单位',
  shortName: '案号简称',
  channel: '来源渠道',
  urgency: '紧急程度',
  areaCode: '街道/社区',
  place: '地点',
  amountYuan: '争议金额',
  parties: '当事人',
  photos: '照片',
  fileName: '文件名',
  dataBase64: '文件内容',
  mediatorId: '调解员',
  sendLinks: '发送链接',
  dueAt: '新的期限',
  // the court's procedure
  electronicService: '同意电子送达',
  domicileAreaCode: '住所地行政区划',
  documentId: '法院文书',
  ground: '理由',
  explanation: '说明',
  materials: '需补充的材料',
  dueDays: '补充期限（天）',
  startedAt: '开始时间',
  endedAt: '结束时间',
  record: '询问记录',
  // path parameters and query strings
  id: '编号',
  caseId: '案件',
  pid: '当事人',
  iid: '邀请链接',
  suggestionId: '修改建议',
  materialId: '材料',
  roundId: '签署记录',
  from: '对比版本',
};

interface SchemaLike {
  title?: string;
  properties?: Record<string, SchemaLike>;
  minLength?: number;
  pattern?: string;
}

/** The Chinese label of a property: its schema's title, else the table; undefined when it has none. */
export function fieldLabel(name: string, schema?: SchemaLike): string | undefined {
  return schema?.title ?? FIELD_LABELS[name];
}

const asSchema = (s: unknown): SchemaLike | undefined => (s && typeof s === 'object' ? (s as SchemaLike) : undefined);
/** The schema holding the failing keyword (ajv's `verbose` option adds it to every error). */
const parentSchemaOf = (e: FastifySchemaValidationError) => asSchema('parentSchema' in e ? e.parentSchema : undefined);

/** The property an error is about (the last named step of its path, or the missing property). */
function propertyOf(e: FastifySchemaValidationError): string | undefined {
  const params = e.params as { missingProperty?: string };
  if (e.keyword === 'required' && params.missingProperty) return params.missingProperty;
  return e.instancePath
    .split('/')
    .filter((step) => step !== '' && !/^\d+$/.test(step))
    .at(-1);
}

/** What is wrong, as the end of a sentence whose subject is the field. */
function complaint(e: FastifySchemaValidationError): string {
  const params = e.params as { limit?: number; type?: string };
  const schema = parentSchemaOf(e);
  switch (e.keyword) {
    case 'required':
      return '不能为空';
    case 'minLength':
      return params.limit === 1 ? '不能为空' : `至少 ${params.limit} 个字符`;
    case 'maxLength':
      return `不能超过 ${params.limit} 个字符`;
    case 'pattern':
      // Text() requires a non-blank character: only spaces is as good as empty.
      return schema?.pattern === '\\S' ? '不能为空' : '格式不正确';
    case 'minimum':
      return `不能小于 ${params.limit}`;
    case 'maximum':
      return `不能大于 ${params.limit}`;
    case 'type':
      return params.type === 'integer' ? '必须是整数' : params.type === 'boolean' ? '必须为是或否' : '类型不正确';
    case 'const':
    case 'enum':
    case 'anyOf':
      return '不是可选的值';
    default:
      return '无效';
  }
}

/**
 * One sentence about the first thing wrong with a request: "纠纷概要不能为空". `dataVar` is where
 * the error was (body, querystring, params), used only when no field is involved.
 */
export function validationMessage(errors: FastifySchemaValidationError[], dataVar: string): string {
  const e = errors[0];
  if (!e) return '请求内容无效';
  const params = e.params as { additionalProperty?: string; limit?: number };
  if (e.keyword === 'additionalProperties') return `请求包含不支持的字段「${params.additionalProperty ?? ''}」`;
  if (e.keyword === 'minProperties') return '请至少填写一项';
  const property = propertyOf(e);
  if (!property) return dataVar === 'body' ? '请求内容无效' : '请求地址无效';
  // The property's own schema: the failing one, the object's entry for a missing one, or (a union)
  // the outermost schema reported for the same place.
  const own =
    e.keyword === 'required'
      ? parentSchemaOf(e)?.properties?.[property]
      : (errors
          .filter((x) => x.instancePath === e.instancePath)
          .map(parentSchemaOf)
          .find((s) => s?.title) ?? parentSchemaOf(e));
  return `${fieldLabel(property, own) ?? '请求内容'}${complaint(e)}`;
}
