// The schema of the files in agreement-templates/: one JSON file per template, checked when the
// server starts. Two families share the field vocabulary:
//  - kind "agreement": a 人民调解协议书 for one dispute type, laid out along 人民调解法 art. 29
//    (当事人基本情况; 纠纷事实、争议事项及各方责任; 协议内容、履行方式、地点和期限);
//  - kind "confirmation-application" (司法确认申请书) and "civil-ruling" (民事裁定书): court
//    documents as ordered blocks, with ruling variants, typeset to PDF from data.
import { z } from 'zod';
import { DISPUTE_TYPE_KEYS, type DisputeType } from '../domain/vocabulary.ts';
import { DomainError } from '../errors.ts';
import { FIELD_KEY_RE, FIELD_TYPES, normalizeFieldValue, placeholderKeys } from './fields.ts';

const Key = z.string().regex(FIELD_KEY_RE, 'must be a key like "payDeadline" (letters, digits, _)');

export const FieldDefSchema = z.strictObject({
  type: z.enum(FIELD_TYPES),
  label: z.string().min(1),
  /** Shown greyed in the empty input, e.g. "8600" or "2026年3月15日". Must be a valid value. */
  example: z.string().min(1).optional(),
});
export type FieldDef = z.infer<typeof FieldDefSchema>;

const Fields = z.record(Key, FieldDefSchema).default({});

const TemplateBlockSchema = z.strictObject({
  /** Starting text; may contain {{key}} placeholders for the block's own fields. */
  text: z.string(),
  /** What the mediator should write here. */
  hint: z.string().min(1),
  fields: Fields,
});
export type TemplateBlock = z.infer<typeof TemplateBlockSchema>;

const TemplateClauseSchema = z.strictObject({
  key: Key,
  title: z.string().min(1),
  text: z.string().min(1),
  hint: z.string().min(1).optional(),
  /** "default" clauses are in a new agreement; "optional" ones are offered in the clause library. */
  include: z.enum(['default', 'optional']).default('default'),
  fields: Fields,
});
export type TemplateClause = z.infer<typeof TemplateClauseSchema>;

const PerformanceItemSchema = z.strictObject({ default: z.string().min(1).optional(), hint: z.string().min(1) });

const Common = {
  /** Equals the file name without .json. */
  id: z.string().regex(/^[a-z][a-z0-9-]*$/, 'must be lower-case letters, digits and "-"'),
  version: z.int().positive(),
  /** Name in the template picker. */
  name: z.string().min(1),
  /** Title printed on the document. */
  title: z.string().min(1),
  /** Short advice for the mediator, shown next to the editor. */
  guidance: z.string().min(10).max(800),
  legalBasis: z.array(z.string().min(1)).default([]),
};

export const AgreementTemplateSchema = z.strictObject({
  ...Common,
  kind: z.literal('agreement'),
  disputeType: z.enum(DISPUTE_TYPE_KEYS),
  sections: z.strictObject({ facts: TemplateBlockSchema, issues: TemplateBlockSchema, liability: TemplateBlockSchema }),
  clauses: z.array(TemplateClauseSchema).min(1),
  performance: z.strictObject({
    method: PerformanceItemSchema,
    place: PerformanceItemSchema,
    deadline: PerformanceItemSchema,
    account: PerformanceItemSchema,
  }),
});
export type AgreementTemplate = z.infer<typeof AgreementTemplateSchema>;

export const COURT_DOCUMENT_KINDS = [
  'confirmation-application',
  'civil-ruling',
  // The mediation's procedure (#17 items 1–3): 权利义务告知书, 调解终结告知书, 调解笔录.
  'rights-notice',
  'termination-notice',
  'mediation-minutes',
  // The court's procedure (#17 items 6–8): 受理通知书 / 补充材料通知书, 询问笔录, 送达地址确认书.
  'court-notice',
  'questioning-minutes',
  'service-address-confirmation',
  // #16 回访: the 回访记录 of a follow-up task.
  'follow-up-record',
] as const;
export type CourtDocumentKind = (typeof COURT_DOCUMENT_KINDS)[number];

/** Placeholders a court document fills from its parties instead of from fields. */
export const COURT_COMPUTED_KEYS = ['applicantNames'] as const;

