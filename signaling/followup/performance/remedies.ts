// What an obligee can do once an obligation is 逾期 (#16 item 1): 申请强制执行 when a court confirmed
// the agreement (naming that court and the ruling), otherwise 起诉 or 司法确认 first. The wording is
// data (remedies.json) a centre corrects without code; this only fills in the names.
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const Block = z.object({ title: z.string().min(1), paragraphs: z.array(z.string().min(1)).min(1) }).strict();
const RemediesFile = z.object({ $comment: z.string().optional(), version: z.number().int().min(1), confirmed: Block, notConfirmed: Block }).strict();
export type Remedies = z.infer<typeof RemediesFile>;

const FILE = new URL('./remedies.json', import.meta.url);

let cached: Remedies | null = null;

/** The texts, read and checked once (a broken file fails the first use loudly, and the remedies test). */
export function loadRemedies(file: string | URL = FILE): Remedies {
  if (file === FILE && cached) return cached;
  const parsed = RemediesFile.parse(JSON.parse(readFileSync(file, 'utf8')));
  if (file === FILE) cached = parsed;
  return parsed;
}

export interface RemedyFacts {
  /** A court confirmed the agreement (司法确认 裁定有效). */
  confirmed: boolean;
  /** The confirming court, or the local court as the suggestion for a lawsuit. */
  court: string;
  courtCaseNumber: string | null;
  /** 甲方/乙方 (the side that did not perform). */
  obligor: string;
  /** What is missing, in words. */
  missing: string;
}

export function renderRemedies(f: RemedyFacts, remedies: Remedies = loadRemedies()): { title: string; paragraphs: string[]; version: number } {
  const block = f.confirmed ? remedies.confirmed : remedies.notConfirmed;
  const fill = (s: string) =>
    s
      .split('{court}')
      .join(f.court)
      .split('{courtCaseNumber}')
      .join(f.courtCaseNumber ?? '案号见民事裁定书')
      .split('{obligor}')
      .join(f.obligor)
      .split('{missing}')
      .join(f.missing);
  return { title: fill(block.title), paragraphs: block.paragraphs.map(fill), version: remedies.version };
}
