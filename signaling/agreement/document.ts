// The 调解协议书 as a structured Yjs document, so several people can edit it at once and the PDF,
// the checker and diffs all read the same data. Layout of the Y.Doc (top-level types):
//
//   meta         Y.Map     schemaVersion, title, caseNumber, templateId, templateVersion,
//                          disputeType, orgName, version (named-version counter), signingDate, createdAt
//   parties      Y.Array<Y.Map>  id, role, side, personType, name, gender, idMasked, address, phone,
//                          agent, legalRepresentative, creditCode (strings or null)
//   sections     Y.Map<Y.Map>    facts | issues | liability → { text: Y.Text, fields: Y.Map<FieldValue> }
//   clauses      Y.Map<Y.Map>    clause id → { id, templateKey, title, text: Y.Text, fields: Y.Map<FieldValue> }
//   clauseOrder  Y.Array<string> clause ids; the order of the agreement (第1条, 第2条 …)
//   performance  Y.Map     method | place | deadline | account → string or null
//   comments     Y.Array<Y.Map>  comments on a clause, a section or the whole document
//   suggestions  Y.Array<Y.Map>  proposed replace/insert/delete on a clause or section text,
//                          anchored with Yjs relative positions so they survive concurrent edits
//
// Clauses live in a map keyed by their stable id, with the order kept apart: moving a clause only
// moves its id, so a concurrent edit of the moved clause's text is never lost (moving a Y type
// inside a Y.Array would mean delete + re-insert of a copy). Concurrent moves of one clause can
// leave its id twice in clauseOrder; readers keep the first occurrence and editing helpers tidy up.
import * as Y from 'yjs';
import { z } from 'zod';
import { maskIdNumber } from '../domain/id-number.ts';
import { DISPUTE_TYPE_KEYS, type DisputeType } from '../domain/vocabulary.ts';
import { DomainError } from '../errors.ts';
import { FIELD_TYPES, normalizeFieldValue, renderText, type FieldValue } from './fields.ts';
import type { AgreementTemplate, FieldDef, TemplateClause } from './template-schema.ts';

export const AGREEMENT_SCHEMA_VERSION = 1;

export const SECTION_KEYS = ['facts', 'issues', 'liability'] as const;
export type SectionKey = (typeof SECTION_KEYS)[number];
export const SECTION_LABELS: Record<SectionKey, string> = { facts: '纠纷主要事实', issues: '争议事项', liability: '各方责任' };

export const PERFORMANCE_KEYS = ['method', 'place', 'deadline', 'account'] as const;
export type PerformanceKey = (typeof PERFORMANCE_KEYS)[number];
export const PERFORMANCE_LABELS: Record<PerformanceKey, string> = { method: '履行方式', place: '履行地点', deadline: '履行期限', account: '收款账户' };

export const PARTY_TEXT_KEYS = ['name', 'gender', 'idMasked', 'address', 'phone', 'agent', 'legalRepresentative', 'creditCode'] as const;
export type PartyTextKey = (typeof PARTY_TEXT_KEYS)[number];
export const PARTY_FIELD_LABELS: Record<PartyTextKey, string> = {
  name: '姓名（名称）',
  gender: '性别',
  idMasked: '身份证号码',
  address: '住所',
  phone: '联系电话',
  agent: '委托代理人',
  legalRepresentative: '法定代表人（负责人）',
  creditCode: '统一社会信用代码',
};
export const AGREEMENT_PARTY_ROLES = ['APPLICANT', 'RESPONDENT'] as const;
export const AGREEMENT_SIDES = ['A', 'B'] as const;
export const PERSON_TYPES = ['natural', 'legal'] as const;

export const CLAUSE_ID_RE = /^c_[a-z0-9]{6,}$/;

// ---------------------------------------------------------------------------------------------
// The plain snapshot: what readAgreement returns, validated.

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
  /** Only ever the masked form (1502**********1234). */
  idMasked: z.string().nullable(),
  address: z.string().nullable(),
  phone: z.string().nullable(),
  agent: z.string().nullable(),
  legalRepresentative: z.string().nullable(),
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
export const CommentSnapshotSchema = z.object({ ...AnnotationBase, kind: z.literal('comment') });
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
  parties: z.array(PartySnapshotSchema),
  sections: z.object({ facts: BlockSnapshotSchema, issues: BlockSnapshotSchema, liability: BlockSnapshotSchema }),
  clauses: z.array(ClauseSnapshotSchema),
  performance: PerformanceSnapshotSchema,
  comments: z.array(CommentSnapshotSchema),
  suggestions: z.array(SuggestionSnapshotSchema),
});
export type AgreementSnapshot = z.infer<typeof AgreementSnapshotSchema>;

