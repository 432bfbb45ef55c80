// Lays out the 电子卷宗: a cover, the 卷内目录 (every section and document with its page), then the
// sections in the order a 调解卷宗 is bound — registration, notices and consents, the parties'
// identities (masked), the minutes, the agreement with its audit certificate, the signatures, the
// judicial confirmation, performance, 回访 — and the 卷内备考表. Documents that were issued and
// sealed (the agreement, the minutes, the court's documents) are copied page by page, exactly as
// issued: never re-rendered. Their own signature fields are left behind (a copied signature cannot
// stay valid inside another file); the 备考表 lists each one's SHA-256 so the original can be
// matched, and the dossier as a whole carries the organisation's PAdES signature. Every page gets
// its dossier page number in the top margin (页号, where archives put it); the outline (书签)
// repeats the table of contents.
import { decodePDFRawStream, PDFArray, PDFDict, PDFDocument, PDFName, PDFRawStream, type PDFFont, type PDFPage } from 'pdf-lib';
import { createHash } from 'node:crypto';
import { formatChinaDate, formatChinaDateTime } from '../../domain/china-time.ts';
import { CASE_STATUS_LABELS, isCaseStatus } from '../../domain/case-status.ts';
import { maskIdNumber } from '../../domain/id-number.ts';
import { OBLIGATION_EVENT_LABELS, PERFORMANCE_STATUS_LABELS } from '../../domain/performance-status.ts';
import {
  FOLLOW_UP_METHOD_LABELS,
  FOLLOW_UP_OUTCOME_LABELS,
  FOLLOW_UP_REASON_LABELS,
  FOLLOW_UP_RESULT_LABELS,
  FOLLOW_UP_STATUS_LABELS,
} from '../../domain/follow-up-vocabulary.ts';
import { INTAKE_CHANNELS, URGENCIES } from '../../domain/intake-vocabulary.ts';
import { DISPUTE_TYPES, labelOf, PARTICIPANT_ROLES, SIDES } from '../../domain/vocabulary.ts';
import { maskPhone } from '../../signing/sms.ts';
import { A4, Composer, MARGIN } from '../../signing/pdf-composer.ts';
import { embedAgreementFont, missingGlyphs } from '../../signing/pdf-font.ts';
import { decodePng } from '../../signing/png-image.ts';
import { MAX_SIGNATURE_BYTES } from '../../signing/signature-image.ts';
import { sealPdf } from '../../signing/pades.ts';
import type { SigningIdentity } from '../../signing/org-identity.ts';
import type { DossierData } from './dossier-data.ts';
import { setOutline, type OutlineItem } from './pdf-outline.ts';

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const at = (d: Date | null | undefined) => (d ? formatChinaDateTime(d) : '—');
const day = (d: Date | null | undefined) => (d ? formatChinaDate(d) : '—');
const yuan = (fen: number | null | undefined) => (fen === null || fen === undefined ? '—' : `${(fen / 100).toFixed(2)} 元`);
const statusLabel = (s: string) => (isCaseStatus(s) ? CASE_STATUS_LABELS[s] : s);
/** The character printed for one the font lacks (the typesetter's 〓), so nothing shows as an empty box. */
const SUBSTITUTE = '〓';

const PURPOSES: Record<string, string> = {
  NOTICE: '已阅读《个人信息处理告知书》',
  ID_IMAGES: '同意处理身份证件图片',
  BANK_ACCOUNT: '同意处理银行账户',
  SIGNATURE: '同意处理手写签名',
  COURT: '同意向人民法院提供个人信息',
};
const JUDICIAL_STATUS: Record<string, string> = {
  DRAFT: '当事人确认中',
  SUBMITTED: '待受理',
  ACCEPTED: '已受理',
  REVIEWING: '审查中',
  CONFIRMED: '裁定确认有效',
  DISMISSED: '裁定驳回',
};
const COURT_DOCUMENTS: Record<string, string> = {
  ACCEPTANCE_NOTICE: '受理通知书',
  REFUSAL_RULING: '不予受理裁定书',
  SUPPLEMENT_REQUEST: '补充材料通知书',
  WITHDRAWAL_RULING: '准许撤回申请裁定书',
  QUESTIONING_MINUTES: '询问笔录',
  RULING: '民事裁定书',
};

