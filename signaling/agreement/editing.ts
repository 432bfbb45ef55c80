// Editing helpers shared by the server and the browser. Each one is a single Yjs transaction
// carrying the caller's origin (the server uses it to tell its own writes from a client's).
import * as Y from 'yjs';
import {
  agreementParts,
  blockText,
  clauseFromTemplate,
  clauseIds,
  newClauseMap,
  declareFields,
  newPartyMap,
  partyEntries,
  PARTY_TEXT_KEYS,
  PERFORMANCE_KEYS,
  randomId,
  type AgreementPartyInput,
  type PartyTextKey,
  type PerformanceKey,
  type SectionKey,
} from './document.ts';
import { DomainError } from '../errors.ts';
import { FIELD_KEY_RE, normalizeFieldValue, type FieldType, type FieldValue } from './fields.ts';
import { maskIdNumber } from '../domain/id-number.ts';
import type { AgreementTemplate } from './template-schema.ts';

/** A clause or one of the fixed sections. */
export type BlockRef = { clauseId: string } | { section: SectionKey };
export interface Author {
  peerId: string;
  name: string;
}

function refParts(ref: BlockRef | null): { clauseId: string | null; section: SectionKey | null } {
  if (!ref) return { clauseId: null, section: null };
  return 'clauseId' in ref ? { clauseId: ref.clauseId, section: null } : { clauseId: null, section: ref.section };
}

function clauseMap(doc: Y.Doc, clauseId: string): Y.Map<unknown> {
  const c = agreementParts(doc).clauses.get(clauseId);
  if (!c) throw new DomainError('CLAUSE_NOT_FOUND', '该条款不存在或已被删除');
  return c;
}

function blockMap(doc: Y.Doc, ref: BlockRef): Y.Map<unknown> {
  if ('clauseId' in ref) return clauseMap(doc, ref.clauseId);
  const s = agreementParts(doc).sections.get(ref.section);
  if (!s) throw new DomainError('DOC_NOT_INITIALISED', '协议书尚未创建');
  return s;
}

export function textOf(doc: Y.Doc, ref: BlockRef): Y.Text {
  const t = blockMap(doc, ref).get('text');
  if (!(t instanceof Y.Text)) throw new DomainError('DOC_INVALID', '协议书数据无效：缺少正文');
  return t;
}

/** Replaces a Y.Text's content by editing only the part that differs (keeps others' cursors). */
export function replaceText(ytext: Y.Text, next: string): void {
  const prev = ytext.toString();
  if (prev === next) return;
  let start = 0;
  while (start < prev.length && start < next.length && prev[start] === next[start]) start++;
  let endPrev = prev.length;
  let endNext = next.length;
  while (endPrev > start && endNext > start && prev[endPrev - 1] === next[endNext - 1]) {
    endPrev--;
    endNext--;
  }
  if (endPrev > start) ytext.delete(start, endPrev - start);
  if (endNext > start) ytext.insert(start, next.slice(start, endNext));
}

/** Removes every occurrence of the id from clauseOrder (also the duplicates concurrent moves leave). */
function removeFromOrder(order: Y.Array<string>, id: string): void {
  const arr = order.toArray();
  for (let i = arr.length - 1; i >= 0; i--) if (arr[i] === id) order.delete(i, 1);
}

/** The raw clauseOrder index at which to insert so the clause shows at visible position `index`. */
function rawInsertIndex(doc: Y.Doc, index: number | undefined): number {
  const { clauseOrder } = agreementParts(doc);
  const visible = clauseIds(doc);
  if (index === undefined || index >= visible.length) return clauseOrder.length;
  const target = visible[Math.max(0, index)]!;
  return clauseOrder.toArray().indexOf(target);
}

// ---------------------------------------------------------------------------------------------
// Clauses

export interface NewClause {
  title?: string;
  text?: string;
  fields?: Record<string, FieldValue>;
  /** Visible position (0 = first); default last. */
  index?: number;
}

