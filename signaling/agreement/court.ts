// Court documents (司法确认申请书, 民事裁定书) from their templates: structured paragraphs for the PDF
// typesetter, a fill-in check, and values pre-filled from a signed agreement.
import { addToDate, formatDateCn } from './dates.ts';
import { checkParties, FINDING_CODES, type Finding } from './checker.ts';
import { chineseOrdinal, formatPartyLine, renderBlock, type AgreementSnapshot, type PartySnapshot } from './document.ts';
import { DomainError } from '../errors.ts';
import { normalizeFieldValue, placeholderKeys, renderText, type FieldValue } from './fields.ts';
import { DISPUTE_TYPES, labelOf } from '../domain/vocabulary.ts';
import type { CourtBlock, CourtTemplate } from './template-schema.ts';

export interface CourtDocumentInput {
  /** The applicants (both sides of the agreement). */
  parties: PartySnapshot[];
  /** Raw values by field key; normalised like agreement fields. */
  values: Record<string, string>;
}

export interface RenderedCourtBlock {
  key: string;
  heading: string | null;
  align: CourtBlock['align'];
  paragraphs: string[];
}

export interface RenderedCourtDocument {
  templateId: string;
  kind: CourtTemplate['kind'];
  title: string;
  variant: string | null;
  blocks: RenderedCourtBlock[];
  /** Keys of fields the included blocks need but that have no valid value. */
  unfilled: string[];
}

function includedBlocks(t: CourtTemplate, variant: string | null): CourtBlock[] {
  if (t.variants.length === 0) return t.blocks;
  if (!variant || !t.variants.some((v) => v.key === variant)) {
    throw new DomainError('VARIANT_UNKNOWN', `请选择文书类型：${t.variants.map((v) => `${v.key}（${v.label}）`).join('、')}`);
  }
  return t.blocks.filter((b) => b.variant === undefined || b.variant === variant);
}

function fieldValues(t: CourtTemplate, input: CourtDocumentInput): Record<string, FieldValue> {
  const out: Record<string, FieldValue> = {};
  for (const [key, def] of Object.entries(t.fields)) {
    const raw = input.values[key];
    let value: string | null = null;
    if (raw !== undefined && raw.trim()) {
      const n = normalizeFieldValue(def.type, raw);
      value = n.ok ? n.value : raw.trim();
    }
    out[key] = { type: def.type, label: def.label, value };
  }
  out.applicantNames = {
    type: 'text',
    label: '申请人姓名',
    value:
      input.parties
        .map((p) => p.name)
        .filter(Boolean)
        .join('、') || null,
  };
  return out;
}

/**
 * The document as headed blocks of paragraphs. Templates with variants (民事裁定书: confirm /
 * dismiss) need `variant`. Unfilled fields print as 【label】 and are listed in `unfilled`.
 */
export function renderCourtDocument(t: CourtTemplate, input: CourtDocumentInput, opts: { variant?: string } = {}): RenderedCourtDocument {
  const blocks = includedBlocks(t, opts.variant ?? null);
  const fields = fieldValues(t, input);
  const unfilled = new Set<string>();
  const rendered = blocks.map((b) => {
    let paragraphs: string[];
    if (b.kind === 'parties') {
      paragraphs = input.parties.map((p) => formatPartyLine(p, t.partyLabel));
    } else {
      for (const key of placeholderKeys(b.text)) {
        const f = fields[key];
        if (!f || f.value === null || !normalizeFieldValue(f.type, f.value).ok) unfilled.add(key);
      }
      paragraphs = renderText(b.text, fields, { dateStyle: t.dateStyle }).split('\n');
    }
    return { key: b.key, heading: b.heading, align: b.align, paragraphs };
  });
  return { templateId: t.id, kind: t.kind, title: t.title, variant: opts.variant ?? null, blocks: rendered, unfilled: [...unfilled] };
}

/** Fill-in findings for a court document (FIELD_UNFILLED, FIELD_INVALID, party data, CONFIRMATION_LATE). */
export function checkCourtDocument(t: CourtTemplate, input: CourtDocumentInput, opts: { variant?: string } = {}): Finding[] {
  const blocks = includedBlocks(t, opts.variant ?? null);
  const fields = fieldValues(t, input);
  const out: Finding[] = [...checkParties(input.parties, { partyWord: t.partyLabel, minimum: 2 })];
  const seen = new Set<string>();
  for (const b of blocks) {
    for (const key of placeholderKeys(b.text)) {
      if (seen.has(key) || key === 'applicantNames') continue;
      seen.add(key);
      const f = fields[key]!;
      const where = { section: 'meta' as const, field: key };
      if (f.value === null) {
        out.push({
          code: 'FIELD_UNFILLED',
          severity: FINDING_CODES.FIELD_UNFILLED.severity,
          ...where,
          message: `「${f.label}」未填写`,
          hint: `请填写${f.label}。`,
        });
        continue;
      }
      const n = normalizeFieldValue(f.type, f.value);
      if (!n.ok) {
        out.push({
          code: 'FIELD_INVALID',
          severity: FINDING_CODES.FIELD_INVALID.severity,
          ...where,
          message: `「${f.label}」填写的“${f.value}”无效`,
          hint: n.problem,
        });
      }
    }
  }
  if (t.kind === 'confirmation-application') {
    const agreed = fields.agreementDate?.value ? normalizeFieldValue('date', fields.agreementDate.value) : null;
    const applied = fields.applicationDate?.value ? normalizeFieldValue('date', fields.applicationDate.value) : null;
    if (agreed?.ok && applied?.ok && applied.value > addToDate(agreed.value, 30, 'day')) {
      out.push({
        code: 'CONFIRMATION_LATE',
        severity: FINDING_CODES.CONFIRMATION_LATE.severity,
        section: 'meta',
        field: 'applicationDate',
        message: `申请日期${formatDateCn(applied.value)}已超过调解协议生效（${formatDateCn(agreed.value)}）后三十日`,
        hint: '《民事诉讼法》第二百零五条、《人民调解法》第三十三条规定自调解协议生效之日起三十日内共同申请；逾期的，法院可能不予受理。',
      });
    }
  }
  return out;
}

/** Values a court document can take from the agreement: org, number, date, dispute, content. */
export function courtValuesFromAgreement(s: AgreementSnapshot): Record<string, string> {
  const content = s.clauses.map((c, i) => `${chineseOrdinal(i + 1)}、${renderBlock(c)}`).join('\n');
  const out: Record<string, string> = {
    mediationOrg: s.meta.orgName,
    agreementNumber: s.meta.caseNumber,
    disputeName: labelOf(DISPUTE_TYPES, s.meta.disputeType),
    agreementContent: content,
  };
  if (s.meta.signingDate) out.agreementDate = s.meta.signingDate;
  // The ruling states how the agreement is to be performed (an enforceable ruling needs them).
  const perf = s.performance ?? {};
  out.performanceMethod = perf.method?.trim() || '协议未约定';
  out.performancePlace = perf.place?.trim() || '协议未约定';
  out.performanceDeadline = perf.deadline?.trim() || '协议未约定';
  out.payeeAccount = perf.account?.trim() || '协议未约定';
  return out;
}
