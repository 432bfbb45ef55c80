// A court document (民事裁定书, 司法确认申请书) as an A4 PDF from its rendered template: the court's
// name, the title, the number on the right, then the blocks in order (centred / right-aligned as
// the template says), page numbers. The caller seals it (pades.ts) with the issuing body's
// certificate. Characters the font lacks are refused, as for agreements.
import { PDFDocument, type PDFFont } from 'pdf-lib';
import type { RenderedCourtDocument } from '../agreement/court.ts';
import { numberPages, startDocumentPdf } from './agreement-pdf.ts';
import { BODY, Composer } from './pdf-composer.ts';

export async function composeCourtDocumentPdf(
  rendered: RenderedCourtDocument,
  meta: { author: string; date: Date },
): Promise<{ doc: PDFDocument; font: PDFFont }> {
  const text = [rendered.title, ...rendered.blocks.flatMap((b) => [b.heading ?? '', ...b.paragraphs])].join('');
  const { doc, font } = await startDocumentPdf({ title: rendered.title, author: meta.author, date: meta.date, printed: `${text}第页共0123456789 ` });
  const c = new Composer(doc, font);
  rendered.blocks.forEach((b, i) => {
    if (b.heading) c.paragraph(b.heading, { indent: 0 });
    for (const p of b.paragraphs) {
      if (!p.trim()) continue;
      if (b.align === 'center') c.centred(p, i === 0 ? 18 : BODY);
      else if (b.align === 'right') c.right(p, BODY);
      else c.paragraph(p);
    }
    // The title follows the issuing body's name (the first, centred block).
    if (i === 0) c.centred(rendered.title, 20);
  });
  numberPages(doc, font);
  return { doc, font };
}
