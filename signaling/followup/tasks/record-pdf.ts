// The 回访记录 as a sealed A4 PDF, in the committee's document style: the template
// agreement-templates/follow-up-record.json (case, parties, why and by when), one entry per call or
// visit in the standard form's order — 回访时间、方式、回访对象、回访内容、当事人意见、履行情况、
// 回访人 — the outcome, the committee's seal and its PAdES signature (procedure/document-pdf.ts,
// the same seal and certificate as every other issued document). Pure: no database.
import { renderCourtDocument } from '../../agreement/court.ts';
import type { TemplateCatalog } from '../../agreement/template-schema.ts';
import { formatChinaDateTime } from '../../domain/china-time.ts';
import { DomainError } from '../../errors.ts';
import { issueOrgDocument } from '../../procedure/document-pdf.ts';
import type { SigningIdentity } from '../../signing/org-identity.ts';

export interface RecordEntry {
  at: Date;
  methodLabel: string;
  contact: string;
  content: string;
  resultLabel: string;
  partyOpinion: string;
  performance: string;
  userName: string;
}

export interface FollowUpRecordInput {
  orgName: string;
  caseNumber: string;
  caseTitle: string;
  partyNames: string;
  reasonLabel: string;
  dueAt: Date;
  /** 回访结果 as printed (still open: 回访尚未办结). */
  outcome: string;
  records: RecordEntry[];
  seal: Uint8Array;
  /** The seal's date (YYYY-MM-DD) and the signing time. */
  sealDate: string;
  signingTime: Date;
  identity: SigningIdentity;
}

/** `2026年12月10日 09:00` in China time, as documents print it. */
export function documentTime(at: Date): string {
  const [date = '', time = ''] = formatChinaDateTime(at).split(' ');
  const [y, m, d] = date.split('-').map(Number);
  return `${y}年${m}月${d}日 ${time}`;
}

/** The paragraphs of one record, in the form's order. */
export function recordParagraphs(r: RecordEntry, n: number): string[] {
  const opinion = r.partyOpinion.trim() ? `${r.resultLabel}。${r.partyOpinion.trim()}` : r.resultLabel;
  return [
    `第${n}次回访`,
    `回访时间：${documentTime(r.at)}`,
    `回访方式：${r.methodLabel}`,
    `回访对象：${r.contact}`,
    `回访内容：${r.content.trim()}`,
    `当事人意见：${opinion}`,
    `履行情况：${r.performance.trim() || '无'}`,
    `回访人：${r.userName}`,
  ];
}

export async function issueFollowUpRecordPdf(templates: TemplateCatalog, input: FollowUpRecordInput) {
  const rendered = renderCourtDocument(templates.court('follow-up-record'), {
    parties: [],
    values: {
      orgName: input.orgName,
      caseNumber: input.caseNumber,
      caseTitle: input.caseTitle,
      partyNames: input.partyNames,
      reason: input.reasonLabel,
      dueDate: documentTime(input.dueAt),
      outcome: input.outcome,
    },
  });
  if (rendered.unfilled.length) throw new DomainError('DOCUMENT_INCOMPLETE', `回访记录缺少：${rendered.unfilled.join('、')}`);
  return issueOrgDocument({
    rendered,
    orgName: input.orgName,
    caseNumber: input.caseNumber,
    inserted: { blockKey: 'records', paragraphs: input.records.flatMap((r, i) => recordParagraphs(r, i + 1)) },
    seal: input.seal,
    sealDate: input.sealDate,
    signingTime: input.signingTime,
    identity: input.identity,
  });
}
