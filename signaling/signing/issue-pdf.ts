// The issued agreement file: the agreement with its signatures and seal, the audit certificate
// after it, every page numbered, sealed with the organisation's PAdES signature. Pure (no
// database): the signing service and the pdf benchmark both call it.
import { composeAgreementPdf, numberPages, type AgreementPdfInput } from './agreement-pdf.ts';
import { addAuditCertificate, type CertificateData } from './audit-certificate.ts';
import type { SigningIdentity } from './org-identity.ts';
import { sealPdf } from './pades.ts';

export interface IssueInput extends AgreementPdfInput {
  certificate: CertificateData;
  identity: SigningIdentity;
  /** The seal's time (/M): when the last signature was made. */
  signingTime: Date;
}

export async function issueAgreementPdf(input: IssueInput): Promise<{ bytes: Uint8Array; pages: number }> {
  const { doc, font } = await composeAgreementPdf(input);
  await addAuditCertificate(doc, font, input.certificate);
  numberPages(doc, font);
  const pages = doc.getPageCount();
  const org = input.certificate.orgName;
  const bytes = await sealPdf(doc, input.identity, {
    reason: `人民调解协议书 ${input.agreement.meta.caseNumber}`,
    location: org,
    contactInfo: org,
    signingTime: input.signingTime,
  });
  return { bytes, pages };
}
