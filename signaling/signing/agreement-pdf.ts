// The 人民调解协议书 as an A4 PDF, typeset from the agreement's data (not from a screenshot of the
// editor): title, case number, party blocks, facts / disputed matters / responsibilities, the
// agreed clauses in order, manner / place / time of performance, number of copies, and the
// signature block (each signature image with its date, the mediator's signature, the committee
// seal), with 第 x 页 共 y 页 on every page. Text in a character the font lacks is refused
// (MissingGlyphsError) before anything is drawn.
import { PDFDocument, type PDFFont } from 'pdf-lib';
import type { AgreementSnapshot, BlockSnapshot, PartySnapshot } from '../agreement/document.ts';
import { agentText, birthText, PERFORMANCE_KEYS, PERFORMANCE_LABELS, representativeText } from '../agreement/document.ts';
import { renderText } from '../agreement/fields.ts';
import { embedAgreementFont, missingGlyphs } from './pdf-font.ts';
import { BODY, Composer, MARGIN } from './pdf-composer.ts';
import { maskIdNumber } from '../domain/id-number.ts';
import { AGREEMENT_NOTICES, type AgreementNotices } from '../agreement/agreement-notices.ts';

export class MissingGlyphsError extends Error {
  constructor(readonly characters: string[]) {
    super(`协议中有字体无法显示的字：${characters.join('、')}。请改用通用字形，或改为纸质签署`);
    this.name = 'MissingGlyphsError';
  }
}

/**
 * A new PDF with jiefen's metadata and the Chinese font subset for `printed` (every character the
 * document will draw), refused with MissingGlyphsError before anything is built when the font lacks
 * one. Fixed dates: the same input gives the same bytes.
 */
export async function startDocumentPdf(o: { title: string; author: string; date: Date; printed: string }): Promise<{ doc: PDFDocument; font: PDFFont }> {
  const missing = missingGlyphs(o.printed);
  if (missing.length) throw new MissingGlyphsError(missing);
  const doc = await PDFDocument.create();
  doc.setTitle(o.title);
  doc.setAuthor(o.author);
  doc.setCreator('jiefen 解纷');
  doc.setProducer('jiefen 解纷 (pdf-lib)');
  doc.setCreationDate(o.date);
  doc.setModificationDate(o.date);
  return { doc, font: await embedAgreementFont(doc, o.printed) };
}

export interface SignatureEntry {
  /** e.g. 申请人 / 被申请人 / 委托代理人 */
  label: string;
  name: string;
  /** PNG of the handwritten signature; null leaves the line blank (not yet signed). */
  png: Uint8Array | null;
  /** An organisation's 电子印章 (PNG), printed on its own line below the signature. */
  seal?: Uint8Array | null;
  /** YYYY-MM-DD */
  date: string | null;
}

export interface AgreementPdfInput {
  agreement: AgreementSnapshot;
  signatures: SignatureEntry[];
  mediator: SignatureEntry;
  /** The committee's seal (PNG); null leaves the seal line blank. */
  seal: Uint8Array | null;
  /** The date the agreement takes effect (last signature), YYYY-MM-DD. */
  date: string | null;
  /** The fixed closing notices; default: those in force (agreement-templates/notices/). */
  notices?: AgreementNotices;
}

const ROLE_LABELS: Record<PartySnapshot['role'], string> = { APPLICANT: '申请人', RESPONDENT: '被申请人' };
const DIGITS = '零一二三四五六七八九';

/** 1 → 一, 12 → 十二, 21 → 二十一 (clause numbers). */
export function chineseNumber(n: number): string {
  if (n < 10) return DIGITS[n]!;
  if (n < 20) return `十${n % 10 ? DIGITS[n % 10] : ''}`;
  if (n < 100) return `${DIGITS[Math.floor(n / 10)]}十${n % 10 ? DIGITS[n % 10] : ''}`;
  return String(n);
}

function partyLine(p: PartySnapshot): string {
  const bits = [`${ROLE_LABELS[p.role]}：${p.name}`];
  if (p.personType === 'natural') {
    if (p.gender) bits.push(p.gender);
    const born = birthText(p);
    if (born) bits.push(born);
    if (p.ethnicity) bits.push(p.ethnicity);
    if (p.idMasked) bits.push(`身份证号码：${maskIdNumber(p.idMasked)}`);
    if (p.address) bits.push(`住所：${p.address}`);
  } else {
    if (p.creditCode) bits.push(`统一社会信用代码：${p.creditCode}`);
    if (p.address) bits.push(`住所地：${p.address}`);
    const rep = representativeText(p);
    if (rep) bits.push(`法定代表人（负责人）：${rep}`);
  }
  if (p.serviceAddress && p.serviceAddress !== p.address) bits.push(`送达地址：${p.serviceAddress}`);
  // No 联系电话: every party receives a copy, and a party's phone is not for the other side (PIPL art. 6).
  return bits.join('，') + '。';
}

const blockText = (b: BlockSnapshot) => renderText(b.text, b.fields).trim();