export interface DossierArchiveInfo {
  archivedAt: Date;
  archivedBy: string;
  years: number;
  basis: string;
  retainUntil: Date;
}

export interface DossierBuildOptions {
  identity: SigningIdentity;
  /** When the dossier is made: printed, and the seal's time. */
  at: Date;
  /** Who asked for it (printed in the 备考表). */
  builtBy: string;
  /** The archive record this dossier is made for (null: a working copy of a case not archived). */
  archive: DossierArchiveInfo | null;
  /** One step of the 事项's history in Chinese. */
  describeStep: (type: string, data: string) => string;
}

/** An issued PDF placed in the dossier, and what the 备考表 says of it. */
interface Embedded {
  title: string;
  bytes: Uint8Array;
  /** Extra bookmarks inside it: page offsets found by `marks`. */
  marks?: (doc: PDFDocument) => Array<{ title: string; offset: number }>;
}

type Part = { kind: 'text'; title: string | null; draw: (c: Composer, k: Kit) => Promise<void> | void } | ({ kind: 'pdf' } & Embedded);

interface Section {
  title: string;
  parts: Part[];
}

interface Kit {
  font: PDFFont;
  doc: PDFDocument;
  line(label: string, value: string): void;
  note(text: string): void;
  heading(text: string): void;
}

