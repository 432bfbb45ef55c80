// The procedure's documents (调解终结告知书, 调解笔录) as sealed A4 PDFs: the rendered template's
// blocks, optional signature lines (the parties who signed the minutes), the committee's seal
// image above the date, page numbers, then the organisation's PAdES signature — the same seal
// and certificate as the agreement (signing/pades.ts). Pure: no database.
import { createHash } from 'node:crypto';
import type { RenderedCourtDocument } from '../agreement/court.ts';
import { numberPages, startDocumentPdf } from '../signing/agreement-pdf.ts';
import type { SigningIdentity } from '../signing/org-identity.ts';
import { sealPdf } from '../signing/pades.ts';
import { BODY, Composer } from '../signing/pdf-composer.ts';

export interface SignatureLine {
  label: string;
  png: Uint8Array | null;
  /** YYYY-MM-DD, or null for a blank date. */
  date: string | null;
}

export interface OrgDocumentInput {
  rendered: RenderedCourtDocument;
  orgName: string;
  caseNumber: string;
  /** Lines replacing the paragraphs of the block with this key (the minutes' record). */
  inserted?: { blockKey: string; paragraphs: string[] };
  signatures?: SignatureLine[];
  seal: Uint8Array;
  /** The seal's date (YYYY-MM-DD) and the PAdES signing time. */
  sealDate: string;
  signingTime: Date;
  identity: SigningIdentity;
}

export async function issueOrgDocument(input: OrgDocumentInput): Promise<{ bytes: Buffer; pages: number; sha256: string }> {
  const { rendered } = input;
  const blocks = rendered.blocks.map((b) => (input.inserted && b.key === input.inserted.blockKey ? { ...b, paragraphs: input.inserted.paragraphs } : b));
  const labels = (input.signatures ?? []).map((s) => s.label);
  const text = [rendered.title, ...blocks.flatMap((b) => [b.heading ?? '', ...b.paragraphs]), ...labels, `${input.orgName}（印章）：`].join('');
  const { doc, font } = await startDocumentPdf({
    title: rendered.title,
    author: input.orgName,
    date: input.signingTime,
    printed: `${text}第页共年月日0123456789 `,
  });
  const c = new Composer(doc, font);
  // The closing block that names the seal is drawn as the seal line instead.
  const body = blocks.filter((b) => b.key !== 'signature');
  body.forEach((b, i) => {
    if (b.heading) c.paragraph(b.heading, { indent: 0 });
    for (const p of b.paragraphs) {
      if (!p.trim()) continue;
      if (b.align === 'center') c.centred(p, i === 0 ? 18 : BODY);
      else if (b.align === 'right') c.right(p, BODY);
      else c.paragraph(p);
    }
    if (i === 0) c.centred(rendered.title, 20);
  });
  c.gap(BODY);
  for (const s of input.signatures ?? []) c.signatureLine(s.label, s.png ? await doc.embedPng(s.png) : null, s.date);
  c.signatureLine(`${input.orgName}（印章）：`, await doc.embedPng(input.seal), input.sealDate, 70);
  numberPages(doc, font);
  const pages = doc.getPageCount();
  const bytes = Buffer.from(
    await sealPdf(doc, input.identity, {
      reason: `${rendered.title} ${input.caseNumber}`,
      location: input.orgName,
      contactInfo: input.orgName,
      signingTime: input.signingTime,
    }),
  );
  return { bytes, pages, sha256: createHash('sha256').update(bytes).digest('hex') };
}
