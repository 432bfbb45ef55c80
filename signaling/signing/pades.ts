// Seals a finished PDF with the organisation's PAdES signature (ETSI.CAdES.detached): a signature
// dictionary with a placeholder is added through pdf-lib, the document is written once, and the
// CMS from cades-signer.ts fills the placeholder over the byte ranges around it. Nothing may
// re-save the document afterwards (that would break the signature).
import { pdflibAddPlaceholder } from '@signpdf/placeholder-pdf-lib';
import { SignPdf } from '@signpdf/signpdf';
import { SUBFILTER_ETSI_CADES_DETACHED } from '@signpdf/utils';
import type { PDFDocument } from 'pdf-lib';
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
    reason: opts.reason,
    location: opts.location,
    contactInfo: opts.contactInfo,
    name: identity.signerName,
    signingTime: opts.signingTime,
    signatureLength: SIGNATURE_LENGTH,
    subFilter: SUBFILTER_ETSI_CADES_DETACHED,
    appName: 'jiefen 解纷',
  });
  const unsigned = Buffer.from(await doc.save({ useObjectStreams: false }));
  const signed = await new SignPdf().sign(unsigned, new CadesSigner(identity), opts.signingTime);
  return new Uint8Array(signed);
}