/** The dossier's sections from the case's data (order is the binding order). */
function sections(d: DossierData, o: DossierBuildOptions): Section[] {
  const k = d.kase;
  const participants = k.participants;
  const nameOf = (participantId: string | null | undefined) => participants.find((p) => p.id === participantId)?.name ?? '—';
  const roleOf = (p: { role: string }) => labelOf(PARTICIPANT_ROLES, p.role);
  const out: Section[] = [];

  // 一、受理登记
  out.push({
    title: '一、受理登记',
    parts: [
      {
        kind: 'text',
        title: k.matter ? '受理登记表' : '立案登记',
        draw: (_c, x) => {
          const m = k.matter;
          if (m) {
            x.line('登记编号', m.registrationNo);
            x.line('登记渠道', labelOf(INTAKE_CHANNELS, m.channel));
            x.line('登记时间', at(m.createdAt));
            x.line('纠纷类型', labelOf(DISPUTE_TYPES, m.disputeType));
            x.line('事项名称', m.title);
            x.line('紧急程度', labelOf(URGENCIES, m.urgency));
            x.line('发生地点', m.place ?? '—');
            x.line('行政区划代码', m.areaCode ?? '—');
            x.line('争议金额', yuan(m.amountFen));
            x.line('纠纷概要', m.summary);
            if (d.applyConsent) x.line('网上申请', `申请人于 ${at(d.applyConsent.consentedAt)} 同意个人信息处理告知（第 ${d.applyConsent.noticeVersion} 版）`);
            x.line(
              '登记当事人',
              m.parties.map((p) => `${p.role === 'APPLICANT' ? '申请人' : p.role === 'RESPONDENT' ? '被申请人' : '其他'} ${p.name}`).join('；') || '—',
            );
          }
          x.line('案号', k.number);
          x.line('案件名称', k.title);
          x.line('纠纷类型', labelOf(DISPUTE_TYPES, k.disputeType));
          x.line('立案时间', at(k.createdAt));
          x.line('承办单位', k.org.name);
          x.line('承办调解员', k.mediator?.displayName ?? '—');
          if (k.coMediators.length) x.line('协办调解员', k.coMediators.map((c) => c.user.displayName).join('、'));
          x.line('限时办结日期', day(k.dueDate));
          x.line('案件状态', statusLabel(k.status));
          if (!m) x.line('纠纷概要', k.summary);
        },
      },
      {
        kind: 'text',
        title: '办理经过',
        draw: (_c, x) => {
          const steps = [
            ...(k.matter?.events ?? []).map((e) => ({ at: e.at, text: `${o.describeStep(e.type, e.data)}（${e.actorLabel}）` })),
            ...d.transitions.map((t) => {
              const data = JSON.parse(t.data) as { from: string; to: string; reason?: string };
              return {
                at: t.at,
                text: `案件状态：${statusLabel(data.from)} → ${statusLabel(data.to)}${data.reason ? `（${data.reason}）` : ''}（${t.actorLabel}）`,
              };
            }),
          ].sort((a, b) => a.at.getTime() - b.at.getTime());
          if (!steps.length) x.note('无记录。');
          for (const s of steps) x.line(at(s.at), s.text);
        },
      },
    ],
  });

  // 二、告知书与同意
  const notices: Part[] = [
    {
      kind: 'text',
      title: '告知与同意记录',
      draw: (_c, x) => {
        x.heading('权利义务告知书');
        if (!k.noticeAcknowledgements.length) x.note('无当事人确认记录。');
        for (const a of k.noticeAcknowledgements)
          x.line(nameOf(a.participantId), `${at(a.acknowledgedAt)} 确认已阅读（模板第 ${a.templateVersion} 版，文本摘要 ${a.textSha256.slice(0, 16)}…）`);
        x.heading('同意在线调解');
        const consented = participants.filter((p) => p.consentAt);
        if (!consented.length) x.note('无记录。');
        for (const p of consented) x.line(`${roleOf(p)} ${p.name}`, `${at(p.consentAt)} 同意通过本平台在线调解`);
        x.heading('个人信息处理告知与单独同意');
        const consents = participants.flatMap((p) => p.privacyConsents.map((c) => ({ p, c })));
        if (!consents.length) x.note('无记录。');
        for (const { p, c } of consents)
          x.line(
            `${roleOf(p)} ${p.name}`,
            `${PURPOSES[c.purpose] ?? c.purpose}（告知书第 ${c.noticeVersion} 版）：${at(c.givenAt)}${c.withdrawnAt ? `；${at(c.withdrawnAt)} 撤回` : ''}`,
          );
      },
    },
  ];
  if (k.termination?.noticePdf) notices.push({ kind: 'pdf', title: '调解终结告知书', bytes: new Uint8Array(k.termination.noticePdf) });
  out.push({ title: '二、告知书与同意', parts: notices });

  // 三、当事人身份信息（脱敏）
  out.push({
    title: '三、当事人身份信息（脱敏）',
    parts: [
      {
        kind: 'text',
        title: null,
        draw: (_c, x) => {
          x.note('身份证号码只显示首位，手机号码只显示前三位和后四位；住所见调解协议书。');
          for (const p of participants) {
            x.heading(`${roleOf(p)}（${labelOf(SIDES, p.side)}）${p.name}`);
            if (p.personType === 'legal') {
              x.line('统一社会信用代码', p.creditCode ?? '—');
              x.line('法定代表人（负责人）', `${p.representative ?? '—'}${p.representativeTitle ? `，${p.representativeTitle}` : ''}`);
              x.line('经办人身份证号码', p.idNumber ? maskIdNumber(p.idNumber) : '—');
            } else {
              x.line('身份证号码', p.idNumber ? maskIdNumber(p.idNumber) : '—');
              if (p.ethnicity) x.line('民族', p.ethnicity);
            }
            x.line('手机号码', p.phone ? maskPhone(p.phone) : '—');
            x.line('身份核验', p.identityConfirmedAt ? `${at(p.identityConfirmedAt)} 通过个人链接核对姓名与身份证号后四位` : '未核验');
            if (p.role === 'AGENT')
              x.line('代理', `${p.agencyType === 'statutory' ? '法定代理人' : '委托代理人'}${p.signingAuthority ? '，经调解员确认可代为签署' : ''}`);
          }
        },
      },
    ],
  });

  // 四、调解笔录
  out.push({
    title: '四、调解笔录',
    parts: d.minutes?.pdf
      ? [{ kind: 'pdf', title: '调解笔录', bytes: new Uint8Array(d.minutes.pdf) }]
      : [{ kind: 'text', title: null, draw: (_c, x) => x.note('本案没有经各方当事人签名的调解笔录。') }],
  });

  // 五、调解协议书及电子签署审计证明
  out.push({
    title: '五、调解协议书',
    parts: d.round?.pdf
      ? [
          {
            kind: 'pdf',
            title: '人民调解协议书',
            bytes: new Uint8Array(d.round.pdf),
            marks: (src) => {
              const first = certificatePage(src);
              return first === null ? [] : [{ title: '电子签署审计证明', offset: first }];
            },
          },
        ]
      : [{ kind: 'text', title: null, draw: (_c, x) => x.note(k.status === 'FAILED' ? '调解不成，未达成调解协议。' : '本案没有已签署的调解协议书。') }],
  });

  // 六、签名
  out.push({
    title: '六、签名',
    parts: [
      {
        kind: 'text',
        title: null,
        draw: async (c, x) => {
          const groups: Array<{ heading: string; rows: Array<{ label: string; detail: string; png: Uint8Array | null; at: Date }> }> = [
            {
              heading: '调解协议书',
              rows: (d.round?.signatures ?? []).map((s) => ({
                label: `${s.signerRole} ${s.signerName}`,
                detail: `签署时间 ${at(s.signedAt)}；核验方式 ${s.identityMethod === 'STAFF_SESSION' ? '调解员账号登录' : '姓名与身份证号后四位 + 短信验证码'}；签名图像摘要 ${s.pngSha256.slice(0, 16)}…${s.participantId && s.signerId !== s.participantId ? `（代 ${nameOf(s.participantId)} 签署）` : ''}`,
                png: new Uint8Array(s.png),
                at: s.signedAt,
              })),
            },
            {
              heading: '调解笔录',
              rows: (d.minutes?.signatures ?? []).map((s) => ({
                label: `${s.signerRole} ${s.signerName}`,
                detail: `签名时间 ${at(s.signedAt)}；签名图像摘要 ${s.pngSha256.slice(0, 16)}…`,
                png: new Uint8Array(s.png),
                at: s.signedAt,
              })),
            },
            {
              heading: '司法确认申请书',
              rows: (d.application?.applicants ?? [])
                .filter((a) => a.applicationSignedAt)
                .map((a) => ({
                  label: `申请人 ${nameOf(a.participantId)}`,
                  detail: `签名时间 ${at(a.applicationSignedAt)}；签名图像摘要 ${(a.applicationSignatureSha256 ?? '').slice(0, 16)}…`,
                  png: a.applicationSignaturePng ? new Uint8Array(a.applicationSignaturePng) : null,
                  at: a.applicationSignedAt!,
                })),
            },
          ];
          for (const g of groups) {
            x.heading(g.heading);
            if (!g.rows.length) x.note('无签名。');
            for (const r of g.rows) {
              x.line(r.label, r.detail);
              const image = r.png ? await embedSignature(x.doc, r.png) : null;
              c.signatureLine('签名：', image, formatChinaDate(r.at), 36);
            }
          }
        },
      },
    ],
  });

  // 七、司法确认
  const a = d.application;
  const judicial: Part[] = [
    {
      kind: 'text',
      title: '司法确认办理情况',
      draw: (_c, x) => {
        if (!a) {
          x.note('当事人未申请司法确认。');
          return;
        }
        x.line('受理法院', `${a.court.name}（${a.court.code}）`);
        x.line('状态', JUDICIAL_STATUS[a.status] ?? a.status);
        x.line('协议生效', at(a.effectiveAt));
        x.line('申请期限届满', at(a.windowEndsAt));
        x.line('提交', at(a.submittedAt));
        if (a.courtCaseNumber) x.line('法院案号', a.courtCaseNumber);
        if (a.acceptedAt) x.line('受理', at(a.acceptedAt));
        if (a.decidedAt) x.line('裁定', `${at(a.decidedAt)}${a.judgeName ? `，审查法官 ${a.judgeName}` : ''}`);
        for (const ap of a.applicants)
          x.line(
            nameOf(ap.participantId),
            `${ap.how === 'self' ? '本人申请' : '同意对方代为申请'}；确认 ${at(ap.confirmedAt)}；联系电话 ${maskPhone(ap.phone)}；电子送达 ${ap.electronicService ? '同意' : '不同意'}`,
          );
      },
    },
  ];
  if (d.applicationPdf) judicial.push({ kind: 'pdf', title: '司法确认申请书', bytes: d.applicationPdf });
  const documentHashes = new Set((a?.documents ?? []).map((doc) => doc.sha256));
  for (const doc of a?.documents ?? [])
    judicial.push({ kind: 'pdf', title: doc.title || COURT_DOCUMENTS[doc.kind] || '法院文书', bytes: new Uint8Array(doc.pdf) });
  if (a?.rulingPdf && !(a.rulingSha256 && documentHashes.has(a.rulingSha256)))
    judicial.push({ kind: 'pdf', title: '民事裁定书', bytes: new Uint8Array(a.rulingPdf) });
  out.push({ title: '七、司法确认', parts: judicial });

  // 八、履行情况
  out.push({
    title: '八、履行情况',
    parts: [
      {
        kind: 'text',
        title: null,
        draw: (_c, x) => {
          if (!d.obligations.length) x.note('无履行事项记录。');
          for (const ob of d.obligations) {
            x.heading(`${ob.seq}. ${ob.description}`);
            x.line('履行方 / 权利方', `${labelOf(SIDES, ob.obligorSide)} → ${labelOf(SIDES, ob.obligeeSide)}`);
            if (ob.kind === 'PAYMENT') x.line('金额', `${yuan(ob.amountFen)}（已确认收到 ${yuan(ob.receivedFen)}）`);
            x.line('履行期限', day(ob.dueDate));
            x.line(
              '状态',
              `${(PERFORMANCE_STATUS_LABELS as Record<string, string>)[ob.status] ?? ob.status}${ob.performedAt ? `（${at(ob.performedAt)}）` : ''}`,
            );
            for (const e of ob.events)
              x.line(
                at(e.at),
                [
                  (OBLIGATION_EVENT_LABELS as Record<string, string>)[e.type] ?? e.type,
                  e.participantId ? nameOf(e.participantId) : e.userId ? d.userName(e.userId) : '系统',
                  e.amountFen !== null ? yuan(e.amountFen) : '',
                  e.note ?? '',
                  e.sha256 ? `凭证摘要 ${e.sha256.slice(0, 16)}…` : '',
                ]
                  .filter(Boolean)
                  .join('；'),
              );
          }
        },
      },
    ],
  });

  // 九、回访与评价
  out.push({
    title: '九、回访与评价',
    parts: [
      {
        kind: 'text',
        title: null,
        draw: (_c, x) => {
          x.heading('回访记录');
          if (!d.followUps.length) x.note('无回访记录。');
          for (const t of d.followUps) {
            x.line(
              (FOLLOW_UP_REASON_LABELS as Record<string, string>)[t.reason] ?? t.reason,
              `发起 ${at(t.createdAt)}；期限 ${at(t.dueAt)}；承办 ${d.userName(t.assigneeId)}；${(FOLLOW_UP_STATUS_LABELS as Record<string, string>)[t.status] ?? t.status}${t.outcome ? `：${(FOLLOW_UP_OUTCOME_LABELS as Record<string, string>)[t.outcome] ?? t.outcome}` : ''}${t.reopened ? '（已重新调解）' : ''}`,
            );
            for (const r of t.records)
              x.line(
                `  ${at(r.at)}`,
                `${(FOLLOW_UP_METHOD_LABELS as Record<string, string>)[r.method] ?? r.method}，回访人 ${d.userName(r.userId)}，对象 ${r.contact}；${r.content}；结果：${(FOLLOW_UP_RESULT_LABELS as Record<string, string>)[r.result] ?? r.result}`,
              );
          }
          x.heading('服务评价');
          if (!d.ratings.length) x.note('无评价。');
          for (const r of d.ratings)
            x.line(
              nameOf(r.participantId),
              `${at(r.createdAt)} ${r.occasion === 'CLOSING' ? '结案' : '调解后'}评价 ${r.score} 分${r.comment ? `：${r.comment}` : ''}`,
            );
        },
      },
    ],
  });
  return out;
}