/** Adds a clause written from scratch. Returns its id. */
export function addClause(doc: Y.Doc, input: NewClause, origin: unknown): string {
  const { id, map } = newClauseMap({ title: input.title, text: input.text, fields: input.fields });
  doc.transact(() => {
    const parts = agreementParts(doc);
    const at = rawInsertIndex(doc, input.index);
    parts.clauses.set(id, map);
    parts.clauseOrder.insert(at, [id]);
  }, origin);
  return id;
}

/** Adds a clause from the template's clause library (e.g. an optional 分期付款 clause). Returns its id. */
export function addClauseFromTemplate(
  doc: Y.Doc,
  template: AgreementTemplate,
  clauseKey: string,
  opts: { index?: number; values?: Record<string, string> },
  origin: unknown,
): string {
  const tc = template.clauses.find((c) => c.key === clauseKey);
  if (!tc) throw new DomainError('TEMPLATE_NOT_FOUND', `模板「${template.name}」中没有条款「${clauseKey}」`);
  const parts = agreementParts(doc);
  // A second copy of a clause (楼下多户受损的，每户单列一条) gets its own values for the fields only
  // that clause defines (payee2, amount2 …); fields shared with other blocks stay shared.
  const copies = clauseIds(doc).filter((cid) => parts.clauses.get(cid)?.get('templateKey') === tc.key).length;
  let text = tc.text;
  let defs = tc.fields;
  const values = { ...opts.values };
  if (copies > 0) {
    const elsewhere = new Set([
      ...Object.values(template.sections).flatMap((b) => Object.keys(b.fields)),
      ...template.clauses.filter((c) => c.key !== tc.key).flatMap((c) => Object.keys(c.fields)),
    ]);
    const n = copies + 1;
    defs = {};
    for (const [key, def] of Object.entries(tc.fields)) {
      if (elsewhere.has(key)) {
        defs[key] = def;
        continue;
      }
      let own = `${key}${n}`;
      while (parts.fields.has(own)) own += '_';
      defs[own] = { ...def, label: `${def.label}（${n}）` };
      const given = values[`${tc.key}.${key}`];
      if (given !== undefined) values[`${tc.key}.${own}`] = given;
      text = text.replace(new RegExp(`\\{\\{\\s*${key}\\s*\\}\\}`, 'g'), `{{${own}}}`);
    }
  }
  const { id, map } = clauseFromTemplate(tc, text);
  doc.transact(() => {
    declareFields(parts.fields, defs, values, tc.key);
    const at = rawInsertIndex(doc, opts.index);
    parts.clauses.set(id, map);
    parts.clauseOrder.insert(at, [id]);
  }, origin);
  return id;
}

/** Moves a clause to visible position toIndex (0-based, clamped). Its id and content stay. */
export function moveClause(doc: Y.Doc, clauseId: string, toIndex: number, origin: unknown): void {
  clauseMap(doc, clauseId);
  doc.transact(() => {
    const { clauseOrder } = agreementParts(doc);
    removeFromOrder(clauseOrder, clauseId);
    clauseOrder.insert(rawInsertIndex(doc, Math.max(0, toIndex)), [clauseId]);
  }, origin);
}

/** Deletes a clause. Open suggestions on it are closed as rejected; comments stay. */
export function deleteClause(doc: Y.Doc, clauseId: string, origin: unknown, now: Date = new Date()): void {
  clauseMap(doc, clauseId);
  doc.transact(() => {
    const parts = agreementParts(doc);
    removeFromOrder(parts.clauseOrder, clauseId);
    parts.clauses.delete(clauseId);
    for (const s of parts.suggestions.toArray()) {
      if (s.get('clauseId') === clauseId && s.get('status') === 'open') {
        s.set('status', 'rejected');
        s.set('resolvedAt', now.toISOString());
      }
    }
  }, origin);
}

export function setClauseText(doc: Y.Doc, clauseId: string, text: string, origin: unknown): void {
  const t = textOf(doc, { clauseId });
  doc.transact(() => replaceText(t, text), origin);
}

export function setClauseTitle(doc: Y.Doc, clauseId: string, title: string, origin: unknown): void {
  const c = clauseMap(doc, clauseId);
  doc.transact(() => c.set('title', title.trim()), origin);
}

