// Named versions of an agreement and a readable diff between two of them.
//
// A version is plain data: the snapshot (readAgreement) plus the Yjs state as bytes, so it can be
// stored as a row and re-opened as a document. The diff works clause by clause (matched by id):
// added / removed / moved / changed, with a character-level diff of the text in which every
// {{field}} counts as one character, and field value changes listed on their own.
import * as Y from 'yjs';
import { canonicalAgreementContent } from './canonical.ts';
import { formatDateCn } from './dates.ts';
import {
  agreementParts,
  PARTY_FIELD_LABELS,
  PARTY_TEXT_KEYS,
  PERFORMANCE_KEYS,
  PERFORMANCE_LABELS,
  readAgreement,
  renderBlock,
  ROLE_LABELS,
  SECTION_KEYS,
  SECTION_LABELS,
  SIDE_LABELS,
  type AgreementSnapshot,
  type BlockSnapshot,
  type ClauseSnapshot,
  type PartySnapshot,
  type SectionKey,
} from './document.ts';
import { formatFieldValue, renderText, type FieldType, type FieldValue } from './fields.ts';
import { formatAmount, parseAmount } from './money.ts';
import { diffChars, diffHunks, type DiffHunk, type DiffSegment } from './text-diff.ts';

export interface AgreementVersion {
  name: string;
  /** 1, 2, 3 … per document (meta.version after the snapshot). */
  version: number;
  createdAt: string;
  /** canonicalAgreementContent(snapshot).sha256 */
  contentHash: string;
  snapshot: AgreementSnapshot;
  /** Y.encodeStateAsUpdate of the document at that moment. */
  update: Uint8Array;
}

/** Records a named version: bumps meta.version (one transaction with the origin) and captures it. */
export function snapshotVersion(doc: Y.Doc, name: string, opts: { origin?: unknown; now?: Date } = {}): AgreementVersion {
  const { meta } = agreementParts(doc);
  readAgreement(doc); // throws on an uninitialised or invalid document before anything changes
  doc.transact(() => meta.set('version', ((meta.get('version') as number | undefined) ?? 0) + 1), opts.origin ?? null);
  const snapshot = readAgreement(doc);
  return {
    name: name.trim() || `第${snapshot.meta.version}版`,
    version: snapshot.meta.version,
    createdAt: (opts.now ?? new Date()).toISOString(),
    contentHash: canonicalAgreementContent(snapshot).sha256,
    snapshot,
    update: Y.encodeStateAsUpdate(doc),
  };
}

/** Re-opens a stored version as a (detached) Y.Doc. */
export function docFromVersion(v: Pick<AgreementVersion, 'update'>): Y.Doc {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, v.update);
  return doc;
}

// ---------------------------------------------------------------------------------------------

export interface ValueChange {
  key: string;
  label: string;
  before: string | null;
  after: string | null;
}

export interface FieldChange extends ValueChange {
  type: FieldType;
}

export interface TextChange {
  /** Raw segments ({{key}} kept as placeholders), for highlighting. */
  segments: DiffSegment[];
  /** Rendered hunks with context, for reading. */
  hunks: DiffHunk[];
}

export type PartyChange =
  { type: 'added'; party: PartySnapshot } | { type: 'removed'; party: PartySnapshot } | { type: 'changed'; party: PartySnapshot; changes: ValueChange[] };

export interface SectionChange {
  key: SectionKey;
  label: string;
  text: TextChange | null;
  fields: FieldChange[];
}

export type ClauseChange =
  | { type: 'added'; id: string; position: number; title: string; text: string }
  | { type: 'removed'; id: string; position: number; title: string; text: string }
  | { type: 'moved'; id: string; from: number; to: number }
  | { type: 'changed'; id: string; position: number; title: ValueChange | null; text: TextChange | null; fields: FieldChange[] };

export interface AgreementDiff {
  fromVersion: number;
  toVersion: number;
  meta: ValueChange[];
  parties: PartyChange[];
  sections: SectionChange[];
  clauses: ClauseChange[];
  performance: ValueChange[];
}

const PUA = 0xe000;
const TOKEN_RE = /\{\{\s*([a-zA-Z][a-zA-Z0-9_]*)\s*\}\}/g;