/** The first page of the audit certificate in an issued agreement: the page that draws the QR code (hundreds of filled squares, each a closed path). */
function certificatePage(src: PDFDocument): number | null {
  const pages = src.getPages();
  for (let i = pages.length - 1; i >= 0; i--) {
    const squares = countOperators(pages[i]!, /\sh\s/g);
    // The QR code is drawn on the certificate's first page (the certificate may run over more).
    if (squares >= 100) return i;
  }
  return null;
}

function countOperators(page: PDFPage, re: RegExp): number {
  const contents = page.node.Contents();
  const streams = contents instanceof PDFArray ? contents.asArray().map((r) => page.doc.context.lookup(r)) : [contents];
  let n = 0;
  for (const s of streams) {
    if (!(s instanceof PDFRawStream)) continue;
    const text = Buffer.from(decodePDFRawStream(s).decode()).toString('latin1');
    n += text.match(re)?.length ?? 0;
  }
  return n;
}

/** Removes signature fields (widgets of /FT /Sig) from a page before it is copied. */
function dropSignatureFields(page: PDFPage): void {
  const annots = page.node.Annots();
  if (!annots) return;
  const keep = PDFArray.withContext(page.doc.context);
  for (const ref of annots.asArray()) {
    const annot = page.doc.context.lookup(ref);
    if (annot instanceof PDFDict && annot.get(PDFName.of('FT')) === PDFName.of('Sig')) continue;
    keep.push(ref);
  }
  if (keep.size()) page.node.set(PDFName.of('Annots'), keep);
  else page.node.delete(PDFName.of('Annots'));
}

