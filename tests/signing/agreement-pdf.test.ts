// The 人民调解协议书 PDF, checked with poppler under an empty fontconfig (as on a court's machine
// without our fonts): the font is embedded and subset, the pages render with ink, and the text
// read back is the agreement's text — parties, every clause, performance, page numbers. A name
// in a character the font lacks is refused instead of printed as an empty box.
import { describe, expect, it } from 'vitest';
import { readAgreement, type AgreementSnapshot } from '../../signaling/agreement/document.ts';
import { demoAgreementDoc } from '../fixtures/demo-cases.ts';
import { renderText } from '../../signaling/agreement/fields.ts';
import { loadBuiltinTemplates } from '../../signaling/agreement/template-loader.ts';
import { chineseNumber, MissingGlyphsError, renderAgreementPdf, type AgreementPdfInput } from '../../signaling/signing/agreement-pdf.ts';
import { breakLines } from '../../signaling/signing/text-layout.ts';
import { PDFDocument } from 'pdf-lib';
import { agreementLines } from '../../signaling/signing/agreement-pdf.ts';
import { embedAgreementFont } from '../../signaling/signing/pdf-font.ts';
import { inkShare, pdffonts, pdftotext, renderGray, strokePng, writePdf } from './pdf-tools.ts';

const catalog = loadBuiltinTemplates();
const demo = (templateId: string): AgreementSnapshot => readAgreement(demoAgreementDoc(catalog, templateId));
const squash = (s: string) => s.replace(/\s+/g, '');

function input(agreement: AgreementSnapshot): AgreementPdfInput {
  return {
    agreement,
    signatures: agreement.parties.map((p) => ({ label: p.role === 'APPLICANT' ? '申请人' : '被申请人', name: p.name, png: strokePng(), date: '2026-03-02' })),
    mediator: { label: '人民调解员', name: '李瑞芳', png: strokePng(), date: '2026-03-02' },
    seal: strokePng(90, 90),
    date: '2026-03-02',
  };
}

describe('the agreement PDF', () => {
  for (const templateId of ['neighbour', 'property-sale', 'financial-loan']) {
    it(`${templateId}: embedded subset font, pages with ink, and the agreement's text read back`, async () => {
      const agreement = demo(templateId);
      const file = writePdf(await renderAgreementPdf(input(agreement)));

      const fonts = pdffonts(file).split('\n').slice(2).filter(Boolean);
      expect(fonts.length).toBeGreaterThan(0);
      for (const line of fonts) {
        expect(line).toMatch(/^[A-Z]{6}\+NotoSansSC/); // subset tag
        expect(line).toMatch(/\byes\s+yes\s+yes\b/); // emb sub uni
      }

      const text = squash(pdftotext(file));
      expect(text).toContain('人民调解协议书');
      expect(text).toContain(squash(agreement.meta.caseNumber));
      for (const p of agreement.parties) expect(text).toContain(p.name);
      agreement.clauses.forEach((c, i) => expect(text, `clause ${i + 1}`).toContain(squash(`${chineseNumber(i + 1)}、${renderText(c.text, c.fields)}`)));
      for (const v of Object.values(agreement.performance)) if (v) expect(text).toContain(squash(v));
      const pages = Number(text.match(/第1页共(\d+)页/)?.[1]);
      expect(pages).toBeGreaterThan(0);
      for (let i = 1; i <= pages; i++) {
        expect(text).toContain(`第${i}页共${pages}页`);
        expect(inkShare(file, i), `ink on page ${i}`).toBeGreaterThan(0.002);
      }
    });
  }

  it('refuses a character the font cannot show, naming it', async () => {
    const agreement = demo('neighbour');
    agreement.parties[0]!.name = '李𠮷';
    const err = await renderAgreementPdf(input(agreement)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MissingGlyphsError);
    expect((err as MissingGlyphsError).characters).toEqual(['𠮷']);
    expect((err as Error).message).toContain('𠮷');
  });

  it('the same agreement and signatures give the same bytes', async () => {
    const agreement = demo('private-loan');
    const [a, b] = await Promise.all([renderAgreementPdf(input(agreement)), renderAgreementPdf(input(agreement))]);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });
});

describe('every character prints', () => {
  // pdftotext reads the ToUnicode map, so it finds text even where a glyph renders blank. This
  // draws every distinct character of an agreement in its own cell with the same subset font
  // and checks each cell has ink — it caught the subsetter bug that left half of them blank.
  it('each distinct character of a filled agreement renders with ink under an empty fontconfig', async () => {
    const agreement = demo('neighbour');
    const text =
      agreementLines(agreement)
        .map((l) => (l.label ?? '') + l.text)
        .join('') + '人民调解协议书第页共年月日（签名）（印章）电子签署审计证明';
    const chars = [...new Set(text)].filter((c) => !/\s/.test(c));
    const doc = await PDFDocument.create();
    const font = await embedAgreementFont(doc, chars.join(''));
    const CELL = 28;
    const COLS = 18;
    const ROWS = 26;
    const pages: Array<Array<{ ch: string; col: number; row: number }>> = [];
    chars.forEach((ch, i) => {
      const page = Math.floor(i / (COLS * ROWS));
      (pages[page] ??= []).push({ ch, col: i % COLS, row: Math.floor(i / COLS) % ROWS });
    });
    for (const cells of pages) {
      const page = doc.addPage([COLS * CELL + 40, ROWS * CELL + 40]);
      for (const c of cells) page.drawText(c.ch, { x: 20 + c.col * CELL + 4, y: page.getHeight() - 20 - (c.row + 1) * CELL + 8, size: 18, font });
    }
    const file = writePdf(await doc.save());
    const blank: string[] = [];
    pages.forEach((cells, p) => {
      const img = renderGray(file, p + 1, 72); // 1 px per point
      for (const c of cells) {
        let dark = 0;
        for (let y = 20 + c.row * CELL; y < 20 + (c.row + 1) * CELL; y++)
          for (let x = 20 + c.col * CELL; x < 20 + (c.col + 1) * CELL; x++) if (img.data[y * img.width + x]! < 128) dark++;
        if (dark < 3) blank.push(c.ch);
      }
    });
    expect(chars.length).toBeGreaterThan(200);
    expect(blank).toEqual([]);
  });
});

describe('Chinese line breaking', () => {
  const measure = (t: string) => [...t].length * 10;
  it('never starts a line with closing punctuation; it hangs instead', () => {
    const lines = breakLines('甲方于本协议签订之日起十日内支付，乙方确认收到。', measure, 160);
    for (const l of lines.slice(1)) expect('，。、；：！？）'.includes(l[0]!)).toBe(false);
    expect(lines.join('')).toBe('甲方于本协议签订之日起十日内支付，乙方确认收到。');
  });
  it('keeps an amount or account number together when it fits on the next line', () => {
    const lines = breakLines('乙方向甲方支付人民币12345.67元', measure, 110);
    expect(lines.some((l) => l.includes('12345.67'))).toBe(true);
  });
  it('splits a number longer than a line rather than overflowing', () => {
    const lines = breakLines('账号6222020200112233445566778899', measure, 100);
    for (const l of lines) expect(measure(l)).toBeLessThanOrEqual(100);
    expect(lines.join('')).toBe('账号6222020200112233445566778899');
  });
  it('numbers clauses in Chinese', () => {
    expect([1, 9, 10, 11, 20, 21, 99].map(chineseNumber)).toEqual(['一', '九', '十', '十一', '二十', '二十一', '九十九']);
  });
});