// ---------------------------------------------------------------------------------------------
// Case data in, Y.Doc out.

export interface AgreementPartyInput {
  /** The case participant id when there is one (lets signing map signatures to parties). */
  id?: string;
  role: (typeof AGREEMENT_PARTY_ROLES)[number];
  side: (typeof AGREEMENT_SIDES)[number];
  personType?: (typeof PERSON_TYPES)[number];
  name: string;
  gender?: string | null;
  /** Full or already masked; the document only keeps the masked form. */
  idNumber?: string | null;
  address?: string | null;
  phone?: string | null;
  agent?: string | null;
  legalRepresentative?: string | null;
  creditCode?: string | null;
}

export interface AgreementCaseData {
  caseNumber: string;
  title?: string;
  disputeType: DisputeType;
  orgName: string;
  parties: AgreementPartyInput[];
  signingDate?: string | null;
  /** Values to pre-fill, keyed "facts.leakStart" (section) or "repair.deadline" (template clause key). */
  fieldValues?: Record<string, string>;
  performance?: Partial<Record<PerformanceKey, string>>;
}

export interface InitOptions {
  origin?: unknown;
  now?: Date;
}

export interface AgreementParts {
  meta: Y.Map<unknown>;
  parties: Y.Array<Y.Map<unknown>>;
  sections: Y.Map<Y.Map<unknown>>;
  clauses: Y.Map<Y.Map<unknown>>;
  clauseOrder: Y.Array<string>;
  performance: Y.Map<string | null>;
  comments: Y.Array<Y.Map<unknown>>;
  suggestions: Y.Array<Y.Map<unknown>>;
}

/** The top-level types of an agreement document. */
export function agreementParts(doc: Y.Doc): AgreementParts {
  return {
    meta: doc.getMap('meta'),
    parties: doc.getArray('parties'),
    sections: doc.getMap('sections'),
    clauses: doc.getMap('clauses'),
    clauseOrder: doc.getArray('clauseOrder'),
    performance: doc.getMap('performance'),
    comments: doc.getArray('comments'),
    suggestions: doc.getArray('suggestions'),
  };
}

export function isAgreementInitialised(doc: Y.Doc): boolean {
  return doc.getMap('meta').has('templateId');
}

/** Random id with a prefix: c_ clause, p_ party, m_ comment, s_ suggestion. */
export function randomId(prefix: string): string {
  const bytes = crypto.getRandomValues(new Uint8Array(10));
  return `${prefix}_${[...bytes].map((b) => (b % 36).toString(36)).join('')}`;
}

function fieldsMap(defs: Record<string, FieldDef>, values: Record<string, string>, prefix: string): Y.Map<FieldValue> {
  const m = new Y.Map<FieldValue>();
  for (const [key, def] of Object.entries(defs)) {
    const raw = values[`${prefix}.${key}`];
    let value: string | null = null;
    if (raw !== undefined && raw.trim() !== '') {
      const n = normalizeFieldValue(def.type, raw);
      value = n.ok ? n.value : raw.trim();
    }
    m.set(key, { type: def.type, label: def.label, value });
  }
  return m;
}

/** A new clause Y.Map (not yet inserted) and its id (a prelim Y.Map cannot be read until inserted). */
export function newClauseMap(input: {
  id?: string;
  templateKey?: string | null;
  title?: string;
  text?: string;
  fields?: Y.Map<FieldValue> | Record<string, FieldValue>;
}): { id: string; map: Y.Map<unknown> } {
  const id = input.id ?? randomId('c');
  const m = new Y.Map<unknown>();
  m.set('id', id);
  m.set('templateKey', input.templateKey ?? null);
  m.set('title', input.title ?? '');
  m.set('text', new Y.Text(input.text ?? ''));
  if (input.fields instanceof Y.Map) m.set('fields', input.fields);
  else {
    const f = new Y.Map<FieldValue>();
    for (const [k, v] of Object.entries(input.fields ?? {})) f.set(k, { ...v });
    m.set('fields', f);
  }
  return { id, map: m };
}

/** A clause Y.Map from a template clause, with fields pre-filled from values["<key>.<field>"]. */
export function clauseFromTemplate(tc: TemplateClause, values: Record<string, string> = {}): { id: string; map: Y.Map<unknown> } {
  return newClauseMap({ templateKey: tc.key, title: tc.title, text: tc.text, fields: fieldsMap(tc.fields, values, tc.key) });
}