export function setSectionText(doc: Y.Doc, section: SectionKey, text: string, origin: unknown): void {
  const t = textOf(doc, { section });
  doc.transact(() => replaceText(t, text), origin);
}

// ---------------------------------------------------------------------------------------------
// Fields

export type SetFieldResult = { ok: true; value: string | null } | { ok: false; problem: string };

/**
 * Where a field's value lives: the document's store (one value for every block that uses it), or
 * for documents made before the store, the block's own fields.
 */
function fieldHome(doc: Y.Doc, ref: BlockRef | null, key: string): Y.Map<FieldValue> {
  const store = agreementParts(doc).fields;
  if (store.has(key)) return store;
  const own = ref ? (blockMap(doc, ref).get('fields') as Y.Map<FieldValue> | undefined) : undefined;
  if (own?.has(key)) return own;
  throw new DomainError('FIELD_NOT_FOUND', `没有名为「${key}」的填写项`);
}

/**
 * Sets a fill-in field (every block that refers to it shows the new value). Valid input is stored
 * normalised (1.2万元 → "12000.00", 2026年3月15日 → "2026-03-15"); invalid input is stored as typed
 * so nothing is lost, and the checker flags it. null or blank clears the field. `ref` (the block
 * being edited) matters only for documents made before the shared store.
 */
export function setFieldValue(doc: Y.Doc, ref: BlockRef | null, key: string, raw: string | null, origin: unknown): SetFieldResult {
  const fields = fieldHome(doc, ref, key);
  const f = fields.get(key)!;
  let value: string | null = null;
  let result: SetFieldResult = { ok: true, value: null };
  if (raw !== null && raw.trim() !== '') {
    const n = normalizeFieldValue(f.type, raw);
    value = n.ok ? n.value : raw.trim();
    result = n.ok ? { ok: true, value } : { ok: false, problem: n.problem };
  }
  doc.transact(() => fields.set(key, { ...f, value }), origin);
  return result;
}

/** Declares a fill-in field in the document's store (any block may then refer to it). */
export function addField(doc: Y.Doc, key: string, def: { type: FieldType; label: string }, origin: unknown): void {
  if (!FIELD_KEY_RE.test(key)) throw new DomainError('FIELD_NOT_FOUND', `填写项名称「${key}」无效`);
  const fields = agreementParts(doc).fields;
  doc.transact(() => fields.set(key, { type: def.type, label: def.label, value: fields.get(key)?.value ?? null }), origin);
}

// ---------------------------------------------------------------------------------------------
// Performance, parties, meta

export function setPerformance(doc: Y.Doc, key: PerformanceKey, value: string | null, origin: unknown): void {
  if (!PERFORMANCE_KEYS.includes(key)) throw new DomainError('FIELD_NOT_FOUND', `没有名为「${key}」的履行事项`);
  const v = value?.trim() ? value.trim() : null;
  doc.transact(() => agreementParts(doc).performance.set(key, v), origin);
}

function partyMap(doc: Y.Doc, partyId: string): Y.Map<unknown> {
  const p = agreementParts(doc)
    .parties.toArray()
    .find((m) => m.get('id') === partyId);
  if (!p) throw new DomainError('PARTY_NOT_FOUND', '该当事人不存在');
  return p;
}

/**
 * Makes the document's parties those given (the case's participant records): changed details are
 * written, parties added and removed, order kept as given. Only the server calls this — the
 * participant record is the one source, the document holds a copy for the text and the PDF.
 */
export function syncParties(doc: Y.Doc, inputs: AgreementPartyInput[], origin: unknown): void {
  const { parties } = agreementParts(doc);
  const wanted = inputs.map((p) => ({ id: p.id ?? randomId('p'), input: p }));
  const current = parties.toArray().map((m) => m.get('id'));
  const same = current.length === wanted.length && current.every((id, i) => id === wanted[i]!.id);
  doc.transact(() => {
    if (!same) {
      parties.delete(0, parties.length);
      parties.push(wanted.map(({ id, input }) => newPartyMap({ ...input, id }).map));
      return;
    }
    parties.toArray().forEach((m, i) => {
      const { id, input } = wanted[i]!;
      for (const [k, v] of Object.entries(partyEntries(input, id))) if ((m.get(k) ?? null) !== v) m.set(k, v);
    });
  }, origin);
}