async function embedSignature(doc: PDFDocument, png: Uint8Array) {
  const info = await decodePng(png, { maxBytes: MAX_SIGNATURE_BYTES, minWidth: 1, minHeight: 1, maxWidth: 4096, maxHeight: 4096 });
  return 'problem' in info ? null : doc.embedPng(png);
}

/** The data's text (what the pages can print), without the stored files' bytes. */
function textOf(d: DossierData): string {
  return JSON.stringify(d, (_key, value: unknown) => {
    if (value instanceof Uint8Array) return undefined;
    // A Buffer has already become {type: 'Buffer', data: [...]} through its toJSON.
    if (typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'Buffer' && Array.isArray((value as { data?: unknown }).data))
      return undefined;
    return value;
  });
}

/** Every character the font lacks becomes 〓. */
function printable(text: string, missing: ReadonlySet<string>): string {
  if (!missing.size) return text;
  return [...text].map((ch) => (missing.has(ch) ? SUBSTITUTE : ch)).join('');
}

/** Rows of the 卷内目录 under its heading on one page. */
const TOC_ENTRIES_PER_PAGE = 28;

export interface DossierResult {
  bytes: Uint8Array;
  sha256: string;
  pages: number;
  outline: OutlineItem[];
  /** The issued documents copied in, with their digests. */
  documents: Array<{ title: string; sha256: string; pages: number; firstPage: number }>;
}

