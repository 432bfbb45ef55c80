// The fixed notices printed at the end of every 人民调解协议书, whatever its template or edits —
// today the 30-day 司法确认 notice (人民调解法 art. 33, 民事诉讼法 art. 205). The wording is data
// (agreement-templates/notices/agreement-notices.json) a centre can correct without code; it is
// read once, when the server starts, and a broken file stops the start naming the field.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

export const AGREEMENT_NOTICES_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../agreement-templates/notices/agreement-notices.json');

const Notice = Type.Object(
  {
    // Printed as it stands: no fill-ins, one paragraph.
    text: Type.String({ minLength: 10, maxLength: 600, pattern: '^[^{}\\n]+$' }),
    legalBasis: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }),
  },
  { additionalProperties: false },
);
const NoticesFile = Type.Object({ about: Type.Optional(Type.String()), judicialConfirmation: Notice }, { additionalProperties: false });

export type AgreementNotices = Static<typeof NoticesFile>;

/** Reads and checks the notices file; throws naming the file and the field. */
export function loadAgreementNotices(file = AGREEMENT_NOTICES_FILE): AgreementNotices {
  const raw: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (!Value.Check(NoticesFile, raw)) {
    const first = [...Value.Errors(NoticesFile, raw)][0];
    throw new Error(`${path.basename(file)}: ${first?.path ?? ''} ${first?.message ?? 'invalid'}`);
  }
  return raw;
}

/** The notices in force: loaded when this module is first imported (at start). */
export const AGREEMENT_NOTICES: AgreementNotices = loadAgreementNotices();