/** Edits one party detail (tests and documents without participant records). A full ID number is stored masked. */
export function setPartyField(doc: Y.Doc, partyId: string, key: PartyTextKey, value: string | null, origin: unknown): void {
  if (!PARTY_TEXT_KEYS.includes(key)) throw new DomainError('FIELD_NOT_FOUND', `没有名为「${key}」的当事人信息`);
  if (key === 'phone') throw new DomainError('PHONE_NOT_SHARED');
  const p = partyMap(doc, partyId);
  let v = value?.trim() ? value.trim() : null;
  if (v && key === 'idMasked') v = maskIdNumber(v.toUpperCase());
  doc.transact(() => p.set(key, v), origin);
}

export function addParty(doc: Y.Doc, input: AgreementPartyInput, origin: unknown): string {
  const { id, map } = newPartyMap(input);
  doc.transact(() => agreementParts(doc).parties.push([map]), origin);
  return id;
}

export function removeParty(doc: Y.Doc, partyId: string, origin: unknown): void {
  partyMap(doc, partyId);
  doc.transact(() => {
    const { parties } = agreementParts(doc);
    const i = parties.toArray().findIndex((m) => m.get('id') === partyId);
    if (i >= 0) parties.delete(i, 1);
  }, origin);
}

/** The planned signing date (YYYY-MM-DD) the checker measures deadlines against; null clears it. */
export function setSigningDate(doc: Y.Doc, date: string | null, origin: unknown): void {
  if (date !== null && !/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new DomainError('DOC_INVALID', '签订日期格式应为 YYYY-MM-DD');
  doc.transact(() => agreementParts(doc).meta.set('signingDate', date), origin);
}

// ---------------------------------------------------------------------------------------------
// Comments and suggestions

export interface NewComment {
  /** The clause or section it is about; null or omitted for the whole agreement. */
  target?: BlockRef | null;
  text: string;
  author: Author;
  /** A party's objection to the clause (from the signing page). */
  objection?: boolean;
  now?: Date;
}

export function addComment(doc: Y.Doc, input: NewComment, origin: unknown): string {
  const target = refParts(input.target ?? null);
  if (target.clauseId) clauseMap(doc, target.clauseId);
  const id = randomId('m');
  const m = new Y.Map<unknown>();
  const entries = {
    id,
    kind: 'comment',
    ...target,
    authorPeerId: input.author.peerId,
    authorName: input.author.name,
    text: input.text.trim(),
    status: 'open',
    createdAt: (input.now ?? new Date()).toISOString(),
    resolvedBy: null,
    resolvedAt: null,
    ...(input.objection ? { objection: true } : {}),
  };
  for (const [k, v] of Object.entries(entries)) m.set(k, v);
  doc.transact(() => agreementParts(doc).comments.push([m]), origin);
  return id;
}

/** Marks a comment as dealt with (status "accepted"). */
export function resolveComment(doc: Y.Doc, commentId: string, by: Author, origin: unknown, now: Date = new Date()): void {
  const m = agreementParts(doc)
    .comments.toArray()
    .find((c) => c.get('id') === commentId);
  if (!m) throw new DomainError('COMMENT_NOT_FOUND', '该批注不存在');
  doc.transact(() => {
    m.set('status', 'accepted');
    m.set('resolvedBy', by.name);
    m.set('resolvedAt', now.toISOString());
  }, origin);
}

export interface NewSuggestion {
  target: BlockRef;
  kind: 'replace' | 'insert' | 'delete';
  /** Start of the range in the current text; default 0. */
  index?: number;
  /** Length of the replaced/deleted range; default: to the end of the text. Ignored for insert. */
  length?: number;
  /** New text (replace/insert). */
  text?: string;
  author: Author;
  now?: Date;
}

/**
 * Proposes a change to a clause or section text without making it. The range is anchored with
 * relative positions, so it follows the text through other people's edits until accepted.
 */
export function addSuggestion(doc: Y.Doc, input: NewSuggestion, origin: unknown): string {
  const ytext = textOf(doc, input.target);
  const current = ytext.toString();
  const index = input.index ?? 0;
  const length = input.kind === 'insert' ? 0 : (input.length ?? current.length - index);
  if (index < 0 || length < 0 || index + length > current.length) throw new DomainError('INVALID_RANGE', '建议修改的范围超出了条款正文');
  if (input.kind !== 'delete' && !input.text) throw new DomainError('INVALID_RANGE', '请填写建议的文字');
  if (input.kind !== 'insert' && length === 0) throw new DomainError('INVALID_RANGE', '请选择要修改或删除的文字');
  const id = randomId('s');
  const m = new Y.Map<unknown>();
  const entries = {
    id,
    kind: input.kind,
    ...refParts(input.target),
    authorPeerId: input.author.peerId,
    authorName: input.author.name,
    text: input.kind === 'delete' ? '' : input.text!,
    original: current.slice(index, index + length),
    anchorStart: Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(ytext, index, 0)),
    anchorEnd: input.kind === 'insert' ? null : Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(ytext, index + length, -1)),
    status: 'open',
    createdAt: (input.now ?? new Date()).toISOString(),
    resolvedBy: null,
    resolvedAt: null,
  };
  for (const [k, v] of Object.entries(entries)) m.set(k, v);
  doc.transact(() => agreementParts(doc).suggestions.push([m]), origin);
  return id;
}