export async function composeDossier(d: DossierData, o: DossierBuildOptions): Promise<DossierResult> {
  const k = d.kase;
  const plan = sections(d, o);
  const doc = await PDFDocument.create();
  const title = `电子卷宗 ${k.number}`;
  doc.setTitle(title);
  doc.setAuthor(k.org.name);
  doc.setCreator('jiefen 解纷');
  doc.setProducer('jiefen 解纷 (pdf-lib)');
  doc.setCreationDate(o.at);
  doc.setModificationDate(o.at);
  // Everything the pages can print names the font subset (the same data gives the same bytes).
  const allText = JSON.stringify(plan.map((s) => [s.title, s.parts.map((p) => p.title)])) + textOf(d) + o.builtBy + (o.archive?.basis ?? '');
  const missing = new Set(missingGlyphs(allText));
  const font = await embedAgreementFont(doc, allText);
  let substituted = 0;
  const clean = (t: string) => {
    const p = printable(t, missing);
    if (p !== t) substituted++;
    return p;
  };

  const kitFor = (c: Composer): Kit => ({
    font,
    doc,
    line: (label, value) => c.paragraph(clean(value), { indent: 0, hanging: `${clean(label)}：`, size: 10.5 }),
    note: (text) => c.paragraph(clean(text), { size: 10.5 }),
    heading: (text) => {
      c.ensure(40);
      c.gap(4);
      c.paragraph(clean(text), { indent: 0, size: 12 });
    },
  });

  // Cover (page 1) and the table of contents (reserved now, drawn once every page is known).
  const cover = new Composer(doc, font);
  drawCover(cover, d, o, clean);
  const entries: Array<{ level: 1 | 2 | 3; title: string; page: number }> = [];
  // Cover, 目录, 备考表, each section, its titled parts and the bookmarks found inside documents (at most one each).
  const tocRows = 3 + plan.reduce((n, s) => n + 1 + s.parts.reduce((m, p) => m + (p.kind === 'pdf' ? (p.marks ? 2 : 1) : p.title ? 1 : 0), 0), 0);
  const tocPages = Array.from({ length: Math.ceil(tocRows / TOC_ENTRIES_PER_PAGE) }, () => doc.addPage([A4.width, A4.height]));
  const outline: OutlineItem[] = [
    { title: '封面', page: 0 },
    { title: '卷内目录', page: 1 },
  ];
  const documents: DossierResult['documents'] = [];

  for (const section of plan) {
    let composer: Composer | null = null;
    const item: OutlineItem & { children: OutlineItem[] } = { title: section.title, page: doc.getPageCount(), children: [] };
    let first = true;
    for (const part of section.parts) {
      if (part.kind === 'text') {
        if (!composer) composer = new Composer(doc, font);
        else composer.ensure(80);
        const page = doc.getPageCount() - 1;
        if (first) {
          item.page = page;
          composer.centred(clean(section.title), 16);
        }
        if (part.title) {
          kitFor(composer).heading(part.title);
          item.children.push({ title: part.title, page });
        }
        await part.draw(composer, kitFor(composer));
      } else {
        const src = await PDFDocument.load(part.bytes, { updateMetadata: false });
        const marks = part.marks?.(src) ?? [];
        for (const page of src.getPages()) dropSignatureFields(page);
        const copied = await doc.copyPages(src, src.getPageIndices());
        const start = doc.getPageCount();
        for (const page of copied) doc.addPage(page);
        if (first) item.page = start;
        item.children.push({
          title: part.title,
          page: start,
          ...(marks.length ? { children: marks.map((m) => ({ title: m.title, page: start + m.offset })) } : {}),
        });
        documents.push({ title: part.title, sha256: sha256(part.bytes), pages: copied.length, firstPage: start + 1 });
        composer = null;
      }
      first = false;
    }
    outline.push(item.children.length ? item : { title: item.title, page: item.page });
  }

  // 卷内备考表
  const notes = new Composer(doc, font);
  const notesPage = doc.getPageCount() - 1;
  drawNotes(
    notes,
    kitFor(notes),
    d,
    o,
    documents,
    () => doc.getPageCount(),
    () => substituted,
  );
  outline.push({ title: '卷内备考表', page: notesPage });

  for (const item of outline) {
    entries.push({ level: 1, title: item.title, page: item.page });
    for (const child of item.children ?? []) {
      entries.push({ level: 2, title: child.title, page: child.page });
      for (const mark of child.children ?? []) entries.push({ level: 3, title: mark.title, page: mark.page });
    }
  }
  drawToc(tocPages, font, entries, clean);
  stampPageNumbers(doc, font, k.number);
  setOutline(
    doc,
    outline.map((i) => ({ ...i, title: clean(i.title) })),
  );
  const pages = doc.getPageCount();
  const bytes = await sealPdf(doc, o.identity, {
    reason: `电子卷宗 ${k.number}`,
    location: k.org.name,
    contactInfo: k.org.name,
    signingTime: o.at,
  });
  return { bytes, sha256: sha256(bytes), pages, outline, documents };
}