const CourtBlockSchema = z.strictObject({
  key: Key,
  heading: z.string().min(1).nullable().default(null),
  /** "parties": one paragraph per applicant, built from party data; "text": the text below. */
  kind: z.enum(['text', 'parties']).default('text'),
  /** Paragraphs separated by \n; may contain {{key}} placeholders of the template's fields. */
  text: z.string().default(''),
  /** Only rendered for this ruling variant. */
  variant: Key.optional(),
  align: z.enum(['left', 'center', 'right']).default('left'),
});
export type CourtBlock = z.infer<typeof CourtBlockSchema>;

export const CourtTemplateSchema = z.strictObject({
  ...Common,
  kind: z.enum(COURT_DOCUMENT_KINDS),
  /** How each party is introduced, e.g. 申请人. */
  partyLabel: z.string().min(1),
  dateStyle: z.enum(['arabic', 'chinese']).default('chinese'),
  fields: Fields,
  variants: z.array(z.strictObject({ key: Key, label: z.string().min(1) })).default([]),
  blocks: z.array(CourtBlockSchema).min(1),
});
export type CourtTemplate = z.infer<typeof CourtTemplateSchema>;

export type Template = AgreementTemplate | CourtTemplate;
export type TemplateKind = Template['kind'];

type Issue = { path: (string | number)[]; message: string };

function checkFields(text: string, fields: Record<string, FieldDef>, path: (string | number)[], issues: Issue[], extra: readonly string[] = []) {
  for (const key of placeholderKeys(text)) {
    if (!(key in fields) && !extra.includes(key)) issues.push({ path: [...path, 'text'], message: `placeholder {{${key}}} is not declared in fields` });
  }
  for (const [key, def] of Object.entries(fields)) {
    if (def.example !== undefined) {
      const n = normalizeFieldValue(def.type, def.example);
      if (!n.ok) issues.push({ path: [...path, 'fields', key, 'example'], message: `"${def.example}" is not a valid ${def.type}: ${n.problem}` });
    }
  }
}

function unusedFields(texts: string[], fields: Record<string, FieldDef>, path: (string | number)[], issues: Issue[]) {
  const used = new Set(texts.flatMap(placeholderKeys));
  for (const key of Object.keys(fields)) {
    if (!used.has(key)) issues.push({ path: [...path, 'fields', key], message: `field "${key}" is declared but no text uses {{${key}}}` });
  }
}

function agreementIssues(t: AgreementTemplate): Issue[] {
  const issues: Issue[] = [];
  for (const key of ['facts', 'issues', 'liability'] as const) {
    const b = t.sections[key];
    checkFields(b.text, b.fields, ['sections', key], issues);
    unusedFields([b.text], b.fields, ['sections', key], issues);
  }
  const seen = new Set<string>();
  t.clauses.forEach((c, i) => {
    if (seen.has(c.key)) issues.push({ path: ['clauses', i, 'key'], message: `duplicate clause key "${c.key}"` });
    seen.add(c.key);
    checkFields(c.text, c.fields, ['clauses', i], issues);
    unusedFields([c.text], c.fields, ['clauses', i], issues);
  });
  if (!t.clauses.some((c) => c.include === 'default')) issues.push({ path: ['clauses'], message: 'at least one clause must have include "default"' });
  sharedFieldIssues(t, issues);
  return issues;
}

/**
 * A document keeps one value per field key, shared by every block that uses it: the same key in
 * two blocks must mean the same thing (same type and label), otherwise it needs its own key.
 */
function sharedFieldIssues(t: AgreementTemplate, issues: Issue[]) {
  const first = new Map<string, { def: FieldDef; at: (string | number)[] }>();
  const blocks: Array<[(string | number)[], Record<string, FieldDef>]> = [
    ...(['facts', 'issues', 'liability'] as const).map((k): [(string | number)[], Record<string, FieldDef>] => [['sections', k], t.sections[k].fields]),
    ...t.clauses.map((c, i): [(string | number)[], Record<string, FieldDef>] => [['clauses', i], c.fields]),
  ];
  for (const [at, fields] of blocks) {
    for (const [key, def] of Object.entries(fields)) {
      const seen = first.get(key);
      if (!seen) first.set(key, { def, at });
      else if (seen.def.type !== def.type || seen.def.label !== def.label)
        issues.push({
          path: [...at, 'fields', key],
          message: `field "${key}" is shared with ${formatPath(seen.at)} but differs (${seen.def.type} "${seen.def.label}"): use the same type and label, or another key`,
        });
    }
  }
}