function openSuggestion(doc: Y.Doc, suggestionId: string): Y.Map<unknown> {
  const m = agreementParts(doc)
    .suggestions.toArray()
    .find((s) => s.get('id') === suggestionId);
  if (!m) throw new DomainError('SUGGESTION_NOT_FOUND', '该修改建议不存在');
  if (m.get('status') !== 'open') throw new DomainError('SUGGESTION_NOT_OPEN', '该修改建议已处理');
  return m;
}

/**
 * Applies a suggestion to its text and marks it accepted. Throws SUGGESTION_STALE when the text it
 * targets was changed since, so nobody accepts a change to words they have not seen.
 */
export function acceptSuggestion(doc: Y.Doc, suggestionId: string, by: Author, origin: unknown, now: Date = new Date()): void {
  const m = openSuggestion(doc, suggestionId);
  const ref = { clauseId: (m.get('clauseId') as string | null) ?? null, section: (m.get('section') as SectionKey | null) ?? null };
  const ytext = blockText(doc, ref);
  if (!ytext) throw new DomainError('SUGGESTION_STALE', '建议所针对的条款已被删除');
  const resolve = (json: unknown) => {
    const abs = json ? Y.createAbsolutePositionFromRelativePosition(Y.createRelativePositionFromJSON(json), doc) : null;
    return abs && abs.type === ytext ? abs.index : null;
  };
  const start = resolve(m.get('anchorStart'));
  const end = m.get('kind') === 'insert' ? start : resolve(m.get('anchorEnd'));
  const original = m.get('original') as string;
  if (start === null || end === null || end < start || ytext.toString().slice(start, end) !== original) {
    throw new DomainError('SUGGESTION_STALE', '建议所针对的文字已被修改，请重新提出建议');
  }
  doc.transact(() => {
    if (end > start) ytext.delete(start, end - start);
    const text = m.get('text') as string;
    if (text) ytext.insert(start, text);
    m.set('status', 'accepted');
    m.set('resolvedBy', by.name);
    m.set('resolvedAt', now.toISOString());
  }, origin);
}

export function rejectSuggestion(doc: Y.Doc, suggestionId: string, by: Author, origin: unknown, now: Date = new Date()): void {
  const m = openSuggestion(doc, suggestionId);
  doc.transact(() => {
    m.set('status', 'rejected');
    m.set('resolvedBy', by.name);
    m.set('resolvedAt', now.toISOString());
  }, origin);
}
