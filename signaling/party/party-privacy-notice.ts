// The 个人信息处理告知书 a party reads on its link before it gives any personal data (PIPL art. 17),
// and the texts of the separate consents it may give (arts. 23, 29: ID images, bank accounts,
// signatures, handing data to a court). The text is data (party-privacy-notice.json) a centre
// corrects without code; a changed text needs a new `version`, which every acknowledgement records.
import { readFileSync } from 'node:fs';
import { z } from 'zod';

export const SEPARATE_CONSENTS = ['ID_IMAGES', 'BANK_ACCOUNT', 'SIGNATURE', 'COURT'] as const;
export type SeparateConsent = (typeof SEPARATE_CONSENTS)[number];

const Notice = z.object({
  version: z.string().min(1),
  title: z.string().min(1),
  law: z.string().min(1),
  paragraphs: z.array(z.string().min(1)).min(1),
  consents: z.object({ ID_IMAGES: z.string().min(1), BANK_ACCOUNT: z.string().min(1), SIGNATURE: z.string().min(1), COURT: z.string().min(1) }),
});
export type PartyPrivacyNotice = z.infer<typeof Notice>;

const NOTICE_FILE = new URL('./party-privacy-notice.json', import.meta.url);

export function loadPartyPrivacyNotice(orgName: string, file: string | URL = NOTICE_FILE): PartyPrivacyNotice {
  const notice = Notice.parse(JSON.parse(readFileSync(file, 'utf8')));
  return { ...notice, paragraphs: notice.paragraphs.map((s) => s.split('{orgName}').join(orgName)) };
}