/** Everything printed as text, in order (also what the glyph check and the tests read). */
export function agreementLines(
  a: AgreementSnapshot,
  notices: AgreementNotices = AGREEMENT_NOTICES,
): Array<{ kind: 'heading' | 'para' | 'clause'; text: string; label?: string }> {
  const out: Array<{ kind: 'heading' | 'para' | 'clause'; text: string; label?: string }> = [];
  for (const p of a.parties) {
    out.push({ kind: 'para', text: partyLine(p) });
    const agent = agentText(p);
    if (agent) out.push({ kind: 'para', text: agent });
  }
  out.push({ kind: 'heading', text: '纠纷主要事实、争议事项：' });
  for (const key of ['facts', 'issues'] as const) {
    const t = blockText(a.sections[key]);
    if (t) out.push({ kind: 'para', text: t });
  }
  const liability = blockText(a.sections.liability);
  if (liability) {
    out.push({ kind: 'heading', text: '各方责任：' });
    out.push({ kind: 'para', text: liability });
  }
  out.push({ kind: 'heading', text: '经调解，双方自愿达成如下协议：' });
  a.clauses.forEach((c, i) => out.push({ kind: 'clause', label: `${chineseNumber(i + 1)}、`, text: renderText(c.text, c.fields).trim() }));
  const performance = PERFORMANCE_KEYS.filter((k) => a.performance[k]).map((k) => `${PERFORMANCE_LABELS[k]}：${a.performance[k]}`);
  if (performance.length) {
    out.push({ kind: 'heading', text: '履行方式、地点和期限：' });
    for (const line of performance) out.push({ kind: 'para', text: `${line}。` });
  }
  const copies = a.parties.length + 1;
  out.push({ kind: 'para', text: `本协议书一式${chineseNumber(copies)}份，当事人各执一份，${a.meta.orgName}留存一份。` });
  out.push({ kind: 'para', text: '本协议自各方当事人签名、人民调解员签名并加盖人民调解委员会印章之日起生效。' });
  // The 30-day 司法确认 notice, in every agreement whatever its template or edits (agreement-notices.ts):
  // a locked agreement prints the text it was locked with.
  out.push({ kind: 'para', text: a.notices?.judicialConfirmation ?? notices.judicialConfirmation.text });
  return out;
}

/** The unsigned PDF's bytes (a preview; the issued copy is composed, then sealed by pades.ts). */
export async function renderAgreementPdf(input: AgreementPdfInput): Promise<Uint8Array> {
  const { doc, font } = await composeAgreementPdf(input);
  numberPages(doc, font);
  return doc.save({ useObjectStreams: false });
}

/**
 * The composed document and its embedded font (pages added later, e.g. the audit certificate, use
 * it too). Call numberPages when the last page is there.
 */
export async function composeAgreementPdf(input: AgreementPdfInput): Promise<{ doc: PDFDocument; font: PDFFont }> {
  const a = input.agreement;
  const lines = agreementLines(a, input.notices);
  const printed = [
    a.meta.title,
    a.meta.caseNumber,
    a.meta.orgName,
    ...lines.map((l) => (l.label ?? '') + l.text),
    ...input.signatures.map((s) => s.label + s.name),
    '（电子印章）',
    input.mediator.name,
    '人民调解员（签名）：（印章）年月日第页共0123456789 ',
  ].join('');
  // Fixed dates: the same agreement and signatures give the same bytes (no "now" inside).
  const stamp = input.date ? new Date(`${input.date}T00:00:00+08:00`) : new Date(a.meta.createdAt);
  const { doc, font } = await startDocumentPdf({ title: `${a.meta.title}（${a.meta.caseNumber}）`, author: a.meta.orgName, date: stamp, printed });
  const c = new Composer(doc, font);

  c.centred(a.meta.title || '人民调解协议书', 20);
  c.right(a.meta.caseNumber, BODY);
  c.gap(6);
  for (const l of lines) {
    if (l.kind === 'heading') c.paragraph(l.text, { indent: 0 });
    else if (l.kind === 'clause') c.paragraph(l.text, { hanging: l.label! });
    else c.paragraph(l.text);
  }

  c.gap(BODY);
  const embed = async (png: Uint8Array | null) => (png ? doc.embedPng(png) : null);
  for (const s of input.signatures) {
    c.signatureLine(`${s.label}（签名）：${s.png ? '' : s.name}`, await embed(s.png), s.date);
    if (s.seal) c.signatureLine(`${s.label}（电子印章）：`, await embed(s.seal), s.date, 70);
  }
  c.signatureLine(`人民调解员（签名）：${input.mediator.png ? '' : input.mediator.name}`, await embed(input.mediator.png), input.mediator.date);
  c.signatureLine(`${a.meta.orgName}（印章）：`, await embed(input.seal), input.date, 70);

  return { doc, font };
}

/** 第 x 页 共 y 页 at the foot of every page — once all pages (audit certificate included) exist. */
export function numberPages(doc: PDFDocument, font: PDFFont): void {
  const pages = doc.getPages();
  pages.forEach((page, i) => {
    const footer = `第 ${i + 1} 页 共 ${pages.length} 页`;
    page.drawText(footer, { x: (page.getWidth() - font.widthOfTextAtSize(footer, 9)) / 2, y: MARGIN.bottom / 2, size: 9, font });
  });
}