function courtIssues(t: CourtTemplate): Issue[] {
  const issues: Issue[] = [];
  const variants = new Set(t.variants.map((v) => v.key));
  const seen = new Set<string>();
  t.blocks.forEach((b, i) => {
    if (seen.has(b.key)) issues.push({ path: ['blocks', i, 'key'], message: `duplicate block key "${b.key}"` });
    seen.add(b.key);
    if (b.variant !== undefined && !variants.has(b.variant))
      issues.push({ path: ['blocks', i, 'variant'], message: `variant "${b.variant}" is not declared in variants` });
    if (b.kind === 'parties' && b.text) issues.push({ path: ['blocks', i, 'text'], message: 'a "parties" block takes no text' });
    checkFields(b.text, t.fields, ['blocks', i], issues, COURT_COMPUTED_KEYS);
  });
  for (const v of t.variants) {
    if (!t.blocks.some((b) => b.variant === v.key)) issues.push({ path: ['variants'], message: `variant "${v.key}" has no blocks` });
  }
  unusedFields(
    t.blocks.map((b) => b.text),
    t.fields,
    [],
    issues,
  );
  return issues;
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out || '(root)';
}

/**
 * Parses one template file's JSON. Returns the template or the list of problems, each naming the
 * field ("clauses[2].fields.amount.type: …").
 */
export function parseTemplate(json: unknown): { ok: true; template: Template } | { ok: false; problems: string[] } {
  const kind = typeof json === 'object' && json !== null ? (json as { kind?: unknown }).kind : undefined;
  const schema = kind === 'agreement' ? AgreementTemplateSchema : COURT_DOCUMENT_KINDS.includes(kind as CourtDocumentKind) ? CourtTemplateSchema : null;
  if (!schema) {
    return { ok: false, problems: [`kind: must be one of "agreement", ${COURT_DOCUMENT_KINDS.map((k) => `"${k}"`).join(', ')} (got ${JSON.stringify(kind)})`] };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) return { ok: false, problems: parsed.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`) };
  const template = parsed.data as Template;
  const issues = template.kind === 'agreement' ? agreementIssues(template) : courtIssues(template);
  if (issues.length) return { ok: false, problems: issues.map((i) => `${formatPath(i.path)}: ${i.message}`) };
  return { ok: true, template };
}

/** The loaded templates, looked up by id, dispute type or court-document kind. */
export class TemplateCatalog {
  readonly #byId = new Map<string, Template>();

  constructor(templates: readonly Template[]) {
    for (const t of templates) this.#byId.set(t.id, t);
  }

  get all(): Template[] {
    return [...this.#byId.values()];
  }

  agreements(): AgreementTemplate[] {
    return this.all.filter((t): t is AgreementTemplate => t.kind === 'agreement');
  }

  get(id: string): Template {
    const t = this.#byId.get(id);
    if (!t) throw new DomainError('TEMPLATE_NOT_FOUND', `模板「${id}」不存在`);
    return t;
  }

  agreement(id: string): AgreementTemplate {
    const t = this.get(id);
    if (t.kind !== 'agreement') throw new DomainError('TEMPLATE_MISMATCH', `模板「${id}」不是调解协议模板`);
    return t;
  }

  agreementFor(disputeType: DisputeType): AgreementTemplate {
    const t = this.agreements().find((a) => a.disputeType === disputeType);
    if (!t) throw new DomainError('TEMPLATE_NOT_FOUND', `没有「${disputeType}」类纠纷的协议模板`);
    return t;
  }

  court(kind: CourtDocumentKind): CourtTemplate {
    const t = this.all.find((x): x is CourtTemplate => x.kind === kind);
    if (!t) throw new DomainError('TEMPLATE_NOT_FOUND', `没有「${kind}」文书模板`);
    return t;
  }
}