function drawCover(c: Composer, d: DossierData, o: DossierBuildOptions, clean: (t: string) => string): void {
  const k = d.kase;
  c.gap(60);
  c.centred(clean(k.org.name), 16);
  c.gap(20);
  c.centred('人民调解卷宗（电子卷宗）', 24);
  c.gap(40);
  const line = (label: string, value: string) => c.paragraph(clean(value), { indent: 0, hanging: `${label}：`, size: 13 });
  line('案号', k.number);
  line('案由', labelOf(DISPUTE_TYPES, k.disputeType));
  line('案件名称', k.title);
  line(
    '当事人',
    k.participants
      .filter((p) => p.role === 'APPLICANT' || p.role === 'RESPONDENT')
      .map((p) => `${labelOf(PARTICIPANT_ROLES, p.role)} ${p.name}`)
      .join('；') || '—',
  );
  line('承办调解员', k.mediator?.displayName ?? '—');
  line('受理日期', day(k.matter?.createdAt ?? k.createdAt));
  line('结案情况', statusLabel(k.status));
  if (o.archive) {
    line('归档日期', day(o.archive.archivedAt));
    line('立卷人', o.archive.archivedBy);
    line('保管期限', `${o.archive.years} 年（至 ${day(new Date(o.archive.retainUntil.getTime() - 1))}）`);
    line('期限依据', o.archive.basis);
  } else {
    line('归档', '未归档（工作副本，内容以生成时为准）');
  }
  c.gap(20);
  c.paragraph(
    clean(`本卷宗由${k.org.name}于 ${at(o.at)} 生成，加盖本机构电子签名（PAdES）；收到后可用 npm run verify -- 卷宗.pdf 离线核验是否完整、未被修改。`),
    {
      size: 10,
    },
  );
  c.paragraph(`机构签名根证书指纹（SHA-256）：${o.identity.rootFingerprint}`, { size: 9, indent: 0 });
}

