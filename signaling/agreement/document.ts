// The 调解协议书 as a structured Yjs document, so several people can edit it at once and the PDF,
// the checker and diffs all read the same data. Layout of the Y.Doc (top-level types):
//
//   meta         Y.Map     schemaVersion, title, caseNumber, templateId, templateVersion,
//                          disputeType, orgName, version (named-version counter), signingDate, createdAt
//   parties      Y.Array<Y.Map>  id, role, side, personType, name, gender, birthDate, ethnicity, idMasked,
//                          address, serviceAddress, phone, agent, legalRepresentative, representativeTitle,
//                          creditCode (strings or null) — a copy of the case's participant records that
//                          only the server writes (syncParties); the participant record is the source
//   fields       Y.Map<FieldValue>  the document's fill-in fields by key: {{key}} in any block refers here,
//                          so a value used in several clauses is entered once
//   sections     Y.Map<Y.Map>    facts | issues | liability → { text: Y.Text, fields: Y.Map<FieldValue> }
//   clauses      Y.Map<Y.Map>    clause id → { id, templateKey, title, text: Y.Text, fields: Y.Map<FieldValue> }
//                          (a block's own `fields` is empty in new documents: older ones kept fields per block)
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
//
// The vocabulary and the snapshot schema are in document-schema.ts, the rendering helpers in
// document-rendering.ts; both are re-exported here, so this stays the one import for the document.
import * as Y from 'yjs';
import { maskIdNumber } from '../domain/id-number.ts';
import { fromIdNumber } from '../domain/party-details.ts';
import type { DisputeType } from '../domain/vocabulary.ts';
import { DomainError } from '../errors.ts';
import {
  AGREEMENT_PARTY_ROLES,
  AGREEMENT_SCHEMA_VERSION,
  AGREEMENT_SIDES,
  AgreementSnapshotSchema,
  PERFORMANCE_KEYS,
  PERSON_TYPES,
  SECTION_KEYS,
  type AgreementMeta,
  type AgreementSnapshot,
  type PerformanceKey,
  type SectionKey,
} from './document-schema.ts';
import { normalizeFieldValue, placeholderKeys, type FieldValue } from './fields.ts';
import type { AgreementTemplate, FieldDef, TemplateClause } from './template-schema.ts';

export * from './document-schema.ts';
export * from './document-rendering.ts';

// ---------------------------------------------------------------------------------------------
// Case data in, Y.Doc out.