export function newPartyMap(p: AgreementPartyInput): { id: string; map: Y.Map<unknown> } {
  const m = new Y.Map<unknown>();
  const partyId = p.id ?? randomId('p');
  const id = p.idNumber?.trim() ? (p.idNumber.includes('*') ? p.idNumber.trim() : maskIdNumber(p.idNumber.trim().toUpperCase())) : null;
  const entries: Record<string, string | null> = {
    id: partyId,
    role: p.role,
    side: p.side,
    personType: p.personType ?? 'natural',
    name: p.name,
    gender: p.gender ?? null,
    idMasked: id,
    address: p.address ?? null,
    phone: p.phone ?? null,
    agent: p.agent ?? null,
    legalRepresentative: p.legalRepresentative ?? null,
    creditCode: p.creditCode ?? null,
  };
  for (const [k, v] of Object.entries(entries)) m.set(k, v === '' ? null : v);
  return { id: partyId, map: m };
}

/**
 * Fills an empty Y.Doc from a template and the case: what the server does when a case's
 * agreement is first opened. Returns false (and changes nothing) if the doc is already set up.
 */
export function initAgreementDoc(doc: Y.Doc, template: AgreementTemplate, caseData: AgreementCaseData, opts: InitOptions = {}): boolean {
  if (isAgreementInitialised(doc)) return false;
  const parts = agreementParts(doc);
  const values = caseData.fieldValues ?? {};
  doc.transact(() => {
    const meta: Omit<AgreementMeta, 'schemaVersion'> & { schemaVersion: number } = {
      schemaVersion: AGREEMENT_SCHEMA_VERSION,
      title: caseData.title?.trim() || template.title,
      caseNumber: caseData.caseNumber,
      templateId: template.id,
      templateVersion: template.version,
      disputeType: caseData.disputeType,
      orgName: caseData.orgName,
      version: 0,
      signingDate: caseData.signingDate ?? null,
      createdAt: (opts.now ?? new Date()).toISOString(),
    };
    for (const [k, v] of Object.entries(meta)) parts.meta.set(k, v);
    parts.parties.push(caseData.parties.map((p) => newPartyMap(p).map));
    for (const key of SECTION_KEYS) {
      const s = new Y.Map<unknown>();
      s.set('text', new Y.Text(template.sections[key].text));
      s.set('fields', fieldsMap(template.sections[key].fields, values, key));
      parts.sections.set(key, s);
    }
    const ids: string[] = [];
    for (const tc of template.clauses) {
      if (tc.include !== 'default') continue;
      const c = clauseFromTemplate(tc, values);
      parts.clauses.set(c.id, c.map);
      ids.push(c.id);
    }
    parts.clauseOrder.push(ids);
    for (const key of PERFORMANCE_KEYS) {
      const v = caseData.performance?.[key] ?? template.performance[key].default ?? null;
      parts.performance.set(key, v?.trim() ? v.trim() : null);
    }
  }, opts.origin ?? null);
  return true;
}

/** A new Y.Doc holding the agreement for this case. */
export function createAgreementDoc(template: AgreementTemplate, caseData: AgreementCaseData, opts: InitOptions = {}): Y.Doc {
  const doc = new Y.Doc();
  initAgreementDoc(doc, template, caseData, opts);
  return doc;
}

// ---------------------------------------------------------------------------------------------
// Reading.

/** The visible clause order: ids present in the clause map, first occurrence only. */
export function clauseIds(doc: Y.Doc): string[] {
  const { clauses, clauseOrder } = agreementParts(doc);
  const seen = new Set<string>();
  const out: string[] = [];
  for (const id of clauseOrder.toArray()) {
    if (typeof id !== 'string' || seen.has(id) || !clauses.has(id)) continue;
    seen.add(id);
    out.push(id);
  }
  return out;
}

function readBlock(m: Y.Map<unknown> | undefined): unknown {
  if (!m) return undefined;
  const text = m.get('text');
  const fields = m.get('fields');
  return { text: text instanceof Y.Text ? text.toString() : text, fields: fields instanceof Y.Map ? fields.toJSON() : fields };
}

function resolveAnchor(doc: Y.Doc, json: unknown, target: Y.Text | null): number | null {
  if (!json || !target) return null;
  const abs = Y.createAbsolutePositionFromRelativePosition(Y.createRelativePositionFromJSON(json), doc);
  return abs && abs.type === target ? abs.index : null;
}

