// The agreement's vocabulary (sections, performance items, party details and their Chinese labels)
// and the schema of the plain snapshot readAgreement returns. Plain data, kept apart from the Y.Doc
// code in document.ts: the checker reads only this, never the Y.Doc.
import { z } from 'zod';
import { DISPUTE_TYPE_KEYS } from '../domain/vocabulary.ts';
import { FIELD_TYPES } from './fields.ts';

export const AGREEMENT_SCHEMA_VERSION = 1;

export const SECTION_KEYS = ['facts', 'issues', 'liability'] as const;
export type SectionKey = (typeof SECTION_KEYS)[number];
export const SECTION_LABELS: Record<SectionKey, string> = { facts: '纠纷主要事实', issues: '争议事项', liability: '各方责任' };

export const PERFORMANCE_KEYS = ['method', 'place', 'deadline', 'account'] as const;
export type PerformanceKey = (typeof PERFORMANCE_KEYS)[number];
export const PERFORMANCE_LABELS: Record<PerformanceKey, string> = { method: '履行方式', place: '履行地点', deadline: '履行期限', account: '收款账户' };

export const PARTY_TEXT_KEYS = [
  'name',
  'gender',
  'birthDate',
  'ethnicity',
  'idMasked',
  'address',
  'serviceAddress',
  'phone',
  'agent',
  'legalRepresentative',
  'representativeTitle',
  'creditCode',
] as const;
export type PartyTextKey = (typeof PARTY_TEXT_KEYS)[number];
export const PARTY_FIELD_LABELS: Record<PartyTextKey, string> = {
  name: '姓名（名称）',
  gender: '性别',
  birthDate: '出生日期',
  ethnicity: '民族',
  idMasked: '身份证号码',
  address: '住所',
  serviceAddress: '送达地址',
  phone: '联系电话',
  agent: '委托代理人',
  legalRepresentative: '法定代表人（负责人）',
  representativeTitle: '职务',
  creditCode: '统一社会信用代码',
};
export const AGREEMENT_PARTY_ROLES = ['APPLICANT', 'RESPONDENT'] as const;
export const AGREEMENT_SIDES = ['A', 'B'] as const;
export const PERSON_TYPES = ['natural', 'legal'] as const;

export const CLAUSE_ID_RE = /^c_[a-z0-9]{6,}$/;

// The plain snapshot, validated.

const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export const FieldValueSchema = z.object({ type: z.enum(FIELD_TYPES), label: z.string(), value: z.string().nullable() });
export const BlockSnapshotSchema = z.object({ text: z.string(), fields: z.record(z.string(), FieldValueSchema) });
export type BlockSnapshot = z.infer<typeof BlockSnapshotSchema>;

export const ClauseSnapshotSchema = BlockSnapshotSchema.extend({
  id: z.string().regex(CLAUSE_ID_RE),
  /** The template clause it came from, null for a clause written from scratch. */
  templateKey: z.string().nullable(),
  title: z.string(),
});
export type ClauseSnapshot = z.infer<typeof ClauseSnapshotSchema>;

export const PartySnapshotSchema = z.object({
  id: z.string().min(1),
  role: z.enum(AGREEMENT_PARTY_ROLES),
  side: z.enum(AGREEMENT_SIDES),
  personType: z.enum(PERSON_TYPES),
  name: z.string(),
  gender: z.string().nullable(),
  /** YYYY-MM-DD, read from the ID number (natural persons). Absent from documents made before it existed. */
  birthDate: IsoDate.nullable().default(null),
  ethnicity: z.string().nullable().default(null),
  /** Only ever the masked form (1*****************: never the digits typed to confirm identity). */
  idMasked: z.string().nullable(),
  address: z.string().nullable(),
  /** 送达地址 when it differs from the address; null = the same. */
  serviceAddress: z.string().nullable().default(null),
  phone: z.string().nullable(),
  agent: z.string().nullable(),
  /** The agent's kind: statutory (法定代理人, printed with its relationship) or entrusted (委托代理人); null in documents made before it existed. */
  agentType: z.enum(['entrusted', 'statutory']).nullable().default(null),
  /** A 法定代理人's relationship to the party as printed (父亲, 母亲…). */
  agentRelationship: z.string().nullable().default(null),
  legalRepresentative: z.string().nullable(),
  /** 职务 of the legal representative. */
  representativeTitle: z.string().nullable().default(null),
  creditCode: z.string().nullable(),
});
export type PartySnapshot = z.infer<typeof PartySnapshotSchema>;

