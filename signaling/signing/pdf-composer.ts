// Page composition for our A4 documents (agreement, court documents): a cursor that flows text
// down the page with Chinese line breaking, starts new pages, and draws centred / right-aligned
// lines and signature lines with images.
import { rgb, type PDFDocument, type PDFFont, type PDFImage, type PDFPage } from 'pdf-lib';
import { formatDateCn } from '../agreement/dates.ts';
import { breakLines } from './text-layout.ts';

export const A4 = { width: 595.28, height: 841.89 };
export const MARGIN = { top: 72, bottom: 72, left: 80, right: 80 };
export const BODY = 12;
const LEADING = 1.75;

/** YYYY-MM-DD → 2026年3月2日; null → blanks to write in by hand. */
const chineseDate = (iso: string | null) => (iso ? formatDateCn(iso) : '        年    月    日');

export class Composer {
  readonly pages: PDFPage[] = [];
  #page!: PDFPage;
  #y = 0;

  constructor(
    readonly doc: PDFDocument,
    readonly font: PDFFont,
  ) {
    this.newPage();
  }

  get page(): PDFPage {
    return this.#page;
  }
  get y(): number {
    return this.#y;
  }

  newPage(): void {
    this.#page = this.doc.addPage([A4.width, A4.height]);
    this.pages.push(this.#page);
    this.#y = A4.height - MARGIN.top;
  }

  /** Makes room for `height` points, starting a new page when needed. */
  ensure(height: number): void {
    if (this.#y - height < MARGIN.bottom) this.newPage();
  }

  text(text: string, x: number, size: number): void {
    this.#page.drawText(text, { x, y: this.#y - size, size, font: this.font, color: rgb(0, 0, 0) });
  }

  /** A paragraph: first line indented by `indent` (two characters for body text), wrapped lines flush. */
  paragraph(text: string, opts: { size?: number; indent?: number; hanging?: string } = {}): void {
    const size = opts.size ?? BODY;
    const width = A4.width - MARGIN.left - MARGIN.right;
    const measure = (t: string) => this.font.widthOfTextAtSize(t, size);
    const lead = opts.hanging ?? '';
    const leadWidth = lead ? measure(lead) : 0;
    const indent = opts.indent ?? size * 2;
    for (const [i, line] of breakLines(text, measure, width - leadWidth, width - leadWidth - indent).entries()) {
      this.ensure(size * LEADING);
      if (i === 0 && lead) this.text(lead, MARGIN.left + indent, size);
      this.text(line, MARGIN.left + leadWidth + (i === 0 ? indent : 0), size);
      this.#y -= size * LEADING;
    }
  }

  centred(text: string, size: number): void {
    this.ensure(size * 2);
    this.text(text, (A4.width - this.font.widthOfTextAtSize(text, size)) / 2, size);
    this.#y -= size * 2;
  }

  right(text: string, size: number): void {
    this.ensure(size * LEADING);
    this.text(text, A4.width - MARGIN.right - this.font.widthOfTextAtSize(text, size), size);
    this.#y -= size * LEADING;
  }

  gap(points: number): void {
    this.#y -= points;
  }

  /** A labelled line with an image (signature, seal) drawn into a box after the label. */
  signatureLine(label: string, image: PDFImage | null, date: string | null, boxHeight = 40): void {
    const size = BODY;
    this.ensure(boxHeight + size);
    const labelWidth = this.font.widthOfTextAtSize(label, size);
    const baseline = this.#y - boxHeight + size;
    this.#page.drawText(label, { x: MARGIN.left, y: baseline - size, size, font: this.font });
    const when = chineseDate(date);
    const dateX = A4.width - MARGIN.right - this.font.widthOfTextAtSize(when, size);
    if (image) {
      // Between the label and the date, never over either.
      const left = MARGIN.left + labelWidth + 6;
      const scale = Math.min(Math.max(40, dateX - 10 - left) / image.width, boxHeight / image.height);
      this.#page.drawImage(image, { x: left, y: baseline - size - 4, width: image.width * scale, height: image.height * scale });
    }
    this.#page.drawText(when, { x: dateX, y: baseline - size, size, font: this.font });
    this.#y -= boxHeight + size * 0.8;
  }
}