/** Text diff in which each {{key}} is one unit; hunks rendered with each side's own field values. */
function textChange(a: BlockSnapshot, b: BlockSnapshot): TextChange | null {
  if (a.text === b.text) return null;
  const keys = [...new Set([...a.text.matchAll(TOKEN_RE), ...b.text.matchAll(TOKEN_RE)].map((m) => m[1]!))];
  const toChar = new Map(keys.map((k, i) => [k, String.fromCharCode(PUA + i)]));
  const encode = (t: string) => t.replace(TOKEN_RE, (_, k: string) => toChar.get(k)!);
  const decodeWith = (t: string, fields: Record<string, FieldValue> | null) =>
    t.replace(/[\ue000-\uf8ff]/g, (c) => {
      const key = keys[c.charCodeAt(0) - PUA]!;
      return fields ? renderText(`{{${key}}}`, fields) : `{{${key}}}`;
    });
  const segments = diffChars(encode(a.text), encode(b.text));
  const hunks = diffHunks(segments).map((h) => ({ before: decodeWith(h.before, a.fields), after: decodeWith(h.after, b.fields) }));
  return { segments: segments.map((s) => ({ op: s.op, text: decodeWith(s.text, null) })), hunks };
}

function fieldChanges(a: Record<string, FieldValue>, b: Record<string, FieldValue>): FieldChange[] {
  const out: FieldChange[] = [];
  for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])]) {
    const fa = a[key];
    const fb = b[key];
    const before = fa?.value ?? null;
    const after = fb?.value ?? null;
    if (before !== after) out.push({ key, label: (fb ?? fa)!.label, type: (fb ?? fa)!.type, before, after });
  }
  return out;
}

function valueChanges<K extends string>(
  keys: readonly K[],
  labels: Record<K, string>,
  a: Record<K, string | null>,
  b: Record<K, string | null>,
): ValueChange[] {
  return keys.filter((k) => (a[k] ?? null) !== (b[k] ?? null)).map((k) => ({ key: k, label: labels[k], before: a[k] ?? null, after: b[k] ?? null }));
}

/** Ids of `a` that keep their relative order in `b` (longest common subsequence). */
function stableIds(a: string[], b: string[]): Set<string> {
  const n = a.length;
  const m = b.length;
  const w = m + 1;
  const lcs = new Uint32Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--) lcs[i * w + j] = a[i] === b[j] ? lcs[(i + 1) * w + j + 1]! + 1 : Math.max(lcs[(i + 1) * w + j]!, lcs[i * w + j + 1]!);
  const keep = new Set<string>();
  for (let i = 0, j = 0; i < n && j < m;) {
    if (a[i] === b[j]) {
      keep.add(a[i]!);
      i++;
      j++;
    } else if (lcs[(i + 1) * w + j]! >= lcs[i * w + j + 1]!) i++;
    else j++;
  }
  return keep;
}

function clauseChanges(a: ClauseSnapshot[], b: ClauseSnapshot[]): ClauseChange[] {
  const inA = new Map(a.map((c, i) => [c.id, { c, pos: i + 1 }]));
  const inB = new Map(b.map((c, i) => [c.id, { c, pos: i + 1 }]));
  const common = (xs: ClauseSnapshot[], other: Map<string, unknown>) => xs.map((c) => c.id).filter((id) => other.has(id));
  const stable = stableIds(common(a, inB), common(b, inA));
  const out: ClauseChange[] = [];
  for (const [id, { c, pos }] of inA) {
    if (!inB.has(id)) out.push({ type: 'removed', id, position: pos, title: c.title, text: renderBlock(c) });
  }
  for (const [id, { c, pos }] of inB) {
    const old = inA.get(id);
    if (!old) {
      out.push({ type: 'added', id, position: pos, title: c.title, text: renderBlock(c) });
      continue;
    }
    if (!stable.has(id)) out.push({ type: 'moved', id, from: old.pos, to: pos });
    const title = old.c.title !== c.title ? { key: 'title', label: '标题', before: old.c.title, after: c.title } : null;
    const text = textChange(old.c, c);
    const fields = fieldChanges(old.c.fields, c.fields);
    if (title || text || fields.length) out.push({ type: 'changed', id, position: pos, title, text, fields });
  }
  const order = (x: ClauseChange) => (x.type === 'removed' ? x.position - 0.5 : x.type === 'moved' ? x.to : x.position);
  return out.sort((x, y) => order(x) - order(y));
}

