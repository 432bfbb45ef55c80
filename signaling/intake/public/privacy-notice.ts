// The privacy notice shown — and agreed to — before the public page asks for any personal data
// (个人信息保护法 第十七条: who processes it, for what, how, which kinds, how long, and how to
// exercise one's rights). The text is data (privacy-notice.json) a centre corrects without code;
// a changed text needs a new `version`, which every online application records with its consent.
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const Notice = z.object({
  version: z.string().min(1),
  title: z.string().min(1),
  law: z.string().min(1),
  controller: z.string().min(1),
  paragraphs: z.array(z.string().min(1)).min(1),
});
export type PrivacyNotice = z.infer<typeof Notice>;

const NOTICE_FILE = new URL('./privacy-notice.json', import.meta.url);

export function loadPrivacyNotice(centreName: string, file: string | URL = NOTICE_FILE): PrivacyNotice {
  const notice = Notice.parse(JSON.parse(readFileSync(file, 'utf8')));
  const fill = (s: string) => s.split('{centreName}').join(centreName);
  return { ...notice, controller: fill(notice.controller), paragraphs: notice.paragraphs.map(fill) };
}