export interface AgreementPartyInput {
  /** The case participant id when there is one (lets signing map signatures to parties). */
  id?: string;
  role: (typeof AGREEMENT_PARTY_ROLES)[number];
  side: (typeof AGREEMENT_SIDES)[number];
  personType?: (typeof PERSON_TYPES)[number];
  name: string;
  /** Default: read from a full ID number. */
  gender?: string | null;
  /** YYYY-MM-DD; default: read from a full ID number. */
  birthDate?: string | null;
  ethnicity?: string | null;
  /** Full or already masked; the document only keeps the masked form. */
  idNumber?: string | null;
  address?: string | null;
  serviceAddress?: string | null;
  phone?: string | null;
  agent?: string | null;
  /** statutory: a 法定代理人 (printed with agentRelationship); otherwise a 委托代理人. */
  agentType?: 'entrusted' | 'statutory' | null;
  agentRelationship?: string | null;
  legalRepresentative?: string | null;
  representativeTitle?: string | null;
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
  fields: Y.Map<FieldValue>;
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
    fields: doc.getMap('fields'),
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

/** A stored field value from raw input: normalised when valid, else kept as typed (the checker flags it). */
export function storedFieldValue(def: { type: FieldValue['type']; label: string }, raw: string | undefined | null): FieldValue {
  let value: string | null = null;
  if (raw !== undefined && raw !== null && raw.trim() !== '') {
    const n = normalizeFieldValue(def.type, raw);
    value = n.ok ? n.value : raw.trim();
  }
  return { type: def.type, label: def.label, value };
}

/**
 * Declares a block's field definitions in the document's field store. A key already there is
 * shared (its value stays); a value given as values["<block>.<key>"] fills an empty one.
 */
export function declareFields(store: Y.Map<FieldValue>, defs: Record<string, FieldDef>, values: Record<string, string>, prefix: string): void {
  for (const [key, def] of Object.entries(defs)) {
    const existing = store.get(key);
    const raw = values[`${prefix}.${key}`];
    if (existing && (existing.value !== null || raw === undefined)) continue;
    store.set(key, storedFieldValue(existing ?? def, raw));
  }
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

/** A clause Y.Map from a template clause; its fields go to the document's store (declareFields). */
export function clauseFromTemplate(tc: TemplateClause, text: string = tc.text): { id: string; map: Y.Map<unknown> } {
  return newClauseMap({ templateKey: tc.key, title: tc.title, text });
}

export function newPartyMap(p: AgreementPartyInput): { id: string; map: Y.Map<unknown> } {
  const m = new Y.Map<unknown>();
  const partyId = p.id ?? randomId('p');
  for (const [k, v] of Object.entries(partyEntries(p, partyId))) m.set(k, v);
  return { id: partyId, map: m };
}

/** The stored form of a party: only the masked ID; 性别 and 出生日期 read from a full ID number when not given. */
export function partyEntries(p: AgreementPartyInput, partyId: string): Record<string, string | null> {
  const full = p.idNumber?.trim() && !p.idNumber.includes('*') ? p.idNumber.trim().toUpperCase() : null;
  const id = full ? maskIdNumber(full) : p.idNumber?.trim() ? maskIdNumber(p.idNumber) : null;
  const natural = (p.personType ?? 'natural') === 'natural';
  const derived = natural && full ? fromIdNumber(full) : null;
  const entries: Record<string, string | null> = {
    id: partyId,
    role: p.role,
    side: p.side,
    personType: p.personType ?? 'natural',
    name: p.name,
    gender: p.gender ?? derived?.gender ?? null,
    birthDate: p.birthDate ?? derived?.birthDate ?? null,
    ethnicity: p.ethnicity ?? null,
    idMasked: id,
    address: p.address ?? null,
    serviceAddress: p.serviceAddress ?? null,
    // Never filled: both sides receive the agreement, and a party's phone is not for the other side.
    phone: null,
    agent: p.agent ?? null,
    agentType: p.agent ? (p.agentType ?? 'entrusted') : null,
    agentRelationship: p.agent && p.agentType === 'statutory' ? (p.agentRelationship ?? null) : null,
    legalRepresentative: p.legalRepresentative ?? null,
    representativeTitle: p.representativeTitle ?? null,
    creditCode: p.creditCode ?? null,
  };
  for (const k of Object.keys(entries)) if (entries[k] === '') entries[k] = null;
  return entries;
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
      s.set('fields', new Y.Map<FieldValue>());
      declareFields(parts.fields, template.sections[key].fields, values, key);
      parts.sections.set(key, s);
    }
    const ids: string[] = [];
    for (const tc of template.clauses) {
      if (tc.include !== 'default') continue;
      declareFields(parts.fields, tc.fields, values, tc.key);
      const c = clauseFromTemplate(tc);
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

/**
 * A block as plain data: its text, and the fields it uses — those its text refers to, from the
 * document's store — plus any it carries itself (documents made before the store).
 */
function readBlock(m: Y.Map<unknown> | undefined, store: Y.Map<FieldValue>): unknown {
  if (!m) return undefined;
  const t = m.get('text');
  const text = t instanceof Y.Text ? t.toString() : t;
  const own = m.get('fields');
  const fields: Record<string, unknown> = own instanceof Y.Map ? own.toJSON() : { ...(own as object) };
  if (typeof text === 'string') {
    for (const key of placeholderKeys(text)) {
      const shared = store.get(key);
      if (shared) fields[key] = { ...shared };
    }
  }
  return { text, fields };
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
    fields: parts.fields.toJSON(),
    parties: parts.parties.toArray().map((p) => p.toJSON()),
    sections: Object.fromEntries(SECTION_KEYS.map((k) => [k, readBlock(parts.sections.get(k), parts.fields)])),
    clauses: clauseIds(doc).map((id) => {
      const c = parts.clauses.get(id)!;
      return { id, templateKey: c.get('templateKey') ?? null, title: c.get('title') ?? '', ...(readBlock(c, parts.fields) as object) };
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