/** The Y.Text a block reference points at, or null. */
export function blockText(doc: Y.Doc, ref: { clauseId: string | null; section: SectionKey | null }): Y.Text | null {
  const parts = agreementParts(doc);
  const m = ref.clauseId ? parts.clauses.get(ref.clauseId) : ref.section ? parts.sections.get(ref.section) : undefined;
  const t = m?.get('text');
  return t instanceof Y.Text ? t : null;
}

function readSuggestion(doc: Y.Doc, m: Y.Map<unknown>): Record<string, unknown> {
  const o = m.toJSON();
  const target = blockText(doc, { clauseId: (o.clauseId as string | null) ?? null, section: (o.section as SectionKey | null) ?? null });
  const start = resolveAnchor(doc, o.anchorStart, target);
  const end = o.anchorEnd ? resolveAnchor(doc, o.anchorEnd, target) : start;
  const range = start !== null && end !== null && end >= start ? { index: start, length: o.kind === 'insert' ? 0 : end - start } : null;
  const { anchorStart: _s, anchorEnd: _e, ...rest } = o;
  return { ...rest, range };
}

/** The document as plain, validated data: the single source for the PDF, the checker and diffs. */
export function readAgreement(doc: Y.Doc): AgreementSnapshot {
  if (!isAgreementInitialised(doc)) throw new DomainError('DOC_NOT_INITIALISED', '协议书尚未创建');
  const parts = agreementParts(doc);
  const raw = {
    meta: parts.meta.toJSON(),
    parties: parts.parties.toArray().map((p) => p.toJSON()),
    sections: Object.fromEntries(SECTION_KEYS.map((k) => [k, readBlock(parts.sections.get(k))])),
    clauses: clauseIds(doc).map((id) => {
      const c = parts.clauses.get(id)!;
      return { id, templateKey: c.get('templateKey') ?? null, title: c.get('title') ?? '', ...(readBlock(c) as object) };
    }),
    performance: Object.fromEntries(PERFORMANCE_KEYS.map((k) => [k, parts.performance.get(k) ?? null])),
    comments: parts.comments.toArray().map((c) => c.toJSON()),
    suggestions: parts.suggestions.toArray().map((s) => readSuggestion(doc, s)),
  };
  const parsed = AgreementSnapshotSchema.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new DomainError('DOC_INVALID', `协议书数据无效：${i.path.join('.')}：${i.message}`);
  }
  return parsed.data;
}

// ---------------------------------------------------------------------------------------------
// Rendering helpers shared by the PDF, the checker and diffs.

/** Block text with field values filled in (unfilled fields as 【label】). */
export function renderBlock(block: BlockSnapshot): string {
  return renderText(block.text, block.fields);
}

const CN_ORDINALS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

/** 1 → 一, 12 → 十二, 21 → 二十一: clause numbering in the printed agreement (一、二、…). */
export function chineseOrdinal(n: number): string {
  if (n <= 10) return CN_ORDINALS[n]!;
  if (n < 20) return `十${CN_ORDINALS[n - 10]}`;
  const tens = Math.floor(n / 10);
  const ones = n % 10;
  return `${CN_ORDINALS[tens]}十${ones ? CN_ORDINALS[ones] : ''}`;
}

export const ROLE_LABELS: Record<PartySnapshot['role'], string> = { APPLICANT: '申请人', RESPONDENT: '被申请人' };
export const SIDE_LABELS: Record<PartySnapshot['side'], string> = { A: '甲方', B: '乙方' };

/** One line of 当事人基本情况: "甲方（申请人）：王某，男，身份证号码…，住…，联系电话…". */
export function formatPartyLine(p: PartySnapshot, label = `${SIDE_LABELS[p.side]}（${ROLE_LABELS[p.role]}）`): string {
  const bits: string[] = [p.name || '【姓名】'];
  if (p.personType === 'legal') {
    if (p.creditCode) bits.push(`统一社会信用代码${p.creditCode}`);
    if (p.address) bits.push(`住所地${p.address}`);
    if (p.legalRepresentative) bits.push(`法定代表人（负责人）${p.legalRepresentative}`);
  } else {
    if (p.gender) bits.push(p.gender);
    if (p.idMasked) bits.push(`身份证号码${p.idMasked}`);
    if (p.address) bits.push(`住${p.address}`);
  }
  if (p.phone) bits.push(`联系电话${p.phone}`);
  let line = `${label}：${bits.join('，')}。`;
  if (p.agent) line += `委托代理人：${p.agent}。`;
  return line;
}