function drawToc(pages: PDFPage[], font: PDFFont, entries: Array<{ level: 1 | 2 | 3; title: string; page: number }>, clean: (t: string) => string): void {
  const size = 11;
  const rowHeight = 20;
  const heading = '卷内目录';
  for (const page of pages) page.drawText(heading, { x: (A4.width - font.widthOfTextAtSize(heading, 18)) / 2, y: A4.height - MARGIN.top - 18, size: 18, font });
  entries.forEach((e, i) => {
    const page = pages[Math.min(pages.length - 1, Math.floor(i / TOC_ENTRIES_PER_PAGE))]!;
    const row = 2 + (i % TOC_ENTRIES_PER_PAGE);
    const y = A4.height - MARGIN.top - row * rowHeight - 10;
    const x = MARGIN.left + (e.level - 1) * 2 * size;
    const text = clean(e.title);
    const number = String(e.page + 1);
    const right = A4.width - MARGIN.right;
    const numberWidth = font.widthOfTextAtSize(number, size);
    const room = right - numberWidth - x - 20;
    const titleWidth = Math.min(font.widthOfTextAtSize(text, size), room);
    page.drawText(text, { x, y, size, font, maxWidth: room });
    // Dots between the title and its page, as a printed 目录 has.
    const dots = '·'.repeat(Math.max(0, Math.floor((right - numberWidth - x - titleWidth - 12) / font.widthOfTextAtSize('·', size))));
    if (dots) page.drawText(dots, { x: x + titleWidth + 4, y, size, font });
    page.drawText(number, { x: right - numberWidth, y, size, font });
  });
}

/** 页号 in the top right margin of every page (copied documents keep their own page numbers). */
function stampPageNumbers(doc: PDFDocument, font: PDFFont, caseNumber: string): void {
  const pages = doc.getPages();
  pages.forEach((page, i) => {
    const text = `${caseNumber} 卷宗 第 ${i + 1} 页 共 ${pages.length} 页`;
    const { width, height } = page.getSize();
    page.drawText(text, { x: width - 40 - font.widthOfTextAtSize(text, 8), y: height - 28, size: 8, font });
  });
}

function drawNotes(
  c: Composer,
  x: Kit,
  d: DossierData,
  o: DossierBuildOptions,
  documents: DossierResult['documents'],
  pageCount: () => number,
  substituted: () => number,
): void {
  c.centred('卷内备考表', 16);
  x.line('本卷文书', `${documents.length} 份已出具文书按原样收录（逐页复制，未重新排版）；其余各页由系统依据案件记录生成`);
  for (const doc of documents) x.line(`${doc.title}`, `卷宗第 ${doc.firstPage} 页起，共 ${doc.pages} 页；原件 SHA-256 ${doc.sha256}`);
  x.note('收录文书原有的数字签名域不随页复制；原件的完整性可凭上列 SHA-256 与出具原件比对（亦可在本机构核验页面上传原件核验），本卷宗整体由本机构电子签名。');
  x.line('审计记录', d.auditHead ? `本案最新审计记录第 ${d.auditHead.seq} 条，摘要 ${d.auditHead.hash}` : '无');
  x.line('生成', `${at(o.at)}，${o.builtBy}`);
  if (o.archive) x.line('归档', `${at(o.archive.archivedAt)}，立卷人 ${o.archive.archivedBy}；保管期限 ${o.archive.years} 年，自归档次年1月1日起算`);
  // Page count and substitutions are known only once every page exists: a closure reads them late enough.
  x.line('本卷页数', `含本页共 ${pageCount()} 页`);
  if (substituted() > 0) x.note('个别字符超出字库范围，以〓代替，原字见系统记录。');
}
