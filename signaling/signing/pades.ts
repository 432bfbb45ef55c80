// Seals a finished PDF with the organisation's PAdES signature (ETSI.CAdES.detached): a signature
// dictionary with a placeholder is added through pdf-lib, the document is written once, and the
// CMS from cades-signer.ts fills the placeholder over the byte ranges around it. Nothing may
// re-save the document afterwards (that would break the signature).
import { pdflibAddPlaceholder } from '@signpdf/placeholder-pdf-lib';
import { SignPdf } from '@signpdf/signpdf';
import { SUBFILTER_ETSI_CADES_DETACHED } from '@signpdf/utils';
import { PDFDict, PDFHexString, PDFInvalidObject, PDFName, PDFRef, type PDFDocument } from 'pdf-lib';
import { CadesSigner } from './cades-signer.ts';
import type { SigningIdentity } from './org-identity.ts';

export interface SealOptions {
  reason: string;
  location: string;
  contactInfo: string;
  /** The signature's time (/M); fixed by the caller so the same input gives the same bytes. */
  signingTime: Date;
}

/** Room for the CMS: two 2048-bit certificates + attributes ≈ 2.5 KB, hex-doubled, with margin. */
const SIGNATURE_LENGTH = 12_000;

export async function sealPdf(doc: PDFDocument, identity: SigningIdentity, opts: SealOptions): Promise<Uint8Array> {
  pdflibAddPlaceholder({
    pdfDoc: doc,
    reason: TEXT_MARKERS.Reason,
    location: TEXT_MARKERS.Location,
    contactInfo: TEXT_MARKERS.ContactInfo,
    name: TEXT_MARKERS.Name,
    signingTime: opts.signingTime,
    signatureLength: SIGNATURE_LENGTH,
    subFilter: SUBFILTER_ETSI_CADES_DETACHED,
    appName: 'jiefen 解纷',
  });
  writeTextEntries(doc, { Reason: opts.reason, Location: opts.location, ContactInfo: opts.contactInfo, Name: identity.signerName });
  const unsigned = Buffer.from(await doc.save({ useObjectStreams: false }));
  const signed = await new SignPdf().sign(unsigned, new CadesSigner(identity), opts.signingTime);
  return new Uint8Array(signed);
}

/**
 * The placeholder writes /Reason, /Location, /ContactInfo and /Name as literal strings of single
 * bytes, so Chinese came out garbled — and a character whose low byte is a parenthesis broke the
 * file's syntax. So it is given ASCII markers, and the dictionary it stores pre-serialised is then
 * rewritten with each marker replaced by a PDF text string (UTF-16BE, hex), which every reader
 * decodes; the byte ranges are laid out later, on the saved file, so nothing signed changes.
 */
const TEXT_MARKERS = { Reason: 'JIEFEN_SIG_REASON', Location: 'JIEFEN_SIG_LOCATION', ContactInfo: 'JIEFEN_SIG_CONTACT', Name: 'JIEFEN_SIG_NAME' } as const;

function writeTextEntries(doc: PDFDocument, entries: Record<keyof typeof TEXT_MARKERS, string>): void {
  for (const [, object] of doc.context.enumerateIndirectObjects()) {
    if (!(object instanceof PDFDict) || object.get(PDFName.of('FT')) !== PDFName.of('Sig')) continue;
    const ref = object.get(PDFName.of('V'));
    const stored = ref instanceof PDFRef ? doc.context.lookup(ref) : undefined;
    if (!(stored instanceof PDFInvalidObject)) continue;
    const bytes = new Uint8Array(stored.sizeInBytes());
    stored.copyBytesInto(bytes, 0);
    let text = Buffer.from(bytes).toString('latin1');
    for (const [key, marker] of Object.entries(TEXT_MARKERS))
      text = text.replace(`(${marker})`, PDFHexString.fromText(entries[key as keyof typeof TEXT_MARKERS]).toString());
    doc.context.assign(ref as PDFRef, PDFInvalidObject.of(Buffer.from(text, 'latin1')));
  }
}