const AnnotationBase = {
  id: z.string().min(1),
  /** The clause it is about; or section; both null for the whole document. */
  clauseId: z.string().nullable(),
  section: z.enum(SECTION_KEYS).nullable(),
  authorPeerId: z.string(),
  authorName: z.string(),
  text: z.string(),
  status: z.enum(['open', 'accepted', 'rejected']),
  createdAt: z.string(),
  resolvedBy: z.string().nullable(),
  resolvedAt: z.string().nullable(),
};
export const CommentSnapshotSchema = z.object({
  ...AnnotationBase,
  kind: z.literal('comment'),
  /** A party's 异议 to a locked clause from its signing page (instead of 同意本条). */
  objection: z.boolean().optional(),
});
export type CommentSnapshot = z.infer<typeof CommentSnapshotSchema>;
export const SuggestionSnapshotSchema = z.object({
  ...AnnotationBase,
  kind: z.enum(['replace', 'insert', 'delete']),
  /** The text the suggestion replaces or deletes, as it was when suggested. */
  original: z.string(),
  /** Where that text is now; null when its anchor is gone (clause deleted). */
  range: z.object({ index: z.int().nonnegative(), length: z.int().nonnegative() }).nullable(),
});
export type SuggestionSnapshot = z.infer<typeof SuggestionSnapshotSchema>;

export const AgreementMetaSchema = z.object({
  schemaVersion: z.literal(AGREEMENT_SCHEMA_VERSION),
  title: z.string(),
  caseNumber: z.string(),
  templateId: z.string(),
  templateVersion: z.int(),
  disputeType: z.enum(DISPUTE_TYPE_KEYS),
  orgName: z.string(),
  /** Number of the last named version (0 before the first). */
  version: z.int().nonnegative(),
  /** The planned date of signing; deadlines are checked against it. */
  signingDate: IsoDate.nullable(),
  createdAt: z.string(),
});
export type AgreementMeta = z.infer<typeof AgreementMetaSchema>;

export const PerformanceSnapshotSchema = z.object({
  method: z.string().nullable(),
  place: z.string().nullable(),
  deadline: z.string().nullable(),
  account: z.string().nullable(),
});
export type PerformanceSnapshot = z.infer<typeof PerformanceSnapshotSchema>;

export const AgreementSnapshotSchema = z.object({
  meta: AgreementMetaSchema,
  /**
   * The document's fill-in fields, one entry per key: a value used in several blocks is entered
   * once. Each block's `fields` holds the entries its text refers to. Empty in documents made
   * before the store existed (their blocks carry their own fields).
   */
  fields: z.record(z.string(), FieldValueSchema).default({}),
  parties: z.array(PartySnapshotSchema),
  sections: z.object({ facts: BlockSnapshotSchema, issues: BlockSnapshotSchema, liability: BlockSnapshotSchema }),
  clauses: z.array(ClauseSnapshotSchema),
  performance: PerformanceSnapshotSchema,
  comments: z.array(CommentSnapshotSchema),
  suggestions: z.array(SuggestionSnapshotSchema),
  /**
   * The fixed notices printed after the clauses, as they stood when the version was locked for
   * signing (agreement-notices.ts): what the parties signed is what is printed and hashed, even
   * after a centre corrects the notices file. Absent from drafts and from rounds locked before.
   */
  notices: z.object({ judicialConfirmation: z.string() }).optional(),
});
export type AgreementSnapshot = z.infer<typeof AgreementSnapshotSchema>;