function partyChanges(a: PartySnapshot[], b: PartySnapshot[]): PartyChange[] {
  const out: PartyChange[] = [];
  const labels = { ...PARTY_FIELD_LABELS, role: '角色', side: '方', personType: '类型' };
  const keys = ['role', 'side', 'personType', ...PARTY_TEXT_KEYS] as const;
  for (const p of a) if (!b.some((q) => q.id === p.id)) out.push({ type: 'removed', party: p });
  for (const q of b) {
    const p = a.find((x) => x.id === q.id);
    if (!p) {
      out.push({ type: 'added', party: q });
      continue;
    }
    const changes = valueChanges(keys, labels, p, q);
    if (changes.length) out.push({ type: 'changed', party: q, changes });
  }
  return out;
}

/** What changed from version a to version b. */
export function diffVersions(a: AgreementVersion | AgreementSnapshot, b: AgreementVersion | AgreementSnapshot): AgreementDiff {
  const sa = 'snapshot' in a ? a.snapshot : a;
  const sb = 'snapshot' in b ? b.snapshot : b;
  const metaKeys = ['title', 'caseNumber', 'signingDate'] as const;
  const metaLabels = { title: '标题', caseNumber: '编号', signingDate: '签订日期' };
  return {
    fromVersion: sa.meta.version,
    toVersion: sb.meta.version,
    meta: valueChanges(metaKeys, metaLabels, sa.meta, sb.meta),
    parties: partyChanges(sa.parties, sb.parties),
    sections: SECTION_KEYS.map((key) => ({
      key,
      label: SECTION_LABELS[key],
      text: textChange(sa.sections[key], sb.sections[key]),
      fields: fieldChanges(sa.sections[key].fields, sb.sections[key].fields),
    })).filter((s) => s.text || s.fields.length),
    clauses: clauseChanges(sa.clauses, sb.clauses),
    performance: valueChanges(PERFORMANCE_KEYS, PERFORMANCE_LABELS, sa.performance, sb.performance),
  };
}

// ---------------------------------------------------------------------------------------------
// Chinese lines

const MAX_QUOTE = 60;
const quote = (s: string) => `“${[...s].length > MAX_QUOTE ? [...s].slice(0, MAX_QUOTE).join('') + '…' : s}”`;
const UNSET = '（未填写）';

function shortValue(type: FieldType, value: string | null): string {
  if (value === null) return UNSET;
  if (type === 'amount') {
    const a = parseAmount(value);
    return a ? formatAmount(a.fen) : value;
  }
  return formatFieldValue(type, value);
}

function valueLine(prefix: string, c: ValueChange, format: (v: string) => string = quote): string {
  return `${prefix}${c.label}：${c.before === null ? UNSET : format(c.before)} → ${c.after === null ? UNSET : format(c.after)}`;
}

function textLines(prefix: string, t: TextChange | null): string[] {
  return (t?.hunks ?? []).map((h) => `${prefix} 修改：${quote(h.before)} → ${quote(h.after)}`);
}

function fieldLines(prefix: string, fields: FieldChange[]): string[] {
  return fields.map((f) => `${prefix} ${f.label}：${shortValue(f.type, f.before)} → ${shortValue(f.type, f.after)}`);
}

const partyName = (p: PartySnapshot) => `${SIDE_LABELS[p.side]}（${ROLE_LABELS[p.role]}）${p.name}`;

/** The diff as Chinese lines, e.g. “第3条 修改：“…十五日内…” → “…十日内…””. */
export function formatDiff(d: AgreementDiff): string[] {
  const lines: string[] = [];
  for (const c of d.meta) lines.push(valueLine('', c, c.key === 'signingDate' ? formatDateCn : quote));
  for (const p of d.parties) {
    if (p.type === 'added') lines.push(`当事人 新增：${partyName(p.party)}`);
    else if (p.type === 'removed') lines.push(`当事人 删除：${partyName(p.party)}`);
    else for (const c of p.changes) lines.push(valueLine(`当事人 ${partyName(p.party)} `, c));
  }
  for (const s of d.sections) lines.push(...textLines(s.label, s.text), ...fieldLines(s.label, s.fields));
  for (const c of d.clauses) {
    switch (c.type) {
      case 'added':
        lines.push(`第${c.position}条 新增：${quote(c.text)}`);
        break;
      case 'removed':
        lines.push(`原第${c.position}条 删除：${quote(c.text)}`);
        break;
      case 'moved':
        lines.push(`原第${c.from}条 移至第${c.to}条`);
        break;
      case 'changed': {
        const at = `第${c.position}条`;
        if (c.title) lines.push(valueLine(`${at} `, c.title));
        lines.push(...textLines(at, c.text), ...fieldLines(at, c.fields));
        break;
      }
    }
  }
  for (const c of d.performance) lines.push(valueLine('', c));
  return lines;
}
